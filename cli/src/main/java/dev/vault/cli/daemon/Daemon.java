package dev.vault.cli.daemon;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The daemon process around {@link DaemonCore}: holds the one-per-workspace lock, watches files,
 * sleeps until the next thing is due, writes {@code .git/vault/daemon.json} after every change of
 * state and logs to {@code .git/vault/daemon.log}. {@link #stop()} (SIGTERM, Ctrl-C) lets the
 * action in flight finish, then returns.
 */
public final class Daemon {
    private final Path workspace;
    private final DaemonCore.Settings settings;
    private final DaemonActions actions;
    private final Clock clock;
    private final RotatingLog log;
    private final Object wake = new Object();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean exited;
    private volatile DaemonCore core;
    private final Instant started;

    public Daemon(Path workspace, DaemonCore.Settings settings, DaemonActions actions, Clock clock) {
        this.workspace = workspace;
        this.settings = settings;
        this.actions = actions;
        this.clock = clock;
        this.log = new RotatingLog(logFile(workspace), 1 << 20, 3, clock);
        this.started = clock.instant();
    }

    public static Path stateFile(Path workspace) {
        return workspace.resolve(".git").resolve("vault").resolve("daemon.json");
    }

    public static Path logFile(Path workspace) {
        return workspace.resolve(".git").resolve("vault").resolve("daemon.log");
    }

    /** Runs until {@link #stop()}; throws VaultException (exit 11) if another daemon holds the workspace. */
    public void run(Runnable onStarted) throws IOException {
        // Only the lock holder may touch the state file: a refused second daemon must leave it alone.
        try (DaemonLock lock = DaemonLock.acquire(workspace)) {
            try {
                runLocked(onStarted);
            } finally {
                stopping = true;
                exited = true;
                writeState();
                finished.countDown();
            }
        } finally {
            finished.countDown();
        }
    }

    private void runLocked(Runnable onStarted) throws IOException {
        core = new DaemonCore(clock, settings, actions, new DaemonCore.Listener() {
            @Override
            public void event(String line) {
                log.log(line);
                writeState();
            }

            @Override
            public void stateChanged() {
                writeState();
            }
        });
        log.log("daemon started (pid " + ProcessHandle.current().pid() + ") for " + workspace
                + ", sync every " + dev.vault.engine.config.Durations.format(settings.interval));
        try (WorkspaceWatcher watcher = new WorkspaceWatcher(workspace, this::filesChanged)) {
            onStarted.run();
            while (!stopping) {
                Instant next = core.step();
                writeState();
                sleepUntil(next);
            }
        }
        log.log("daemon stopped");
    }

    private void filesChanged() {
        DaemonCore c = core;
        if (c != null) {
            c.filesChanged();
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void sleepUntil(Instant next) {
        long ms = Duration.between(clock.instant(), next).toMillis();
        if (ms <= 0) {
            return;
        }
        synchronized (wake) {
            try {
                // Wake early on file changes so the debounce clock is re-evaluated.
                wake.wait(Math.min(ms, 60_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    /** Asks the daemon to stop after the action in flight and waits up to {@code timeout} for it. */
    public boolean stop(Duration timeout) {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeState() {
        DaemonCore c = core;
        JsonObject o = new JsonObject();
        o.addProperty("pid", ProcessHandle.current().pid());
        o.addProperty("started", started.toString());
        o.addProperty("updated", clock.instant().toString());
        o.addProperty("running", !exited);
        o.addProperty("doing", stopping ? "stopping" : c == null ? "starting" : c.doing());
        o.addProperty("rounds", c == null ? 0 : c.rounds());
        JsonObject errs = new JsonObject();
        if (c != null) {
            for (Map.Entry<String, String> e : c.errors().entrySet()) {
                errs.addProperty(e.getKey(), e.getValue());
            }
        }
        o.add("errors", errs);
        Path f = stateFile(workspace);
        try {
            Path tmp = f.resolveSibling("daemon.json.tmp");
            Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Status is best effort; the log says more.
        }
    }

    /** Reads the state a daemon wrote, if the daemon still holds the workspace; else null. */
    public static JsonObject readState(Path workspace) {
        java.util.OptionalLong pid = DaemonLock.running(workspace);
        if (pid.isEmpty()) {
            return null;
        }
        try {
            return com.google.gson.JsonParser.parseString(Files.readString(stateFile(workspace), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            // it holds the workspace but has not written its state yet: the lock's pid file says who
            JsonObject o = new JsonObject();
            if (pid.getAsLong() > 0) {
                o.addProperty("pid", pid.getAsLong());
            }
            o.addProperty("doing", "starting");
            return o;
        }
    }
}
