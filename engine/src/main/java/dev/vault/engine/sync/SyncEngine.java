package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * One sync round of a workspace: lock, repair leftovers of a killed round, commit local changes,
 * fetch, merge in memory by vault's rules, update the working tree file by file (never a file that
 * changed on disk meanwhile) and push, retrying when another computer pushed first. Never forces
 * a push and never resets over unsaved work.
 */
public final class SyncEngine {
    /** How a round runs. */
    public static final class Options {
        /** Commit even if most tracked files vanished (otherwise the round pauses). */
        public boolean allowMassDelete;
        /** Only commit locally; do not contact the hub. */
        public boolean offline;
        /** Push attempts before giving up when other computers keep pushing first. */
        public int maxAttempts = 5;
        public Clock clock = Clock.systemDefaultZone();
        /** Extra words for the commit message of local changes, e.g. "move current work to central". */
        public String note;
        /**
         * Called after the merge is committed and before files on disk are updated; tests use it to
         * edit files "while the round runs" at exactly the moment that matters.
         */
        public Runnable beforeWorkingTreeUpdate;
        /** The file name rules of this computer (tests pick another OS's flavour). */
        public PathValidator paths = PathValidator.forThisSystem();
        /** How network hubs are reached (keys, agent, credentials, a terminal); null: the process's own. */
        public HubAccess hubAccess;
        /**
         * Called with the name of each step a round reaches ("committed", "fetched", "before-push",
         * "pushed"); tests throw from it to kill a round at that point.
         */
        public java.util.function.Consumer<String> onStep;

        public Options allowMassDelete(boolean v) {
            allowMassDelete = v;
            return this;
        }

        public Options offline(boolean v) {
            offline = v;
            return this;
        }

        public Options clock(Clock c) {
            clock = c;
            return this;
        }

        public Options note(String n) {
            note = n;
            return this;
        }

        public Options paths(PathValidator p) {
            paths = p;
            return this;
        }

        public Options hubAccess(HubAccess a) {
            hubAccess = a;
            return this;
        }
    }

    private final Workspace ws;
    private final Repository repo;
    private final Options opt;
    private String branchRef;
    private String trackingRef;
    private final HubAccess access;

    public SyncEngine(Workspace ws, Options opt) {
        this.ws = ws;
        this.repo = ws.repository();
        this.opt = opt;
        this.branchRef = Constants.R_HEADS + ws.branch();
        this.trackingRef = Constants.R_REMOTES + "origin/" + ws.branch();
        this.access = opt.hubAccess != null ? opt.hubAccess : HubAccess.system();
    }

    /** Runs one round under the workspace lock and records its outcome in status.json. */
    public SyncResult run() {
        try (WorkspaceLock lock = WorkspaceLock.acquire(ws)) {
            StatusFile.Data st = StatusFile.read(ws);
            fillIdentity(st);
            st.running = true;
            st.runningPid = ProcessHandle.current().pid();
            st.runningSince = Instant.now(opt.clock).toString();
            StatusFile.write(ws, st);
            SyncResult r = null;
            access.holdSessions();
            try {
                r = round();
                Maintenance.maybeRepack(repo, ws.vaultDir().resolve("last-gc"), Instant.now(opt.clock));
                if (r.pushed) {
                    Maintenance.maybeRepackHub(ws.hub(), ws.vaultDir().resolve("last-hub-gc"), Instant.now(opt.clock));
                }
                return r;
            } catch (VaultException e) {
                st.lastResult = e.getMessage().startsWith("sync paused") ? "paused" : "failed";
                st.lastMessage = e.getMessage();
                throw e;
            } catch (IOException | RuntimeException e) {
                st.lastResult = "failed";
                st.lastMessage = String.valueOf(e.getMessage());
                throw new VaultException("sync of " + ws.root() + " failed: " + e.getMessage()
                        + "; nothing was lost, run 'vault sync' again", e);
            } finally {
                access.releaseSessions();
                st.running = false;
                st.runningPid = null;
                st.runningSince = null;
                st.lastSync = Instant.now(opt.clock).toString();
                if (r != null) {
                    record(st, r);
                }
                StatusFile.write(ws, st);
            }
        }
    }

    private void fillIdentity(StatusFile.Data st) {
        st.workspace = ws.root().toString();
        st.computer = ws.computer();
        st.hub = ws.hub();
        st.branch = ws.branch();
    }

    private void record(StatusFile.Data st, SyncResult r) {
        st.lastResult = r.outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        st.lastMessage = r.summary();
        if (r.hubProblem == null && r.outcome != SyncResult.Outcome.OFFLINE) {
            st.lastSuccess = st.lastSync;
        }
        st.hubReachable = opt.offline ? null : r.hubProblem == null;
        st.hubState = opt.offline ? null : r.hubProblem == null ? "reachable" : r.hubProblem.id();
        st.unpushed = r.waiting;
        if (r.hubWentBack != null) {
            st.hubWentBack = r.hubWentBack;
        }
        st.branch = ws.branch();
        st.skippedForSize.clear();
        for (WorkingTreeScan.Skipped s : r.skipped) {
            st.skippedForSize.add(new StatusFile.SkippedFile(s.path, s.size));
        }
        if (r.received == 0 && r.conflicts.isEmpty()) {
            st.conflicts = new java.util.ArrayList<>(r.conflictCopies);
        } else {
            try {
                st.conflicts = Conflicts.list(ws);
            } catch (IOException e) {
                // keep the previous list; status recomputes it anyway
            }
        }
    }

