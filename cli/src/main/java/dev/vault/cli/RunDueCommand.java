package dev.vault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vault.engine.ExitCodes;
import dev.vault.targets.run.EngineRunner;
import dev.vault.targets.schedule.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vault run-due}: one pass of the target scheduler, then exit (the daemon runs the same pass). */
@Command(name = "run-due", description = "Back up to every connected target that is due now under its schedule, then exit.")
public final class RunDueCommand extends BaseCommand {
    @Option(names = "--target", paramLabel = "<name>", description = "Consider only this target (repeatable).")
    List<String> targets;

    @Option(names = "--force", description = "Run the considered targets even if they are not due.")
    boolean force;

    @Option(names = "--dry-run", description = "Say what would run, run nothing.")
    boolean dryRun;

    @Option(names = "--password-file", paramLabel = "<file>", description = "Read the repository password from this file (else VAULT_PASSWORD, else a prompt).")
    Path passwordFile;

    @Override
    public Integer call() {
        Set<String> only = targets == null ? Set.of() : new LinkedHashSet<>(targets);
        Scheduler.PassResult r = pass(env(), passwordFile, new Scheduler.Options(only, force, dryRun));
        return print(this, r);
    }

    /** One scheduler pass with the engine-backed runner; {@code vault backup --target/--all} and the daemon use it too. */
    static Scheduler.PassResult pass(Map<String, String> env, Path passwordFile, Scheduler.Options options) {
        Clock clock = Clock.systemDefaultZone();
        Supplier<char[]> pw = memo(() -> TargetsSupport.password(env, passwordFile, "Repository password", false));
        Path home = TargetsSupport.home(env);
        try (EngineRunner runner = new EngineRunner(pw, clock)) {
            return new Scheduler(home, TargetsSupport.registry(env), TargetsSupport.volumes(), clock, runner).pass(options);
        }
    }

    /** Prints a pass: one line per target (failures on stderr); returns the pass's exit code. */
    static int print(BaseCommand c, Scheduler.PassResult r) {
        if (c.json()) {
            JsonArray arr = new JsonArray();
            for (Scheduler.Report rep : r.reports()) {
                JsonObject o = new JsonObject();
                o.addProperty("target", rep.target().name());
                o.addProperty("action", rep.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                o.addProperty("message", rep.message());
                o.addProperty("location", rep.location());
                o.addProperty("snapshot", rep.snapshot());
                o.addProperty("safeToUnplug", rep.safeToUnplug());
                o.addProperty("exitCode", rep.exitCode());
                arr.add(o);
            }
            c.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(arr));
            return r.exitCode();
        }
        if (r.reports().isEmpty()) {
            c.out().println("No targets; add one with 'vault target add <name> --kind usb|nas|cloud --path <dir>'.");
        }
        for (Scheduler.Report rep : r.reports()) {
            if (rep.action() == Scheduler.Action.FAILED) {
                c.err().println("vault: " + rep.message());
            } else {
                c.out().println(rep.message());
            }
        }
        return r.exitCode();
    }

    private static Supplier<char[]> memo(Supplier<char[]> s) {
        return new Supplier<>() {
            private char[] v;
            private boolean asked;

            @Override
            public synchronized char[] get() {
                if (!asked) {
                    v = s.get();
                    asked = true;
                }
                return v;
            }
        };
    }

    /** A one-line summary of a due pass for the daemon's log ("stick: backed up ...; nas: waiting ..."). */
    public static String passForDaemon(Map<String, String> env) {
        Scheduler.PassResult r = pass(env, null, Scheduler.Options.DUE);
        StringBuilder sb = new StringBuilder();
        for (Scheduler.Report rep : r.reports()) {
            if (rep.action() == Scheduler.Action.RAN || rep.action() == Scheduler.Action.FAILED) {
                sb.append(sb.length() == 0 ? "" : "; ").append(rep.message());
            }
        }
        if (r.exitCode() != ExitCodes.OK) {
            throw new dev.vault.engine.VaultException(r.exitCode(), sb.toString());
        }
        return sb.toString();
    }
}
