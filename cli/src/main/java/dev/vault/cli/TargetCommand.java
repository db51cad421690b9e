package dev.vault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.Durations;
import dev.vault.engine.config.Sizes;
import dev.vault.targets.AddTarget;
import dev.vault.targets.CheckTarget;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetLocator;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.TargetState;
import dev.vault.targets.schedule.SchedulePolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault target add|list|remove|check}: the backup targets of this computer. */
@Command(name = "target", description = "Manage backup targets: USB drives, NAS shares, cloud folders.",
        subcommands = {TargetCommand.Add.class, TargetCommand.ListTargets.class, TargetCommand.Remove.class,
            TargetCommand.Check.class})
public final class TargetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: add, list, remove or check.");
    }

    /** {@code vault target add}. */
    @Command(name = "add", description = "Register a target and write its marker file at the repository folder.")
    public static final class Add extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<name>", description = "Name to call it by, e.g. usb or nas-office.")
        String name;

        @Option(names = "--kind", required = true, paramLabel = "usb|nas|cloud", description = "usb (removable drive), nas (network share) or cloud (a synced folder).")
        String kind;

        @Option(names = "--path", required = true, paramLabel = "<dir>", description = "Folder for the backups on the drive, share or cloud folder.")
        Path path;

        @Option(names = "--schedule", paramLabel = "<policy>", description = "on-plug, daily@HH:MM, every <duration> or weekly@<day>-HH:MM (default: usb on-plug, nas daily@02:00, cloud daily@03:00).")
        String schedule;

        @Option(names = "--min-age", paramLabel = "<duration>", description = "on-plug: back up again only if the last backup is older than this (default 1h).")
        String minAge;

        @Option(names = "--keep", paramLabel = "<retention>", description = "Snapshots to keep after each run, e.g. last=10,daily=7,weekly=4,monthly=12 (the default) or all.")
        String keep;

        @Option(names = "--no-encrypt", description = "Store the backups unencrypted (refused for cloud targets).")
        boolean noEncrypt;

        @Option(names = "--source", paramLabel = "<dir>", description = "Folder to back up to this target (default: the workspace, see -C).")
        Path source;

        @Override
        public Integer call() {
            TargetKind k;
            Duration age = null;
            try {
                k = TargetKind.parse(kind);
                if (minAge != null) {
                    age = Durations.parse(minAge);
                }
            } catch (IllegalArgumentException e) {
                throw new VaultException(ExitCodes.USAGE, e.getMessage());
            }
            AddTarget.Result r = new AddTarget(TargetsSupport.registry(env()), TargetsSupport.volumes(), Clock.systemDefaultZone())
                    .call(new AddTarget.Options(name, k, path, schedule, age, keep, noEncrypt,
                            source != null ? source : startDir()));
            Target t = r.target();
            if (json()) {
                JsonObject o = toJson(t, null, null);
                o.addProperty("adoptedExistingMarker", r.adopted());
                out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
            } else {
                out().println("Added " + t.kind().id() + " target '" + t.name() + "' at " + t.path()
                        + (r.adopted() ? " (it already held this target's marker; its backups are kept)" : ""));
                out().println("  backs up " + t.source());
                out().println("  schedule " + t.schedule().text() + ", keep " + t.keep().text() + ", "
                        + (t.encrypt() ? "encrypted" : "NOT encrypted")
                        + (r.volume() == null ? "" : ", on volume " + r.volume().mount()
                                + (r.volume().label().isEmpty() ? "" : " (" + r.volume().label() + ")")));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code vault target list}. */
    @Command(name = "list", description = "List targets: where each is now, last backup, next run, repository size.")
    public static final class ListTargets extends BaseCommand {
        @Override
        public Integer call() {
            TargetRegistry reg = TargetsSupport.registry(env());
            List<Target> targets = reg.targets();
            List<TargetLocation> locs = new TargetLocator(TargetsSupport.volumes()).locateAll(targets);
            Clock clock = Clock.systemDefaultZone();
            if (json()) {
                JsonArray arr = new JsonArray();
                for (TargetLocation l : locs) {
                    arr.add(toJson(l.target(), l, reg.state(l.target())));
                }
                out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr));
                return ExitCodes.OK;
            }
            if (targets.isEmpty()) {
                out().println("No targets yet; add one with 'vault target add <name> --kind usb|nas|cloud --path <dir>'.");
                return ExitCodes.OK;
            }
            for (TargetLocation l : locs) {
                Target t = l.target();
                TargetState s = reg.state(t);
                out().println(t.name() + " (" + t.kind().id() + ", " + t.schedule().text() + ", keep " + t.keep().text()
                        + (t.encrypt() ? "" : ", NOT encrypted") + ")");
                out().println("  " + (l.connected() ? "connected at " + l.repository() : "not connected: " + l.reason()));
                out().println("  last backup: " + TargetsSupport.when(s.lastSuccess())
                        + (s.lastError() != null ? "; last run failed: " + s.lastError() : ""));
                out().println("  next run: " + next(t, l, s, clock));
                out().println("  repository size: " + (s.repositoryBytes() < 0 ? "unknown" : Sizes.format(s.repositoryBytes())));
            }
            return ExitCodes.OK;
        }
    }

    static String next(Target t, TargetLocation l, TargetState s, Clock clock) {
        SchedulePolicy.Due d = t.schedule().due(clock.instant(), clock.getZone(), s.lastSuccess(),
                l.connected() && s.present() && s.appearanceHandled());
        if (d.due()) {
            return l.connected() ? "due now (" + d.reason() + ")" : "due (" + d.reason() + "), when it is connected";
        }
        return d.next() == null ? "next time it is plugged in" : TargetsSupport.when(d.next());
    }

    static JsonObject toJson(Target t, TargetLocation l, TargetState s) {
        JsonObject o = new JsonObject();
        o.addProperty("name", t.name());
        o.addProperty("id", t.id());
        o.addProperty("kind", t.kind().id());
        o.addProperty("path", t.path().toString());
        o.addProperty("schedule", t.schedule().text());
        o.addProperty("keep", t.keep().text());
        o.addProperty("encrypt", t.encrypt());
        if (l != null) {
            o.addProperty("connected", l.connected());
            if (l.connected()) {
                o.addProperty("location", l.repository().toString());
            } else {
                o.addProperty("status", l.describe());
            }
        }
        if (s != null) {
            Clock clock = Clock.systemDefaultZone();
            o.addProperty("lastBackup", s.lastSuccess() == null ? null : s.lastSuccess().toString());
            o.addProperty("lastError", s.lastError());
            o.addProperty("repositoryBytes", s.repositoryBytes());
            SchedulePolicy.Due d = t.schedule().due(clock.instant(), clock.getZone(), s.lastSuccess(),
                    l != null && l.connected() && s.present() && s.appearanceHandled());
            o.addProperty("due", d.due());
            Instant next = d.due() ? clock.instant() : d.next();
            o.addProperty("nextRun", next == null ? "on-plug" : next.toString());
        }
        return o;
    }

    /** {@code vault target remove}. */
    @Command(name = "remove", description = "Forget a target on this computer; its backups and marker stay on the drive.")
    public static final class Remove extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        @Override
        public Integer call() {
            TargetRegistry reg = TargetsSupport.registry(env());
            Target t = reg.get(name);
            reg.remove(name);
            out().println("Removed target '" + name + "'. Its backups at " + t.path() + " were not touched;"
                    + " 'vault target add' on that folder registers it again.");
            return ExitCodes.OK;
        }
    }

    /** {@code vault target check}. */
    @Command(name = "check", description = "Check that a target is connected, recognised by its marker and writable, and its repository is sound.")
    public static final class Check extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        @Option(names = "--password-file", paramLabel = "<file>", description = "Read the repository password from this file (else VAULT_PASSWORD, else a prompt).")
        Path passwordFile;

        @Override
        public Integer call() {
            Target t = TargetsSupport.registry(env()).get(name);
            CheckTarget.Result r = new CheckTarget(TargetsSupport.volumes()).call(t,
                    TargetsSupport.repositoryCheck(env(), passwordFile));
            if (json()) {
                JsonObject o = toJson(t, r.location(), null);
                JsonArray lines = new JsonArray();
                r.lines().forEach(lines::add);
                o.add("checks", lines);
                o.addProperty("ok", true);
                out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
            } else {
                out().println("Target '" + t.name() + "' is OK:");
                for (String line : r.lines()) {
                    out().println("  " + line);
                }
            }
            return ExitCodes.OK;
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
