package dev.vault.engine.sync;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;

/** What {@code vault status} reports: computed live from the workspace, its status file and the hub. */
public final class WorkspaceStatus {
    /** How many commits of history are read to find when each computer last synced. */
    static final int HISTORY_CAP = 2000;

    /** The report (field names are the --json contract). */
    public static final class Report {
        public String workspace;
        public String computer;
        public String hub;
        public String branch;
        public String lastSync;
        public String lastResult;
        public String lastMessage;
        public boolean running;
        public Long runningPid;
        public int uncommittedAdded;
        public int uncommittedChanged;
        public int uncommittedDeleted;
        public int unpushed;
        public Boolean hubReachable;
        public String hubProblem;
        /** reachable, or a {@link HubProblem} id (offline, hub-missing, key-refused, ...); null when not checked. */
        public String hubState;
        public boolean hubHasNewChanges;
        public List<String> conflicts = new ArrayList<>();
        public List<StatusFile.SkippedFile> skippedForSize = new ArrayList<>();
        public List<ComputerSeen> computers = new ArrayList<>();
        public String branchProblem;
        /** Entries from the hub that are not on disk here, with the commit and computer that sent them. */
        public List<NotCheckedOut.Record> notCheckedOut = new ArrayList<>();
        /**
         * The hub lost commits this workspace had sent: found now (the next sync sends them again) or,
         * if not now, the last time a round found and repaired it.
         */
        public HubHistory.WentBack hubWentBack;

        public int uncommitted() {
            return uncommittedAdded + uncommittedChanged + uncommittedDeleted;
        }
    }

    /** A computer seen in the hub's history and the time of its latest commit. */
    public static final class ComputerSeen {
        public String name;
        public String lastSync;

        ComputerSeen(String name, String lastSync) {
            this.name = name;
            this.lastSync = lastSync;
        }
    }

    private WorkspaceStatus() {
    }

    /** Computes the report with the process's own hub access; {@code checkHub} false skips contacting the hub. */
    public static Report compute(Workspace ws, boolean checkHub) throws IOException {
        return compute(ws, checkHub, HubAccess.system());
    }

    /** Computes the report; {@code checkHub} false skips contacting the hub. */
    public static Report compute(Workspace ws, boolean checkHub, HubAccess access) throws IOException {
        Repository repo = ws.repository();
        Report r = new Report();
        r.workspace = ws.root().toString();
        r.computer = ws.computer();
        r.hub = ws.hub();
        r.branch = ws.branch();
        StatusFile.Data st = StatusFile.read(ws);
        r.lastSync = st.lastSync;
        r.lastResult = st.lastResult;
        r.lastMessage = st.lastMessage;
        Long holder = WorkspaceLock.holder(ws);
        r.running = holder != null;
        r.runningPid = holder;
        if (st.running && holder == null) {
            // the status file says a round is running, but nobody holds the lock: it was killed
            r.lastResult = "interrupted";
            r.lastMessage = "the last round (pid " + st.runningPid + ", started " + st.runningSince
                    + ") was interrupted; the next sync repairs what it left";
            r.lastSync = st.runningSince;
        }
        var head = repo.exactRef(Constants.HEAD);
        if (head != null && (!head.isSymbolic() || !head.getTarget().getName().equals(Constants.R_HEADS + ws.branch()))) {
            r.branchProblem = head.isSymbolic()
                    ? "on branch " + Repository.shortenRefName(head.getTarget().getName()) + ", not " + ws.branch() + ": sync is paused"
                    : "detached HEAD, not on " + ws.branch() + ": sync is paused";
        }
        DirCache dc = DirCache.read(repo);
        List<NotCheckedOut.Record> notCheckedOut = NotCheckedOut.read(ws);
        r.notCheckedOut.addAll(notCheckedOut);
        WorkingTreeScan scan = WorkingTreeScan.run(repo, dc, null, ws.maxFileSize(), NotCheckedOut.keptPaths(notCheckedOut));
        r.uncommittedAdded = scan.added;
        r.uncommittedChanged = scan.changed;
        r.uncommittedDeleted = scan.deleted;
        for (WorkingTreeScan.Skipped s : scan.skipped) {
            r.skippedForSize.add(new StatusFile.SkippedFile(s.path, s.size));
        }
        r.conflicts.addAll(scan.conflictCopies);
        r.conflicts.sort(null);
        ObjectId headId = repo.resolve(Constants.HEAD);
        ObjectId tracking = repo.resolve(Constants.R_REMOTES + "origin/" + ws.branch());
        r.unpushed = SyncEngine.countAhead(repo, headId, tracking);
        ObjectId hubTip = null;
        if (checkHub) {
            try {
                Hub.Refs refs = Hub.listRefs(repo, ws.hub(), access);
                r.hubReachable = true;
                r.hubState = "reachable";
                ObjectId hubHead = refs.branch(ws.branch());
                hubTip = hubHead;
                r.hubHasNewChanges = hubHead != null && !hubHead.equals(tracking) && !hubHead.equals(headId);
                if (r.hubHasNewChanges && !r.running) {
                    // fetch objects only (no working-tree change) so "other computers" reflects the hub now;
                    // under the workspace lock, so it never races a sync round
                    String ref = Constants.R_HEADS + ws.branch();
                    try (WorkspaceLock lock = WorkspaceLock.acquire(ws); Transport t = access.open(repo, ws.hub())) {
                        t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + ref + ":" + Constants.R_REMOTES + "origin/" + ws.branch())));
                        tracking = repo.resolve(Constants.R_REMOTES + "origin/" + ws.branch());
                    } catch (IOException | RuntimeException e) {
                        // history of other computers stays as last seen
                    }
                }
            } catch (Hub.UnreachableException e) {
                r.hubReachable = false;
                r.hubProblem = e.getMessage();
                r.hubState = e.problem().id();
            }
        }
        r.hubWentBack = st.hubWentBack;
        if (checkHub && Boolean.TRUE.equals(r.hubReachable)) {
            ObjectId hubHead = hubTip;
            if (hubHead == null || repo.getObjectDatabase().has(hubHead)) {
                HubHistory.WentBack now = HubHistory.check(repo, ws.hub(), ws.branch(), HubHistory.lastSent(ws), hubHead, Instant.now());
                if (now != null) {
                    r.hubWentBack = now;
                }
            }
        }
        r.computers = computers(repo, tracking != null ? tracking : headId);
        return r;
    }

    /** Each author in the recent history (capped) with the time of their newest commit, newest first. */
    static List<ComputerSeen> computers(Repository repo, ObjectId tip) throws IOException {
        Map<String, Instant> seen = new LinkedHashMap<>();
        if (tip != null) {
            try (RevWalk rw = new RevWalk(repo)) {
                rw.markStart(rw.parseCommit(tip));
                int n = 0;
                for (RevCommit c = rw.next(); c != null && n < HISTORY_CAP; c = rw.next(), n++) {
                    PersonIdent a = c.getAuthorIdent();
                    Instant when = a.getWhenAsInstant();
                    seen.merge(a.getName(), when, (x, y) -> x.isAfter(y) ? x : y);
                }
            }
        }
        List<ComputerSeen> out = new ArrayList<>();
        seen.entrySet().stream().sorted(Map.Entry.<String, Instant>comparingByValue().reversed())
                .forEach(e -> out.add(new ComputerSeen(e.getKey(), e.getValue().toString())));
        return out;
    }
}
