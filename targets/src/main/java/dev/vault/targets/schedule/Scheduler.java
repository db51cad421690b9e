package dev.vault.targets.schedule;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetLocator;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.TargetState;
import dev.vault.targets.volume.Volume;
import dev.vault.targets.volume.VolumeSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One pass over the registered targets: finds which are connected, which are due under their policy,
 * runs those through a {@link TargetRunner} (one run for every destination), applies retention after
 * each success and records the outcome. {@code vault run-due}, {@code vault backup --target/--all} and
 * the daemon all call {@link #pass}.
 */
public final class Scheduler {
    /** Name of the lock file in the config home that keeps two passes from running at once. */
    public static final String LOCK_NAME = "run-due.lock";
    /**
     * After a failed run a due target waits this long before the next attempt (unless forced or its
     * drive is plugged in again), so the daemon does not hammer a broken drive every pass.
     */
    public static final java.time.Duration RETRY_AFTER = java.time.Duration.ofMinutes(10);

    private final Path home;
    private final TargetRegistry registry;
    private final VolumeSource volumes;
    private final Clock clock;
    private final TargetRunner runner;

    public Scheduler(Path home, TargetRegistry registry, VolumeSource volumes, Clock clock, TargetRunner runner) {
        this.home = home;
        this.registry = registry;
        this.volumes = volumes;
        this.clock = clock;
        this.runner = runner;
    }

    /**
     * Which targets a pass considers and whether policies are consulted.
     *
     * @param only target names to consider; empty means every registered target
     * @param force run every considered, connected target whether it is due or not (vault backup --target/--all)
     * @param dryRun decide and report, but run nothing and record nothing
     */
    public record Options(Set<String> only, boolean force, boolean dryRun) {
        public static final Options DUE = new Options(Set.of(), false, false);
    }

    /** What happened to one target in a pass. */
    public enum Action { RAN, FAILED, NOT_DUE, WAITING, WOULD_RUN }

    /**
     * One target's line in the pass report.
     *
     * @param message one sentence for the user
     * @param safeToUnplug true after a successful run to a removable drive
     * @param exitCode the exit code this outcome maps to
     */
    public record Report(Target target, Action action, String message, String location, String snapshot,
            boolean safeToUnplug, int exitCode) {
    }

    /**
     * Every target's report. The exit code is the first failure's; else 10 if a target asked for by
     * name is not connected; else OK (a target merely waiting during a due pass is not an error).
     */
    public record PassResult(List<Report> reports) {
        public int exitCode() {
            return reports.stream().filter(r -> r.action == Action.FAILED).map(Report::exitCode).findFirst()
                    .orElse(reports.stream().map(Report::exitCode).filter(c -> c != ExitCodes.OK).findFirst()
                            .orElse(ExitCodes.OK));
        }
    }

    /** Runs one pass; holds {@link #LOCK_NAME} (an OS file lock, released if the process dies) meanwhile. */
    public PassResult pass(Options options) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new VaultException("cannot create " + home + ": " + e.getMessage(), e);
        }
        Path lockFile = home.resolve(LOCK_NAME);
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new VaultException(ExitCodes.LOCKED, "another vault process (run-due, backup to targets or the"
                        + " daemon) is running targets now (lock " + lockFile + "); wait for it to finish");
            }
            try {
                return passLocked(options);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new VaultException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private PassResult passLocked(Options options) {
        List<Target> targets = new ArrayList<>();
        for (Target t : registry.targets()) {
            if (options.only().isEmpty() || options.only().contains(t.name())) {
                targets.add(t);
            }
        }
        for (String name : options.only()) {
            registry.get(name); // an unknown name is a usage error that lists the known ones
        }
        List<Volume> mounted = volumes.volumes();
        Instant now = clock.instant();
        List<Report> reports = new ArrayList<>();
        List<TargetLocation> toRun = new ArrayList<>();
        for (Target t : targets) {
            TargetLocation loc = TargetLocator.locate(t, mounted);
            TargetState st = registry.state(t);
            TargetState seen = st.withPresence(loc.connected(), loc.connected() ? loc.repository().toString() : null);
            if (!loc.connected()) {
                SchedulePolicy.Due due = t.schedule().due(now, clock.getZone(), st.lastSuccess(), false);
                String msg = loc.describe() + (due.due() && !(t.schedule() instanceof SchedulePolicy.OnPlug)
                        ? "; a run is due (" + due.reason() + ") and happens when it is back" : "");
                reports.add(new Report(t, Action.WAITING, msg, null, null, false,
                        options.only().isEmpty() ? ExitCodes.OK : ExitCodes.NO_REPOSITORY));
                if (!options.dryRun()) {
                    registry.setState(t, seen);
                }
                continue;
            }
            SchedulePolicy.Due due = t.schedule().due(now, clock.getZone(), seen.lastSuccess(), seen.appearanceHandled());
            boolean newAppearance = !st.present() || !loc.repository().toString().equals(st.lastLocation());
            if (due.due() && !options.force() && !newAppearance && seen.lastError() != null && seen.lastAttempt() != null
                    && now.isBefore(seen.lastAttempt().plus(RETRY_AFTER))) {
                reports.add(new Report(t, Action.NOT_DUE, t.name() + ": not due (the last run failed "
                        + dev.vault.engine.config.Durations.format(java.time.Duration.between(seen.lastAttempt(), now).withNanos(0))
                        + " ago; next attempt after " + dev.vault.engine.config.Durations.format(RETRY_AFTER)
                        + ", or now with --force)", loc.repository().toString(), null, false, ExitCodes.OK));
                if (!options.dryRun()) {
                    registry.setState(t, seen);
                }
                continue;
            }
            if (!due.due() && !options.force()) {
                reports.add(new Report(t, Action.NOT_DUE, t.name() + ": not due (" + due.reason() + ")",
                        loc.repository().toString(), null, false, ExitCodes.OK));
                // An on-plug drive plugged in too soon after its last backup counts as handled for this plug-in.
                TargetState next = t.schedule() instanceof SchedulePolicy.OnPlug ? seen.withAppearanceHandled() : seen;
                if (!options.dryRun()) {
                    registry.setState(t, next);
                }
                continue;
            }
            if (options.dryRun()) {
                reports.add(new Report(t, Action.WOULD_RUN, t.name() + ": would run (" + (due.due() ? due.reason()
                        : "asked for") + ")", loc.repository().toString(), null, false, ExitCodes.OK));
                continue;
            }
            registry.setState(t, seen);
            toRun.add(loc);
        }
        if (!toRun.isEmpty()) {
            Instant started = clock.instant();
            for (TargetRunner.Result r : runner.backupAll(toRun)) {
                reports.add(record(r, started));
            }
        }
        // keep the registry's order in the report
        List<Report> ordered = new ArrayList<>();
        for (Target t : targets) {
            reports.stream().filter(r -> r.target().name().equals(t.name())).forEach(ordered::add);
        }
        return new PassResult(ordered);
    }

    private Report record(TargetRunner.Result r, Instant started) {
        TargetLocation loc = r.destination();
        Target t = loc.target();
        TargetState st = registry.state(t);
        if (r.failure() != null) {
            VaultException e = describeFailure(loc, r.failure());
            // a drive that went away must count as a new appearance when it is plugged in again
            TargetState base = new TargetLocator(volumes).locate(t).connected() ? st : st.withPresence(false, null);
            registry.setState(t, base.failed(started, e.getMessage()));
            return new Report(t, Action.FAILED, e.getMessage(), loc.repository().toString(), null, false, e.exitCode());
        }
        TargetRunner.Outcome o = r.outcome();
        String msg = t.name() + ": backed up to " + loc.repository()
                + (o.snapshot() == null ? "" : " (snapshot " + o.snapshot() + ")")
                + (o.summary() == null || o.summary().isEmpty() ? "" : ", " + o.summary());
        long bytes = o.repositoryBytes();
        if (!t.keep().keepsAll()) {
            try {
                String f = runner.forget(loc, t.keep());
                msg += f == null || f.isEmpty() ? "" : "; retention " + t.keep().text() + ": " + f;
            } catch (Exception e) {
                // the backup itself is safe; report the retention failure against the target
                VaultException ve = describeFailure(loc, e);
                registry.setState(t, st.succeeded(started, o.snapshot(), bytes));
                return new Report(t, Action.FAILED, t.name() + ": backup done, but applying retention failed: "
                        + ve.getMessage(), loc.repository().toString(), o.snapshot(), false, ve.exitCode());
            }
        }
        registry.setState(t, st.succeeded(started, o.snapshot(), bytes));
        boolean removable = t.kind() == TargetKind.USB || (loc.volume() != null && loc.volume().removable());
        if (removable) {
            msg += "; the drive is safe to unplug";
        }
        return new Report(t, Action.RAN, msg, loc.repository().toString(), o.snapshot(), removable, ExitCodes.OK);
    }

    /**
     * Turns a run's failure into one sentence naming the target: drive removed, drive read-only, or the
     * underlying error. A VaultException's own exit code (wrong password, locked) is kept.
     */
    public VaultException describeFailure(TargetLocation loc, Exception failure) {
        Target t = loc.target();
        String cause = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        TargetLocation now = new TargetLocator(volumes).locate(t);
        String resume = "; what was already saved stays valid, and the next run resumes";
        if (!now.connected()) {
            return new VaultException(ExitCodes.FAILURE, "target '" + t.name() + "': the drive was removed or"
                    + " unmounted during the run (" + cause + ")" + resume + " when it is plugged in again", failure);
        }
        if (readOnly(failure) || !writable(now.repository())) {
            return new VaultException(ExitCodes.FAILURE, "target '" + t.name() + "': " + now.repository()
                    + " became read-only during the run (" + cause + ")" + resume
                    + " once the drive is writable again (check it, then plug it in again)", failure);
        }
        if (failure instanceof VaultException) {
            VaultException ve = (VaultException) failure;
            String m = ve.getMessage();
            return new VaultException(ve.exitCode(), m.contains("'" + t.name() + "'") ? m
                    : "target '" + t.name() + "': " + m, failure);
        }
        return new VaultException(ExitCodes.FAILURE, "target '" + t.name() + "': the run failed: " + cause, failure);
    }

    private static boolean readOnly(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("read-only file system") || m.contains("read only file system") || m.contains("write-protected")) {
                return true;
            }
            if (c instanceof FileSystemException && ((FileSystemException) c).getReason() != null
                    && ((FileSystemException) c).getReason().toLowerCase(Locale.ROOT).contains("read-only")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file can be created in {@code dir} now (the only honest test of a mounted drive). */
    public static boolean writable(Path dir) {
        Path probe = dir.resolve(".vault-write-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            Files.deleteIfExists(probe);
            return true;
        } catch (AccessDeniedException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
