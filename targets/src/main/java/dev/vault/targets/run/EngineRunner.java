package dev.vault.targets.run;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.Sizes;
import dev.vault.engine.repo.Backup;
import dev.vault.engine.repo.Check;
import dev.vault.engine.repo.Forget;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.engine.repo.storage.Storage;
import dev.vault.targets.Target;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.TargetRunner;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.vault.engine.repo.RepoLock;
import dev.vault.engine.repo.storage.FileType;
import java.util.function.Supplier;

/**
 * Backs up a target's source folder into the backup repository at the target (creating the repository
 * on first use, encrypted unless the target says otherwise) and applies the target's retention with
 * the engine's forget. Writes go through {@link MarkedStorage}, so a pulled drive stops the run.
 */
public final class EngineRunner implements TargetRunner, AutoCloseable {
    private final Supplier<char[]> password;
    /** Repositories opened during this runner's life: a backup and the forget after it unlock the key once. */
    private final Map<Path, Repository> opened = new LinkedHashMap<>();
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param password asked for when a repository is encrypted (may return null: then the run fails
     *     with a usage error naming the target)
     */
    public EngineRunner(Supplier<char[]> password, Clock clock) {
        this.password = password;
        this.clock = clock;
        this.zone = clock.getZone();
    }

    /** Opens (or, the first time, creates) the repository at a connected target; kept open until {@link #close()}. */
    public synchronized Repository openOrInit(TargetLocation d) throws IOException {
        Repository r = opened.get(d.repository());
        if (r == null) {
            r = openOrInitFresh(d);
            opened.put(d.repository(), r);
        }
        return r;
    }

    /** Closes every repository this runner opened. */
    @Override
    public synchronized void close() {
        for (Repository r : opened.values()) {
            try {
                r.close();
            } catch (IOException e) {
                // closing releases caches only; nothing to save
            }
        }
        opened.clear();
    }

    private Repository openOrInitFresh(TargetLocation d) throws IOException {
        Target t = d.target();
        Storage storage = new MarkedStorage(new LocalStorage(d.repository()), d.repository(), t);
        if (!storage.exists(Handle.config())) {
            Repository.InitOptions io = new Repository.InitOptions();
            io.encrypt = t.encrypt();
            if (t.encrypt()) {
                io.password = password.get();
                if (io.password == null || io.password.length == 0) {
                    throw new VaultException(ExitCodes.USAGE, "target '" + t.name() + "' is encrypted and has no"
                            + " repository yet: set VAULT_PASSWORD or pass --password-file to create it");
                }
            }
            return Repository.init(storage, io);
        }
        Repository r = Repository.open(storage, password);
        if (t.encrypt() && !r.crypto().encrypted()) {
            // the config is not authenticated; this target's own record says encrypted, so a repository
            // that now claims otherwise (flag flipped, keys removed) gets nothing in plaintext
            r.close();
            throw new VaultException(ExitCodes.FAILURE, "target '" + t.name() + "' is encrypted, but the repository at "
                    + d.repository() + " now says it is not (its config was changed or replaced); nothing was written."
                    + " Check that folder, or remove the target and add it again.");
        }
        return r;
    }

    @Override
    public Outcome backup(TargetLocation d) throws Exception {
        return backupInto(d).outcome;
    }

    /** A backup's outcome plus the full id of its snapshot (replication copies that snapshot file). */
    private static final class Done {
        final Outcome outcome;
        final String snapshotId;

        Done(Outcome outcome, String snapshotId) {
            this.outcome = outcome;
            this.snapshotId = snapshotId;
        }
    }

    private Done backupInto(TargetLocation d) throws Exception {
        try {
            return backupIntoOpened(d);
        } catch (Exception e) {
            evict(d); // a pulled drive leaves a stale repository object behind
            throw e;
        }
    }