    private SyncResult round() throws IOException {
        SyncResult r = new SyncResult();
        repair();
        ws.applyGitSettings();
        checkBranch();
        commitLocal(r);
        step("committed");
        if (opt.offline) {
            r.outcome = SyncResult.Outcome.OFFLINE;
            r.offlineReason = "--offline";
            r.waiting = unpushed();
            return r;
        }
        ObjectId sent = HubHistory.lastSent(ws);
        for (int attempt = 1; attempt <= Math.max(1, opt.maxAttempts); attempt++) {
            r.pushAttempts = attempt;
            Hub.Refs refs;
            try {
                refs = Hub.listRefs(repo, ws.hub(), access);
            } catch (Hub.UnreachableException e) {
                return notReached(r, e.problem(), e.getMessage());
            }
            String hubBranch = attempt == 1 ? Hub.headBranch(ws.hub(), refs) : null;
            if (hubBranch != null && !hubBranch.equals(ws.branch())) {
                followHubBranch(hubBranch, r);
                sent = null; // what was sent went to the old branch: nothing to compare this time
            }
            ObjectId remote = refs.branch(ws.branch());
            if (remote != null && !repo.getObjectDatabase().has(remote)) {
                try (Transport t = access.open(repo, ws.hub())) {
                    t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + branchRef + ":" + trackingRef)));
                } catch (TransportException e) {
                    if (causedByDamagedObject(e)) {
                        throw new VaultException("hub " + ws.hub() + " holds a damaged Git object (" + e.getMessage()
                                + "); nothing was received or written, your work is committed locally; repair the hub (e.g. 'git fsck' there) and sync again", e);
                    }
                    Hub.UnreachableException u = access.problem(ws.hub(), e);
                    return notReached(r, u.problem(), u.getMessage());
                }
            }
            if (remote != null) {
                setRef(trackingRef, remote);
            }
            step("fetched");
            if (r.hubWentBack == null) {
                r.hubWentBack = HubHistory.check(repo, ws.hub(), ws.branch(), sent, remote, Instant.now(opt.clock));
            }
            ObjectId local = repo.resolve(Constants.HEAD);
            ObjectId newHead = integrate(local, remote, r);
            if (newHead == null || newHead.equals(remote)) {
                if (newHead != null && r.hubWentBack == null && !newHead.equals(sent)) {
                    HubHistory.recordSent(ws, newHead); // the hub has all of this workspace's history
                }
                r.outcome = r.added + r.changed + r.deleted + r.received > 0 || !r.conflicts.isEmpty()
                        ? SyncResult.Outcome.SYNCED : SyncResult.Outcome.UP_TO_DATE;
                r.waiting = 0;
                return r;
            }
            step("before-push");
            RemoteRefUpdate.Status s = push(newHead, remote);
            if (s == RemoteRefUpdate.Status.OK || s == RemoteRefUpdate.Status.UP_TO_DATE) {
                step("pushed");
                HubHistory.recordSent(ws, newHead);
                if (r.hubWentBack != null) {
                    r.hubWentBack.resent = true;
                }
                setRef(trackingRef, newHead);
                r.pushed = true;
                r.outcome = SyncResult.Outcome.SYNCED;
                r.waiting = 0;
                return r;
            }
            if (s == null) {
                return notReached(r, HubProblem.OFFLINE, "hub " + Hub.display(ws.hub()) + " could not be reached to send changes");
            }
            // another computer pushed first: fetch and merge its work, then try again
        }
        throw new VaultException("sync of " + ws.root() + " gave up after " + opt.maxAttempts
                + " attempts because other computers kept sending changes; your work is committed locally, run 'vault sync' again");
    }

    private static boolean causedByDamagedObject(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.jgit.errors.CorruptObjectException) {
                return true;
            }
        }
        return false;
    }

    private SyncResult notReached(SyncResult r, HubProblem problem, String reason) throws IOException {
        r.outcome = SyncResult.Outcome.of(problem);
        r.hubProblem = problem;
        r.offlineReason = reason;
        r.waiting = unpushed();
        return r;
    }

    /** Commits that HEAD has and the hub (as last seen) does not; capped. */
    int unpushed() throws IOException {
        return countAhead(repo, repo.resolve(Constants.HEAD), repo.resolve(trackingRef));
    }

    static int countAhead(Repository repo, ObjectId head, ObjectId base) throws IOException {
        if (head == null) {
            return 0;
        }
        try (RevWalk rw = new RevWalk(repo)) {
            rw.markStart(rw.parseCommit(head));
            if (base != null) {
                rw.markUninteresting(rw.parseCommit(base));
            }
            int n = 0;
            while (rw.next() != null && n < 100_000) {
                n++;
            }
            return n;
        }
    }

    private void step(String name) {
        if (opt.onStep != null) {
            opt.onStep.accept(name);
        }
    }

    /**
     * Makes this workspace sync {@code hubBranch}, the branch the hub's HEAD names (C git makes hubs
     * whose HEAD is {@code master}; clones made by C git check out that branch). The local branch is
     * renamed, so every local commit comes along and is sent there.
     */
    private void followHubBranch(String hubBranch, SyncResult r) throws IOException {
        String newRef = Constants.R_HEADS + hubBranch;
        ObjectId head = repo.resolve(Constants.HEAD);
        Ref existing = repo.exactRef(newRef);
        if (existing != null && !existing.getObjectId().equals(head)) {
            throw new VaultException(ExitCodes.FAILURE, "sync paused: the hub's HEAD names branch " + hubBranch
                    + " but " + ws.root() + " syncs " + ws.branch() + " and already has a different branch " + hubBranch
                    + "; merge or delete that local branch (e.g. 'git branch -m " + hubBranch + " old-" + hubBranch + "') and sync again");
        }
        String old = ws.branch();
        if (head != null && existing == null) {
            RefUpdate ru = repo.updateRef(newRef);
            ru.setExpectedOldObjectId(ObjectId.zeroId());
            ru.setNewObjectId(head);
            ru.setRefLogMessage("vault: the hub's HEAD names " + hubBranch, false);
            RefUpdate.Result res = ru.update();
            if (res != RefUpdate.Result.NEW) {
                throw new IOException("could not create branch " + hubBranch + " in " + ws.root() + ": " + res);
            }
        }
        RefUpdate hu = repo.updateRef(Constants.HEAD);
        hu.disableRefLog();
        hu.link(newRef);
        ws.config().section("workspace", null).set("branch", hubBranch);
        ws.config().save();
        if (head != null) {
            RefUpdate del = repo.updateRef(branchRef);
            del.setForceUpdate(true);
            del.disableRefLog();
            del.delete(); // its commits are all on the new branch
        }
        branchRef = newRef;
        trackingRef = Constants.R_REMOTES + "origin/" + hubBranch;
        r.branchSwitched = old + " -> " + hubBranch;
    }

    // ---- repair -------------------------------------------------------------------------------

    /** Removes what a killed round (or a killed git) may have left; we hold the vault lock, so it is all stale. */
    private void repair() throws IOException {
        Path git = ws.gitDir();
        for (String f : List.of("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "gc.pid", "MERGE_HEAD",
                "MERGE_MSG", "MERGE_MODE", "CHERRY_PICK_HEAD", "REVERT_HEAD", "AUTO_MERGE")) {
            Files.deleteIfExists(git.resolve(f));
        }
        for (String d : List.of("rebase-merge", "rebase-apply")) {
            deleteTree(git.resolve(d));
        }
        deleteTree(ws.vaultDir().resolve("tmp"));
        deleteMatching(git.resolve("refs"), p -> p.getFileName().toString().endsWith(".lock"));
        deleteMatching(git.resolve("logs"), p -> p.getFileName().toString().endsWith(".lock"));
        Path pack = git.resolve("objects").resolve("pack");
        deleteMatching(pack, p -> p.getFileName().toString().startsWith("incoming_")
                || p.getFileName().toString().endsWith(".tmp") || p.getFileName().toString().endsWith("_tmp"));
    }

    /** True if a git merge stopped half-way left conflict stages in the index. */
    private static boolean hasUnmerged(DirCache dc) {
        for (int i = 0; i < dc.getEntryCount(); i++) {
            if (dc.getEntry(i).getStage() != 0) {
                return true;
            }
        }
        return false;
    }

    /** Rebuilds a locked index from HEAD (files on disk are then committed as they are) and writes it. */
    private void resetIndexToHead(DirCache dc) throws IOException {
        DirCacheBuilder b = dc.builder();
        ObjectId head = repo.resolve(Constants.HEAD + "^{tree}");
        if (head != null) {
            try (ObjectReader reader = repo.newObjectReader()) {
                b.addTree(new byte[0], 0, reader, head);
            }
        }
        writeIndexHead(null);
        if (!b.commit()) {
            throw new IOException("could not write the index of " + ws.root());
        }
    }

    private static void deleteMatching(Path dir, java.util.function.Predicate<Path> which) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).filter(which)::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void checkBranch() throws IOException {
        Ref head = repo.exactRef(Constants.HEAD);
        if (head == null) {
            throw new VaultException("sync paused: " + ws.root() + " has no HEAD; the workspace's .git folder looks damaged, restore it from a backup");
        }
        if (!head.isSymbolic()) {
            String at = head.getObjectId() == null ? "?" : head.getObjectId().abbreviate(7).name();
            throw new VaultException(ExitCodes.FAILURE, "sync paused: " + ws.root() + " is on a detached HEAD (commit " + at
                    + "), not on branch " + ws.branch() + "; switch it back to " + ws.branch() + " (e.g. 'git switch " + ws.branch() + "') to resume syncing");
        }
        String target = head.getTarget().getName();
        if (!target.equals(branchRef)) {
            throw new VaultException(ExitCodes.FAILURE, "sync paused: " + ws.root() + " is on branch "
                    + Repository.shortenRefName(target) + ", not " + ws.branch() + "; switch it back to "
                    + ws.branch() + " (e.g. 'git switch " + ws.branch() + "') to resume syncing");
        }
    }

    // ---- commit local changes -------------------------------------------------------------------

    private void commitLocal(SyncResult r) throws IOException {
        DirCache dc = repo.lockDirCache();
        if (hasUnmerged(dc)) {
            resetIndexToHead(dc); // a git merge stopped half-way (repair, step 2)
            dc = repo.lockDirCache();
        }
        try (ObjectInserter ins = repo.newObjectInserter()) {
            WorkingTreeScan scan = WorkingTreeScan.run(repo, dc, ins, ws.maxFileSize(),
                    NotCheckedOut.keptPaths(NotCheckedOut.read(ws)));
            r.skipped.addAll(scan.skipped);
            r.unreadable.addAll(scan.unreadable);
            int remaining = scan.tracked - scan.deleted;
            if (!opt.allowMassDelete && scan.deleted > 0
                    && ((remaining == 0 && scan.tracked >= 2) || (scan.tracked >= 10 && scan.deleted * 2 > scan.tracked))) {
                throw new VaultException(ExitCodes.FAILURE, "sync paused: " + scan.deleted + " of " + scan.tracked
                        + " files in " + ws.root() + " are gone (unplugged drive or moved folder?); nothing was committed. "
                        + "If you really deleted them, run 'vault sync --allow-mass-delete'");
            }
            r.conflictCopies.addAll(scan.conflictCopies);
            if (!scan.indexDirty) {
                ObjectId head = repo.resolve(Constants.HEAD);
                if (head != null && head.name().equals(readIndexHead())) {
                    return; // index written for this very HEAD and nothing changed on disk
                }
                ObjectId indexTree = dc.getEntryCount() == 0 ? null : dc.writeTree(ins);
                ObjectId headTree = head == null ? null : repo.resolve(Constants.HEAD + "^{tree}");
                if (java.util.Objects.equals(indexTree, headTree)) {
                    writeIndexHead(head);
                    return; // nothing changed: leave the index file alone
                }
            }
            DirCacheBuilder b = dc.builder();
            for (DirCacheEntry e : scan.entries) {
                b.add(e);
            }
            b.finish();
            ObjectId head = repo.resolve(Constants.HEAD);
            ObjectId headTree = head == null ? null : repo.resolve(Constants.HEAD + "^{tree}");
            ObjectId tree = dc.writeTree(ins);
            boolean commit = head == null ? dc.getEntryCount() > 0 : !tree.equals(headTree);
            ObjectId commitId = null;
            if (commit) {
                int[] counts = diffCounts(headTree, tree);
                r.added = counts[0];
                r.changed = counts[1];
                r.deleted = counts[2];
                String what = SyncResult.counts(counts[0], counts[1], counts[2]);
                String msg = ws.computer() + ": " + (opt.note == null ? "" : opt.note + ": ") + what;
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(tree);
                if (head != null) {
                    cb.setParentId(head);
                }
                PersonIdent me = ident();
                cb.setAuthor(me);
                cb.setCommitter(me);
                cb.setMessage(msg + "\n");
                commitId = ins.insert(cb);
            }
            ins.flush();
            writeIndexHead(null); // until HEAD moves, the index may describe a commit HEAD is not
            if (!b.commit()) {
                throw new IOException("could not write the index of " + ws.root());
            }
            if (commitId != null) {
                moveHead(head, commitId);
            }
            writeIndexHead(commitId != null ? commitId : head);
        } finally {
            dc.unlock();
        }
    }

    /**
     * {@code .git/vault/index-head}: the commit the index was last written for. When it still equals
     * HEAD and no file changed, a no-change round need not rebuild trees to compare index and HEAD.
     * A round killed between writing the index and moving HEAD leaves it stale, which forces the full check.
     */
    private String readIndexHead() {
        try {
            return Files.readString(ws.vaultDir().resolve("index-head")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private void writeIndexHead(ObjectId id) {
        Path f = ws.vaultDir().resolve("index-head");
        try {
            if (id == null) {
                Files.deleteIfExists(f);
                return;
            }
            Path tmp = ws.vaultDir().resolve("index-head.tmp");
            Files.writeString(tmp, id.name() + "\n");
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // only an optimisation: without it the next round compares trees
        }
    }

    private PersonIdent ident() {
        ZonedDateTime now = ZonedDateTime.now(opt.clock);
        return new PersonIdent(ws.computer(), ws.computer() + "@vault", now.toInstant(), now.getZone());
    }

    private int[] diffCounts(ObjectId fromTree, ObjectId toTree) throws IOException {
        int[] c = new int[3];
        try (TreeWalk tw = new TreeWalk(repo)) {
            addTree(tw, fromTree);
            addTree(tw, toTree);
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                if (tw.getRawMode(0) == 0) {
                    c[0]++;
                } else if (tw.getRawMode(1) == 0) {
                    c[2]++;
                } else {
                    c[1]++;
                }
            }
        }
        return c;
    }

    private static void addTree(TreeWalk tw, ObjectId tree) throws IOException {
        if (tree == null) {
            tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
        } else {
            tw.addTree(tree);
        }
    }

    private void moveHead(ObjectId expectedOld, ObjectId newId) throws IOException {
        RefUpdate ru = repo.updateRef(Constants.HEAD);
        ru.setExpectedOldObjectId(expectedOld == null ? ObjectId.zeroId() : expectedOld);
        ru.setNewObjectId(newId);
        ru.setRefLogMessage("vault sync", false);
        RefUpdate.Result res = ru.update();
        switch (res) {
            case NEW:
            case FAST_FORWARD:
            case FORCED:
            case NO_CHANGE:
                return;
            default:
                throw new IOException("could not move " + branchRef + " of " + ws.root() + " to " + newId.name() + ": " + res);
        }
    }

    private void setRef(String name, ObjectId id) throws IOException {
        Ref cur = repo.exactRef(name);
        if (cur != null && id.equals(cur.getObjectId())) {
            return;
        }
        RefUpdate ru = repo.updateRef(name);
        ru.setNewObjectId(id);
        ru.setForceUpdate(true);
        ru.disableRefLog();
        ru.update();
    }

    /** Pushes without force; null when the hub could not be reached. */
    private RemoteRefUpdate.Status push(ObjectId newHead, ObjectId expectedOld) throws IOException {
        if (Hub.isLocalPath(ws.hub())) {
            RemoteRefUpdate.Status s = LocalHubPush.push(repo, LocalHubPush.gitDir(ws.hub()), branchRef, newHead, expectedOld,
                    ws.computer(), Maintenance.packConfig(repo));
            if (s == RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED
                    && Files.exists(LocalHubPush.gitDir(ws.hub()).resolve(branchRef + ".lock"))) {
                Hub.clearStaleLocks(ws.hub()); // a killed push may have left the hub's ref lock behind
            }
            return s;
        }
        RemoteRefUpdate u = new RemoteRefUpdate(repo, (String) null, newHead, branchRef, false, null,
                expectedOld == null ? ObjectId.zeroId() : expectedOld);
        try (Transport t = access.open(repo, ws.hub())) { // a network hub: durability is its server's business
            PushResult pr = t.push(NullProgressMonitor.INSTANCE, List.of(u));
            RemoteRefUpdate res = pr.getRemoteUpdate(branchRef);
            RemoteRefUpdate.Status s = res == null ? u.getStatus() : res.getStatus();
            switch (s) {
                case OK:
                case UP_TO_DATE:
                case REJECTED_NONFASTFORWARD:
                case REJECTED_REMOTE_CHANGED:
                    return s;
                case REJECTED_OTHER_REASON:
                    if (res != null && res.getMessage() != null && res.getMessage().contains("lock")) {
                        // another push holds the hub's ref lock, or a killed one left it: clear it once it is stale
                        Hub.clearStaleLocks(ws.hub());
                        return RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED;
                    }
                    // fall through
                default:
                    throw new VaultException("hub " + ws.hub() + " refused the changes of " + ws.root() + " (" + s
                            + (res != null && res.getMessage() != null ? ": " + res.getMessage() : "")
                            + "); your work is committed locally, check the hub and run 'vault sync' again");
            }
        } catch (TransportException e) {
            return null;
        }
    }

    // ---- integrate the hub's changes --------------------------------------------------------------

    private ObjectId integrate(ObjectId local, ObjectId remote, SyncResult r) throws IOException {
        if (remote == null || remote.equals(local)) {
            return local;
        }
        try (RevWalk rw = new RevWalk(repo); ObjectInserter ins = repo.newObjectInserter()) {
            RevCommit theirs = rw.parseCommit(remote);
            if (local == null) {
                ObjectId head = leaveOutUnsafe(theirs, ins, checkout(null, theirs.getTree(), theirs, r));
                moveHead(null, head);
                writeIndexHead(head);
                return head;
            }
            RevCommit ours = rw.parseCommit(local);
            if (rw.isMergedInto(theirs, ours)) {
                return local;
            }
            rw.reset();
            if (rw.isMergedInto(ours, theirs)) {
                ObjectId head = leaveOutUnsafe(theirs, ins, checkout(ours.getTree(), theirs.getTree(), theirs, r));
                moveHead(local, head);
                writeIndexHead(head);
                return head;
            }
            ObjectId baseTree = null;
            try (RevWalk bw = new RevWalk(repo)) {
                bw.setRevFilter(RevFilter.MERGE_BASE);
                bw.markStart(bw.parseCommit(local));
                bw.markStart(bw.parseCommit(remote));
                RevCommit base = bw.next();
                if (base != null) {
                    baseTree = bw.parseCommit(base).getTree().copy();
                }
            }
            ZonedDateTime now = ZonedDateTime.now(opt.clock);
            TreeMerger.Result mr;
            try (ObjectReader reader = repo.newObjectReader()) {
                mr = new TreeMerger(reader, ins).merge(baseTree, ours.getTree(), theirs.getTree(), ws.computer(), now);
            }
            r.conflicts.addAll(mr.conflicts);
            r.textMerged.addAll(mr.textMerged);
            for (java.util.Map.Entry<String, String> e : mr.leftOut.entrySet()) {
                r.notCheckedOut.add(record(e.getKey(), e.getValue(), false, theirs));
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(mr.tree);
            cb.setParentIds(ours, theirs);
            PersonIdent me = ident();
            cb.setAuthor(me);
            cb.setCommitter(me);
            StringBuilder msg = new StringBuilder(ws.computer()).append(": merged changes from the hub");
            for (TreeMerger.Conflict c : mr.conflicts) {
                msg.append("\n\nconflict (").append(c.kind).append("): ").append(c.path)
                        .append("; this computer's version kept as ").append(c.copy);
            }
            cb.setMessage(mr.conflicts.isEmpty() ? msg + "\n" : msg.insert(msg.indexOf(":") + 1,
                    " " + mr.conflicts.size() + (mr.conflicts.size() == 1 ? " conflict" : " conflicts") + " kept both versions;")
                    + "\n");
            ObjectId merge = ins.insert(cb);
            ins.flush();
            checkout(ours.getTree(), mr.tree, theirs, r);
            moveHead(local, merge);
            writeIndexHead(merge);
            return merge;
        }
    }

    /**
     * After a fast-forward to {@code remote} that met unsafe entries (never written, never in the
     * index): a commit on top of it without them, so this computer neither carries them on nor
     * mistakes their absence for a change later. Returns {@code remote} when there were none.
     */
    private ObjectId leaveOutUnsafe(RevCommit remote, ObjectInserter ins, List<NotCheckedOut.Record> refused) throws IOException {
        List<NotCheckedOut.Record> unsafe = new ArrayList<>();
        for (NotCheckedOut.Record rec : refused) {
            if (!rec.kept) {
                unsafe.add(rec);
            }
        }
        if (unsafe.isEmpty()) {
            return remote;
        }
        ObjectId tree = repo.readDirCache().writeTree(ins);
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        cb.setParentId(remote);
        PersonIdent me = ident();
        cb.setAuthor(me);
        cb.setCommitter(me);
        StringBuilder msg = new StringBuilder(ws.computer()).append(": left out ").append(unsafe.size())
                .append(unsafe.size() == 1 ? " unsafe entry" : " unsafe entries").append(" from the hub\n");
        for (NotCheckedOut.Record rec : unsafe) {
            msg.append("\n").append(rec.describe());
        }
        cb.setMessage(msg + "\n");
        ObjectId id = ins.insert(cb);
        ins.flush();
        return id;
    }

    /** A record of an entry not written here, with the commit (reachable from {@code tip}) that brought it. */
    private NotCheckedOut.Record record(String path, String reason, boolean kept, ObjectId tip) {
        String commit = null;
        String author = null;
        if (tip != null) {
            try (RevWalk rw = new RevWalk(repo)) {
                rw.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
                        org.eclipse.jgit.treewalk.filter.PathFilter.create(path), TreeFilter.ANY_DIFF));
                rw.markStart(rw.parseCommit(tip));
                RevCommit c = rw.next();
                if (c != null) {
                    commit = c.abbreviate(10).name();
                    author = c.getAuthorIdent().getName();
                }
            } catch (IOException | RuntimeException e) {
                // an empty or odd path cannot be a filter: report it without its commit
            }
        }
        return new NotCheckedOut.Record(path, reason, commit, author, kept);
    }

    // ---- working tree update ----------------------------------------------------------------------

    /** One path that differs between the tree on disk and the tree to check out. */
    private static final class Change {
        final String path;
        final byte[] rawPath;
        final int fromMode;
        final ObjectId fromId;
        final int toMode;
        final ObjectId toId;

        Change(String path, byte[] rawPath, int fromMode, ObjectId fromId, int toMode, ObjectId toId) {
            this.path = path;
            this.rawPath = rawPath;
            this.fromMode = fromMode;
            this.fromId = fromId;
            this.toMode = toMode;
            this.toId = toId;
        }
    }

    /**
     * Brings the working tree from {@code fromTree} (what this round committed) to {@code toTree},
     * touching only files whose disk content still equals {@code fromTree}; a file changed meanwhile
     * stays, and the incoming version is saved beside it as a conflict copy. Every incoming path
     * passes {@link PathValidator} and every folder on its way must be a real folder (never a link)
     * before anything is written; an entry that fails is reported with the commit of {@code source}'s
     * history that brought it, and the rest of the round goes on.
     */
    private List<NotCheckedOut.Record> checkout(ObjectId fromTree, ObjectId toTree, ObjectId source, SyncResult r) throws IOException {
        if (opt.beforeWorkingTreeUpdate != null) {
            opt.beforeWorkingTreeUpdate.run();
        }
        writeIndexHead(null); // the index is about to describe a commit HEAD does not point at yet
        List<NotCheckedOut.Record> previous = NotCheckedOut.read(ws);
        Set<String> keptBefore = NotCheckedOut.keptPaths(previous);
        DirCache dc = repo.lockDirCache();
        try (ObjectReader reader = repo.newObjectReader()) {
            List<Change> changes = new ArrayList<>();
            Set<String> changed = new HashSet<>();
            java.util.Map<String, NotCheckedOut.Record> refused = new java.util.LinkedHashMap<>();
            try (TreeWalk tw = new TreeWalk(reader)) {
                addTree(tw, fromTree);
                addTree(tw, toTree);
                tw.setRecursive(true);
                tw.setFilter(TreeFilter.ANY_DIFF);
                while (tw.next()) {
                    Change c = new Change(tw.getPathString(), tw.getRawPath(), tw.getRawMode(0), tw.getObjectId(0),
                            tw.getRawMode(1), tw.getObjectId(1));
                    changes.add(c);
                    changed.add(c.path);
                    if (c.toMode == 0) {
                        continue;
                    }
                    PathValidator.Problem p = opt.paths.check(c.rawPath);
                    if (p != null) {
                        refused.put(c.path, record(c.path, p.reason, !p.unsafe, source));
                    } else if (FileMode.GITLINK.equals(c.toMode)) {
                        refused.put(c.path, record(c.path, "a submodule or embedded Git repository (gitlink)", true, source));
                    }
                }
            }
            Set<String> applied = new HashSet<>();
            List<Aside> asides = new ArrayList<>();
            // removals first (deepest first), so a folder can become a file and vice versa
            for (int i = changes.size() - 1; i >= 0; i--) {
                Change c = changes.get(i);
                if (c.toMode != 0) {
                    continue;
                }
                if (!wasWrittenHere(c, keptBefore) || blockedFolder(c.path) != null) {
                    continue; // nothing of it is on disk here (or its folder is a link now: not ours to touch)
                }
                if (diskMatches(c.path, c.fromMode, c.fromId, dc.getEntry(c.path), reader)
                        && moveAside(c.path, c.fromMode, c.fromId, asides, r)) {
                    pruneEmptyParents(file(c.path).getParent());
                    applied.add(c.path);
                    r.received++;
                } else {
                    r.keptLocal.add(c.path); // changed here while the hub deleted it: the edit wins
                }
            }
            ZonedDateTime now = ZonedDateTime.now(opt.clock);
            for (Change c : changes) {
                if (c.toMode == 0 || refused.containsKey(c.path)) {
                    continue;
                }
                String blocked = blockedFolder(c.path);
                if (blocked != null) {
                    refused.put(c.path, record(c.path, blocked, true, source));
                    continue;
                }
                Path f = file(c.path);
                boolean ok;
                if (!wasWrittenHere(c, keptBefore)) {
                    ok = !Files.exists(f, LinkOption.NOFOLLOW_LINKS) && write(f, c.toMode, c.toId, reader, false);
                } else {
                    ok = replace(c, dc.getEntry(c.path), reader, asides, r);
                }
                if (ok) {
                    applied.add(c.path);
                    r.received++;
                } else {
                    // the file changed on disk during this round: keep it, save the incoming version beside it
                    Set<String> taken = new HashSet<>();
                    String copy;
                    do {
                        copy = ConflictCopies.nameFor(c.path, "hub", now, taken);
                        taken.add(copy);
                    } while (Files.exists(file(copy), LinkOption.NOFOLLOW_LINKS));
                    if (write(file(copy), c.toMode, c.toId, reader, false)) {
                        r.keptLocal.add(c.path);
                    } else if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                        // neither the file nor a copy can be written (name too long, not allowed on this drive?):
                        // keep it in Git, so its absence here is not taken for a deletion
                        refused.put(c.path, record(c.path, "could not be written here (name too long or not allowed on this drive?)", true, source));
                    } else {
                        r.keptLocal.add(c.path);
                    }
                }
            }
            settleAsides(asides, now, r);
            DirCacheBuilder b = dc.builder();
            try (TreeWalk tw = new TreeWalk(reader)) {
                addTree(tw, toTree);
                tw.setRecursive(true);
                while (tw.next()) {
                    String p = tw.getPathString();
                    NotCheckedOut.Record no = refused.get(p);
                    if (no != null && !no.kept) {
                        continue; // unsafe: never in the index, so never in this computer's commits
                    }
                    ObjectId id = tw.getObjectId(0);
                    DirCacheEntry old = dc.getEntry(p);
                    DirCacheEntry e;
                    if (old != null && old.getStage() == 0 && old.getObjectId().equals(id)
                            && old.getRawMode() == tw.getRawMode(0) && !applied.contains(p)) {
                        e = old;
                    } else {
                        try {
                            e = new DirCacheEntry(p);
                        } catch (IllegalArgumentException ex) { // InvalidPathException: JGit's own check agrees it is unsafe
                            if (no == null) {
                                refused.put(p, record(p, "an invalid path", false, source));
                            }
                            continue;
                        }
                        e.setFileMode(tw.getFileMode(0));
                        e.setObjectId(id);
                        if (applied.contains(p)) {
                            try {
                                BasicFileAttributes a = Files.readAttributes(file(p), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                                e.setLength(a.size());
                                e.setLastModified(a.lastModifiedTime().toInstant());
                            } catch (IOException ex) {
                                // leave stat data empty: the next round compares content
                            }
                        }
                    }
                    b.add(e);
                }
            }
            if (!b.commit()) {
                throw new IOException("could not write the index of " + ws.root());
            }
            // what stays not checked out: earlier records this round did not touch, plus this round's
            List<NotCheckedOut.Record> now2 = new ArrayList<>();
            for (NotCheckedOut.Record rec : previous) {
                if (rec.kept && !changed.contains(rec.path) && dc.getEntry(rec.path) != null) {
                    now2.add(rec);
                }
            }
            r.notCheckedOut.addAll(refused.values());
            now2.addAll(r.notCheckedOut);
            NotCheckedOut.write(ws, now2);
            return new ArrayList<>(refused.values());
        } finally {
            dc.unlock();
        }
    }

    /** True if this entry's old version was written to disk here (not a gitlink, an unsafe name or a kept entry). */
    private boolean wasWrittenHere(Change c, Set<String> keptBefore) {
        return c.fromMode != 0 && !FileMode.GITLINK.equals(c.fromMode) && !keptBefore.contains(c.path)
                && opt.paths.check(c.rawPath) == null;
    }

    /**
     * Null if every folder on the way to {@code path} that exists is a real folder inside the
     * workspace (checked without following links, so on a case-insensitive disk a link {@code Docs}
     * also blocks {@code docs/x}); else why the path cannot be written here.
     */
    private String blockedFolder(String path) {
        String[] parts = path.split("/", -1);
        Path p = ws.root();
        StringBuilder rel = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            p = p.resolve(parts[i]);
            rel.append(i == 0 ? "" : "/").append(parts[i]);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return null; // missing from here on: created as real folders
            } catch (IOException e) {
                return "its folder " + rel + " cannot be read here (" + e.getMessage() + ")";
            }
            if (a.isSymbolicLink() || a.isOther()) {
                return "its folder " + rel + " is a link on this computer (vault never writes through links)";
            }
            if (!a.isDirectory()) {
                return "its folder " + rel + " is a file on this computer";
            }
        }
        return null;
    }

    /** Creates the missing folders of {@code dir} below the workspace root one by one, never following a link. */
    private boolean createFolders(Path dir) {
        Path rel = ws.root().relativize(dir);
        Path p = ws.root();
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            p = p.resolve(part.toString());
            try {
                Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (!a.isDirectory() || a.isSymbolicLink() || a.isOther()) {
                        return false;
                    }
                } catch (IOException ex) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** A replaced or deleted file's old content, moved aside until the round has checked nobody wrote to it. */
    private static final class Aside {
        final Path file;
        final String path;
        final ObjectId expected;

        Aside(Path file, String path, ObjectId expected) {
            this.file = file;
            this.path = path;
            this.expected = expected;
        }
    }

    /**
     * Replaces a file this round committed with the incoming version, closing the gap between "the disk
     * still holds what we committed" and the rename: the incoming content is written first, the old file
     * is moved aside and re-hashed, and only then is the new one put in place (never over a file that
     * appeared meanwhile). False means the file changed on disk: the caller keeps it and saves the
     * incoming version beside it.
     */
    private boolean replace(Change c, DirCacheEntry entry, ObjectReader reader, List<Aside> asides, SyncResult r) throws IOException {
        Path f = file(c.path);
        if (FileMode.SYMLINK.equals(c.toMode) || FileMode.SYMLINK.equals(c.fromMode)) {
            return diskMatches(c.path, c.fromMode, c.fromId, entry, reader) && write(f, c.toMode, c.toId, reader, true);
        }
        Path tmp = temp(c.toMode, c.toId, reader);
        try {
            if (!diskMatches(c.path, c.fromMode, c.fromId, entry, reader) || !moveAside(c.path, c.fromMode, c.fromId, asides, r)) {
                return false;
            }
            try {
                Files.move(tmp, f); // no replace: a file saved in the gap wins
                return true;
            } catch (IOException e) {
                return false; // the old content is aside and unchanged (it is in history); the new file stays
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Moves the file at {@code path} aside if it still holds {@code expected}; if someone wrote to it
     * just now, puts it back (or, if a new file took its place, keeps it as a conflict copy) and
     * returns false.
     */
    private boolean moveAside(String path, int mode, ObjectId expected, List<Aside> asides, SyncResult r) throws IOException {
        Path f = file(path);
        if (FileMode.SYMLINK.equals(mode)) {
            Files.deleteIfExists(f);
            return true;
        }
        Path tmpDir = ws.vaultDir().resolve("tmp");
        Files.createDirectories(tmpDir);
        Path aside = tmpDir.resolve("aside-" + UUID.randomUUID());
        try {
            Files.move(f, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false; // in use (Windows) or not movable: leave it and keep both versions
        }
        if (expected.equals(blobId(aside))) {
            asides.add(new Aside(aside, path, expected));
            return true;
        }
        try {
            Files.move(aside, f);
        } catch (IOException e) {
            keepAsConflictCopy(aside, path, ZonedDateTime.now(opt.clock), r);
        }
        return false;
    }

    /** Deletes the asides nobody touched; one written through an open handle meanwhile is kept as a conflict copy. */
    private void settleAsides(List<Aside> asides, ZonedDateTime now, SyncResult r) throws IOException {
        for (Aside a : asides) {
            if (a.expected.equals(blobId(a.file))) {
                Files.deleteIfExists(a.file);
            } else {
                keepAsConflictCopy(a.file, a.path, now, r);
            }
        }
    }

    private void keepAsConflictCopy(Path content, String path, ZonedDateTime now, SyncResult r) throws IOException {
        Set<String> taken = new HashSet<>();
        String copy;
        do {
            copy = ConflictCopies.nameFor(path, ws.computer(), now, taken);
            taken.add(copy);
        } while (Files.exists(file(copy), LinkOption.NOFOLLOW_LINKS));
        Path target = file(copy);
        Files.createDirectories(target.getParent());
        Files.move(content, target);
        r.keptLocal.add(path);
    }

    private static ObjectId blobId(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, Files.size(file), in);
        } catch (IOException e) {
            return ObjectId.zeroId();
        }
    }

    /** Writes a blob to a temporary file inside .git/vault/tmp (same volume as the workspace, so renames are atomic). */
    private Path temp(int mode, ObjectId id, ObjectReader reader) throws IOException {
        Path tmpDir = ws.vaultDir().resolve("tmp");
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID().toString());
        try (OutputStream out = Files.newOutputStream(tmp)) {
            reader.open(id, Constants.OBJ_BLOB).copyTo(out);
        }
        if (FileMode.EXECUTABLE_FILE.equals(mode)) {
            tmp.toFile().setExecutable(true, false);
        }
        return tmp;
    }

    private Path file(String path) {
        Path p = ws.root();
        for (String part : path.split("/")) {
            p = p.resolve(part);
        }
        return p;
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && !dir.equals(ws.root()) && dir.startsWith(ws.root())) {
            try {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    return; // a link (deleting it would remove the link, not an empty folder)
                }
                Files.delete(dir);
            } catch (IOException e) {
                return; // not empty (or not ours to remove): stop here
            }
            dir = dir.getParent();
        }
    }

    /** True if the file on disk is exactly what this round's tree says (absent if it says absent). */
    private boolean diskMatches(String path, int mode, ObjectId id, DirCacheEntry entry, ObjectReader reader) throws IOException {
        Path f = file(path);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return mode == 0;
        } catch (IOException e) {
            return false;
        }
        if (mode == 0) {
            return false;
        }
        byte[] content;
        if (FileMode.SYMLINK.equals(mode)) {
            if (!a.isSymbolicLink()) {
                return false;
            }
            content = Files.readSymbolicLink(f).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            if (!a.isRegularFile()) {
                return false;
            }
            if (entry != null && entry.getObjectId().equals(id) && !entry.isSmudged() && entry.getLength() == a.size()
                    && entry.getLastModifiedInstant().equals(a.lastModifiedTime().toInstant())) {
                return true;
            }
            ObjectLoader ol = reader.open(id, Constants.OBJ_BLOB);
            if (ol.getSize() != a.size()) {
                return false;
            }
            try (InputStream in = Files.newInputStream(f)) {
                ObjectId disk = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, a.size(), in);
                return disk.equals(id);
            } catch (IOException e) {
                return false;
            }
        }
        return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, content).equals(id);
    }

    /** Writes one file via a temporary file and a rename; false if the path is blocked (e.g. a folder is there). */
    private boolean write(Path f, int mode, ObjectId id, ObjectReader reader, boolean replace) throws IOException {
        if (!createFolders(f.getParent())) {
            return false;
        }
        ObjectLoader ol = reader.open(id, Constants.OBJ_BLOB);
        Path tmpDir = ws.vaultDir().resolve("tmp");
        Files.createDirectories(tmpDir);
        Path tmp = tmpDir.resolve(UUID.randomUUID().toString());
        boolean link = false;
        if (FileMode.SYMLINK.equals(mode)) {
            // made under a temporary name and renamed over the old entry, so a re-pointed link stays a link
            String target = new String(ol.getCachedBytes(), java.nio.charset.StandardCharsets.UTF_8);
            try {
                Files.createSymbolicLink(tmp, Path.of(target));
                link = true;
            } catch (java.nio.file.InvalidPathException e) {
                return false; // a target no file system can hold (NUL): not written, reported by the caller
            } catch (UnsupportedOperationException | IOException e) {
                // no symlinks here (e.g. Windows without the privilege): write the link text as a file
            }
        }
        if (!link) {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ol.copyTo(out);
            }
            if (FileMode.EXECUTABLE_FILE.equals(mode)) {
                tmp.toFile().setExecutable(true, false);
            }
        }
        try {
            if (!replace) {
                Files.move(tmp, f); // fails if a file appeared there meanwhile
                return true;
            }
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            return false;
        }
    }
}
