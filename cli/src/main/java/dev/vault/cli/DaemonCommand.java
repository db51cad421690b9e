package dev.vault.cli;

import dev.vault.cli.daemon.Daemon;
import dev.vault.cli.daemon.DaemonActions;
import dev.vault.cli.daemon.DaemonCore;
import dev.vault.cli.daemon.TargetPass;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.Durations;
import dev.vault.engine.sync.Hub;
import dev.vault.engine.sync.HubAccess;
import dev.vault.engine.sync.SyncEngine;
import dev.vault.engine.sync.SyncResult;
import dev.vault.engine.sync.Workspace;
import dev.vault.targets.Target;
import dev.vault.targets.schedule.Scheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code vault daemon}: runs in the foreground until SIGTERM / Ctrl-C, syncing on an interval, soon
 * after files change and when the hub moves, and running this workspace's target schedules.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Keep the workspace in sync and its targets backed up until stopped (SIGTERM or Ctrl-C).",
            "Syncs every --interval, ~10 s after files change, and when the hub changes; backs up to a USB",
            "target when it is plugged in and runs scheduled targets (catching up missed runs).",
            "Log: .git/vault/daemon.log; state: .git/vault/daemon.json (shown by 'vault status').",
            "Exit 11 if a daemon already runs for the workspace."})
public final class DaemonCommand extends BaseCommand {
    @Option(names = "--interval", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Sync at least this often (default: 5m).")
    Duration interval = Duration.ofMinutes(5);

    @Option(names = "--hub-check", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How often to check the hub for other computers' changes (default: 30s).")
    Duration hubCheck = Duration.ofSeconds(30);

    @Option(names = "--volume-check", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How often to look for plugged-in drives and due targets (default: 5s).")
    Duration volumeCheck = Duration.ofSeconds(5);

    @Option(names = "--quiet-time", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Sync once files have been quiet this long after a change (default: 2s; at most 10s after the first change).")
    Duration quiet = Duration.ofSeconds(2);

    @Option(names = "--no-targets", description = "Only sync; leave backups to 'vault run-due'.")
    boolean noTargets;

    @Option(names = "--password-file", paramLabel = "<file>",
            description = "Repository password for target backups (else VAULT_PASSWORD; the daemon never prompts).")
    Path passwordFile;

    @Override
    public Integer call() throws IOException {
        Path root;
        try (Workspace probe = Workspace.find(startDir())) {
            root = probe.root();
        }
        DaemonCore.Settings s = new DaemonCore.Settings();
        s.interval = interval;
        s.hubCheck = hubCheck;
        s.volumeCheck = volumeCheck;
        s.quiet = quiet;
        s.maxDelay = quiet.multipliedBy(5).compareTo(Duration.ofSeconds(10)) > 0 ? quiet.multipliedBy(5) : Duration.ofSeconds(10);
        try (Workspace ws = Workspace.open(root)) {
            Daemon daemon = new Daemon(root, s, new Actions(ws), Clock.systemDefaultZone());
            Thread hook = new Thread(() -> daemon.stop(Duration.ofSeconds(110)), "vault-daemon-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            daemon.run(() -> {
                out().println("vault daemon: watching " + root + " (sync every " + Durations.format(interval)
                        + ", hub check every " + Durations.format(hubCheck) + "); log: " + Daemon.logFile(root)
                        + ". Stop with Ctrl-C.");
                out().flush();
            });
        }
        return ExitCodes.OK;
    }

    /** Production wiring: the sync engine for rounds, ls-remote for the hub check, the scheduler for targets. */
    private final class Actions implements DaemonActions {
        private final Workspace ws;

        Actions(Workspace ws) {
            this.ws = ws;
        }

        @Override
        public String sync(String reason) {
            // a daemon never waits on a question: no prompt (agent keys and credential helpers still work)
            SyncResult r = new SyncEngine(ws, new SyncEngine.Options().hubAccess(HubAccess.of(env(), null))).run();
            // a round that re-sent what the hub had lost succeeded: its summary (the event) and status say so
            if (r.outcome == SyncResult.Outcome.OFFLINE || r.hubProblem != null) {
                throw new VaultException(r.exitCode(), r.summary());
            }
            return r.summary();
        }

        @Override
        public boolean hubChanged() throws Exception {
            Hub.Refs refs = Hub.listRefs(ws.repository(), ws.hub(), HubAccess.of(env(), null));
            ObjectId remote = refs.branch(ws.branch());
            ObjectId known = ws.repository().resolve(Constants.R_REMOTES + "origin/" + ws.branch());
            return remote != null && !remote.equals(known);
        }

        @Override
        public String runDueTargets() {
            if (noTargets) {
                return null;
            }
            Set<String> mine = new LinkedHashSet<>();
            for (Target t : TargetsSupport.registry(env()).targets()) {
                if (t.source() == null || t.source().toAbsolutePath().normalize().equals(ws.root())) {
                    mine.add(t.name());
                }
            }
            if (mine.isEmpty()) {
                return null;
            }
            return TargetPass.run(() -> RunDueCommand.pass(env(), passwordFile, new Scheduler.Options(mine, false, false)));
        }
    }

    /** Reads the durations users type (30s, 5m, 2h). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
