package dev.vault.cli.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's decisions, free of threads and sleeping: given the time and the file-change events
 * seen so far, {@link #step()} runs whatever is due and returns when it next needs to run. Every
 * part's failure is recorded under its name and never stops the others.
 */
public final class DaemonCore {
    /** How often and how soon things happen. */
    public static final class Settings {
        public Duration interval = Duration.ofMinutes(5);
        public Duration hubCheck = Duration.ofSeconds(30);
        public Duration volumeCheck = Duration.ofSeconds(5);
        /** A burst of saves makes one round: wait until files have been quiet this long... */
        public Duration quiet = Duration.ofSeconds(2);
        /** ...but never longer than this after the first change. */
        public Duration maxDelay = Duration.ofSeconds(10);
        /** After a failed round, wait this long before the next file- or hub-triggered one. */
        public Duration retryAfterFailure = Duration.ofSeconds(30);
    }

    private final Clock clock;
    private final Settings settings;
    private final DaemonActions actions;
    private final Map<String, String> errors = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    private Instant nextIntervalSync;
    private Instant nextHubCheck;
    private Instant nextVolumeCheck;
    private Instant firstChange;
    private Instant lastChange;
    private Instant notBefore = Instant.MIN;
    private volatile String doing = "idle";
    private volatile long rounds;
    private final Listener events;

    /** Hears what the daemon did (for the log) and when its state changed (for the status file). */
    public interface Listener {
        void event(String line);

        void stateChanged();
    }

    public DaemonCore(Clock clock, Settings settings, DaemonActions actions) {
        this(clock, settings, actions, new Listener() {
            @Override
            public void event(String line) {
            }

            @Override
            public void stateChanged() {
            }
        });
    }

    public DaemonCore(Clock clock, Settings settings, DaemonActions actions, Listener events) {
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.actions = actions;
        Instant now = clock.instant();
        // A round at start-up picks up whatever changed while the daemon was not running.
        nextIntervalSync = now;
        nextHubCheck = now.plus(settings.hubCheck);
        nextVolumeCheck = now;
    }

    /** Records that files in the workspace changed (called from the watcher thread). */
    public synchronized void filesChanged() {
        Instant now = clock.instant();
        if (firstChange == null) {
            firstChange = now;
        }
        lastChange = now;
    }

    /** Runs everything due now; returns the instant at which the next step is due. */
    public Instant step() {
        Instant now = clock.instant();
        String syncReason = null;
        synchronized (this) {
            if (firstChange != null && !now.isBefore(notBefore)
                    && (!now.isBefore(lastChange.plus(settings.quiet)) || !now.isBefore(firstChange.plus(settings.maxDelay)))) {
                syncReason = "files changed";
            }
        }
        if (syncReason == null && !now.isBefore(nextIntervalSync)) {
            syncReason = "interval";
        }
        if (syncReason == null && !now.isBefore(nextHubCheck)) {
            nextHubCheck = now.plus(settings.hubCheck);
            if (!now.isBefore(notBefore)) {
                setDoing("checking the hub");
                try {
                    if (actions.hubChanged()) {
                        syncReason = "hub changed";
                    }
                    errors.remove("hub");
                } catch (Exception e) {
                    fail("hub", e);
                }
            }
        }
        if (syncReason != null) {
            runSync(syncReason);
        }
        if (!clock.instant().isBefore(nextVolumeCheck)) {
            setDoing("checking targets");
            try {
                String did = actions.runDueTargets();
                if (did != null) {
                    // Only a run that succeeded clears a target failure; a pass where nothing was due keeps it.
                    errors.remove("targets");
                    events.event("targets: " + did);
                }
            } catch (Exception e) {
                fail("targets", e);
            }
            nextVolumeCheck = clock.instant().plus(settings.volumeCheck);
        }
        setDoing("idle");
        return nextDue();
    }

    private void runSync(String reason) {
        Instant started = clock.instant();
        synchronized (this) {
            // Changes seen before the round starts are covered by it; later ones trigger another round.
            firstChange = null;
            lastChange = null;
        }
        setDoing("syncing (" + reason + ")");
        try {
            String summary = actions.sync(reason);
            events.event("sync (" + reason + "): " + summary);
            errors.remove("sync");
            notBefore = Instant.MIN;
        } catch (Exception e) {
            fail("sync", e);
            notBefore = clock.instant().plus(settings.retryAfterFailure);
            synchronized (this) {
                // The failed round did not save the changes: keep them pending for the retry.
                if (firstChange == null && !"interval".equals(reason) && !"hub changed".equals(reason)) {
                    firstChange = started;
                    lastChange = started;
                }
            }
        }
        rounds++;
        nextIntervalSync = clock.instant().plus(settings.interval);
    }

    private void setDoing(String what) {
        if (!what.equals(doing)) {
            doing = what;
            events.stateChanged();
        }
    }

    private void fail(String part, Exception e) {
        errors.put(part, message(e));
        events.event(part + " failed: " + message(e));
    }

    private synchronized Instant nextDue() {
        Instant next = min(nextIntervalSync, min(nextHubCheck, nextVolumeCheck));
        if (firstChange != null) {
            Instant change = min(lastChange.plus(settings.quiet), firstChange.plus(settings.maxDelay));
            if (change.isBefore(notBefore)) {
                change = notBefore;
            }
            next = min(next, change);
        }
        return next;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** What the daemon is doing right now, in words. */
    public String doing() {
        return doing;
    }

    /** Each failing part ("sync", "hub", "targets") with its last error; empty when all is well. */
    public Map<String, String> errors() {
        synchronized (errors) {
            return new LinkedHashMap<>(errors);
        }
    }

    public long rounds() {
        return rounds;
    }
}
