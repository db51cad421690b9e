package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies a retention policy: within each group of snapshots (same host and paths), keeps the newest
 * N, and the newest snapshot of each of the last N hours, days, ISO weeks, months and years that have
 * snapshots; removes the other snapshot files. Data goes only when prune runs.
 */
public final class Forget {
    /** The policy; a count of 0 means "this rule keeps nothing". */
    public static final class Policy {
        public int keepLast;
        public int keepHourly;
        public int keepDaily;
        public int keepWeekly;
        public int keepMonthly;
        public int keepYearly;
        public ZoneId zone = ZoneId.systemDefault();

        public boolean isEmpty() {
            return keepLast + keepHourly + keepDaily + keepWeekly + keepMonthly + keepYearly == 0;
        }
    }

    /** Kept and removed snapshots, each list newest first. */
    public static final class Result {
        public final List<Snapshot> keep = new ArrayList<>();
        public final List<Snapshot> remove = new ArrayList<>();
    }

    private Forget() {
    }

    public static Result run(Repository repo, Policy p, boolean dryRun) throws IOException {
        if (p.isEmpty()) {
            throw new VaultException(ExitCodes.USAGE, "forget needs a policy, e.g. --keep-daily 7 --keep-weekly 4; "
                    + "without one it would remove every snapshot.");
        }
        if (dryRun) {
            return plan(repo.snapshots(null), p);
        }
        try (RepoLock lock = RepoLock.acquire(repo.storage(), true, "forget")) {
            return run(repo, p, lock);
        }
    }

    /**
     * Removes the snapshots outside {@code p} under {@code lock}, an exclusive lock the caller holds and
     * keeps (forget --prune holds one lock through both steps, so no backup slips in between).
     */
    public static Result run(Repository repo, Policy p, RepoLock lock) throws IOException {
        if (p.isEmpty()) {
            throw new VaultException(ExitCodes.USAGE, "forget needs a policy, e.g. --keep-daily 7 --keep-weekly 4; "
                    + "without one it would remove every snapshot.");
        }
        Result r = plan(repo.snapshots(null), p);
        lock.ensureHeld("removing snapshots");
        for (Snapshot s : r.remove) {
            repo.storage().delete(new Handle(FileType.SNAPSHOT, s.id));
        }
        return r;
    }

    /** Decides what to keep, without touching the repository. */
    public static Result plan(List<Snapshot> snapshots, Policy p) {
        Map<String, List<Snapshot>> groups = new LinkedHashMap<>();
        for (Snapshot s : snapshots) {
            groups.computeIfAbsent(s.host + "\0" + String.join("\0", s.paths), k -> new ArrayList<>()).add(s);
        }
        Result r = new Result();
        for (List<Snapshot> g : groups.values()) {
            g.sort(Comparator.comparing(Snapshot::instant).reversed());
            Set<Snapshot> keep = new HashSet<>();
            for (int i = 0; i < Math.min(p.keepLast, g.size()); i++) {
                keep.add(g.get(i));
            }
            bucket(g, p.keepHourly, s -> z(s, p).withMinute(0).withSecond(0).withNano(0).toString(), keep);
            bucket(g, p.keepDaily, s -> z(s, p).toLocalDate().toString(), keep);
            bucket(g, p.keepWeekly, s -> z(s, p).get(IsoFields.WEEK_BASED_YEAR) + "-W" + z(s, p).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), keep);
            bucket(g, p.keepMonthly, s -> z(s, p).getYear() + "-" + z(s, p).getMonthValue(), keep);
            bucket(g, p.keepYearly, s -> String.valueOf(z(s, p).getYear()), keep);
            for (Snapshot s : g) {
                (keep.contains(s) ? r.keep : r.remove).add(s);
            }
        }
        return r;
    }

    private static ZonedDateTime z(Snapshot s, Policy p) {
        return s.instant().atZone(p.zone);
    }

    private static void bucket(List<Snapshot> newestFirst, int n, Function<Snapshot, String> key, Set<Snapshot> keep) {
        Set<String> seen = new HashSet<>();
        for (Snapshot s : newestFirst) {
            if (seen.size() >= n) {
                return;
            }
            if (seen.add(key.apply(s))) {
                keep.add(s);
            }
        }
    }
}