    private synchronized void evict(TargetLocation d) {
        Repository r = opened.remove(d.repository());
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                // already failing; the first error is the one reported
            }
        }
    }

    private Done backupIntoOpened(TargetLocation d) throws Exception {
        Target t = d.target();
        if (t.source() == null) {
            throw new VaultException(ExitCodes.USAGE, "target '" + t.name() + "' has no source folder; add"
                    + " 'source = <folder>' to its section or add it again with --source");
        }
        {
            Repository repo = openOrInit(d);
            Backup.Options o = new Backup.Options();
            o.sources = List.of(t.source());
            o.clock = clock;
            o.skip = List.of(d.repository());
            Backup.Result r = Backup.run(repo, o);
            var s = r.snapshot.summary;
            String summary = s == null ? "" : s.totalFiles + " files, " + Sizes.format(s.bytesAdded) + " new";
            if (r.hasWarnings()) {
                summary += "; " + r.unreadable.size() + " unreadable: " + String.join(", ", r.unreadable);
            }
            return new Done(new Outcome(r.snapshot.shortId(), size(d.repository()), summary), r.snapshot.id);
        }
    }

    /**
     * One run, several destinations: targets with the same source and encryption are backed up once,
     * into one of them (the primary), and the new files are copied to the others. That works because
     * their repositories are siblings: same config (id, chunker parameters) and key files, so the same
     * content gives the same pack, index and snapshot files. A target without a repository yet becomes
     * a sibling of the primary; one with an unrelated repository gets its own backup.
     */
    @Override
    public List<Result> backupAll(List<TargetLocation> destinations) {
        Map<TargetLocation, Result> results = new LinkedHashMap<>();
        Map<String, List<TargetLocation>> groups = new LinkedHashMap<>();
        for (TargetLocation d : destinations) {
            Target t = d.target();
            String key = (t.source() == null ? "" : t.source().toAbsolutePath().normalize().toString()) + "\0" + t.encrypt();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
        }
        for (List<TargetLocation> g : groups.values()) {
            if (g.size() == 1 || g.get(0).target().source() == null) {
                for (TargetLocation d : g) {
                    results.put(d, single(d));
                }
            } else {
                replicateGroup(g, results);
            }
        }
        List<Result> out = new ArrayList<>();
        for (TargetLocation d : destinations) {
            out.add(results.get(d));
        }
        return out;
    }

    private Result single(TargetLocation d) {
        try {
            return new Result(d, backup(d), null);
        } catch (Exception e) {
            return new Result(d, null, e);
        }
    }

    private void replicateGroup(List<TargetLocation> group, Map<TargetLocation, Result> results) {
        // primary: a destination that already has a repository (its parent snapshot makes the backup incremental)
        TargetLocation primary = group.get(0);
        for (TargetLocation d : group) {
            if (Files.isRegularFile(d.repository().resolve("config"))) {
                primary = d;
                break;
            }
        }
        Done done;
        try {
            done = backupInto(primary);
            results.put(primary, new Result(primary, done.outcome, null));
        } catch (Exception e) {
            results.put(primary, new Result(primary, null, e));
            for (TargetLocation d : group) {
                if (d != primary) {
                    results.put(d, single(d)); // the primary's drive failed: the others go on their own
                }
            }
            return;
        }
        Storage src = new LocalStorage(primary.repository());
        String family = Repository.peekId(src);
        for (TargetLocation d : group) {
            if (d == primary) {
                continue;
            }
            try {
                Storage dst = new MarkedStorage(new LocalStorage(d.repository()), d.repository(), d.target());
                String id = Repository.peekId(dst);
                if (id == null && !dst.exists(Handle.config())) {
                    if (!dst.list(FileType.DATA).isEmpty() || !dst.list(FileType.KEY).isEmpty()) {
                        results.put(d, single(d)); // leftovers of something else: let init report it
                        continue;
                    }
                    copyMissing(src, dst, FileType.KEY);
                    dst.write(Handle.config(), src.read(Handle.config()));
                } else if (id == null || !id.equals(family)) {
                    results.put(d, single(d)); // an unrelated repository: back up into it on its own
                    continue;
                }
                long copied;
                try (RepoLock lock = RepoLock.acquire(dst, false, "replicate")) {
                    // the repository's write order: packs, then index, then the snapshot that needs them
                    copied = copyMissing(src, dst, FileType.KEY) + copyMissing(src, dst, FileType.DATA)
                            + copyMissing(src, dst, FileType.INDEX);
                    Handle snap = new Handle(FileType.SNAPSHOT, done.snapshotId);
                    if (!dst.exists(snap)) {
                        lock.ensureHeld("writing its snapshot");
                        byte[] b = src.read(snap);
                        dst.write(snap, b);
                        copied += b.length;
                    }
                }
                results.put(d, new Result(d, new Outcome(done.outcome.snapshot(), size(d.repository()),
                        done.outcome.summary() + "; copied " + Sizes.format(copied) + " from target '"
                                + primary.target().name() + "'"), null));
            } catch (Exception e) {
                results.put(d, new Result(d, null, e));
            }
        }
    }

    /** Copies every file of {@code type} that {@code dst} lacks; returns the bytes copied. */
    private static long copyMissing(Storage src, Storage dst, FileType type) throws IOException {
        Set<String> have = new HashSet<>(dst.list(type));
        long bytes = 0;
        for (String name : src.list(type)) {
            if (!have.contains(name)) {
                Handle h = new Handle(type, name);
                byte[] b = src.read(h);
                dst.write(h, b);
                bytes += b.length;
            }
        }
        return bytes;
    }

    @Override
    public String forget(TargetLocation d, Retention keep) throws Exception {
        {
            Repository repo = openOrInit(d);
            Forget.Policy p = policy(keep, zone);
            Forget.Result r = Forget.run(repo, p, false);
            return "kept " + r.keep.size() + ", removed " + r.remove.size() + " snapshot(s)";
        }
    }

    /** Checks the repository structure at a connected target (for {@code vault target check}). */
    public String check(TargetLocation d) {
        try {
            Repository repo = openOrInit(d);
            Check.Result r = Check.run(repo, new Check.Options());
            if (!r.ok()) {
                throw new VaultException(ExitCodes.FAILURE, "target '" + d.target().name() + "': the repository at "
                        + d.repository() + " is damaged: " + String.join("; ", r.errors));
            }
            return "repository sound: " + r.snapshots + " snapshot(s)" + (r.warnings.isEmpty() ? ""
                    : " (" + String.join("; ", r.warnings) + ")");
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "target '" + d.target().name() + "': cannot check the repository at "
                    + d.repository() + ": " + e.getMessage(), e);
        }
    }

    /** The engine's forget policy for a target's retention. */
    public static Forget.Policy policy(Retention keep, ZoneId zone) {
        Forget.Policy p = new Forget.Policy();
        p.keepLast = keep.last();
        p.keepHourly = keep.hourly();
        p.keepDaily = keep.daily();
        p.keepWeekly = keep.weekly();
        p.keepMonthly = keep.monthly();
        p.keepYearly = keep.yearly();
        p.zone = zone;
        return p;
    }

    /** Total size of the files under {@code dir}. */
    static long size(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total[0];
    }
}
