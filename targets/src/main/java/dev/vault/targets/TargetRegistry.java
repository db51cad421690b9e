package dev.vault.targets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.ConfigFile;
import dev.vault.engine.config.Durations;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.SchedulePolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This computer's registered targets: the human-editable {@code targets} file in vault's config home
 * ({@code [target "name"]} sections) plus the machine-written {@code targets-state.json} beside it.
 */
public final class TargetRegistry {
    /** File name of the target registry inside the config home. */
    public static final String CONFIG_NAME = "targets";
    /** File name of the run state inside the config home. */
    public static final String STATE_NAME = "targets-state.json";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String HEADER = "vault backup targets of this computer (see docs/TARGETS.md).\n"
            + "Edit by hand or with 'vault target add/remove'. Run state lives in " + STATE_NAME + ".";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path home;
    private final ConfigFile config;
    private final Map<String, TargetState> states;

    private TargetRegistry(Path home, ConfigFile config, Map<String, TargetState> states) {
        this.home = home;
        this.config = config;
        this.states = states;
    }

    /** Loads the registry from vault's config home (see {@code VaultHome.resolve}); missing files are empty. */
    public static TargetRegistry load(Path home) {
        ConfigFile cf = ConfigFile.load(home.resolve(CONFIG_NAME), HEADER);
        return new TargetRegistry(home, cf, loadStates(home.resolve(STATE_NAME)));
    }

    public Path configFile() {
        return config.path();
    }

    /** Every registered target, in file order; a bad value is reported with file, line and key. */
    public List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (ConfigFile.Section s : config.sections("target")) {
            out.add(toTarget(s));
        }
        return out;
    }

    public Optional<Target> find(String name) {
        return config.find("target", name).map(this::toTarget);
    }

    /** The target called {@code name}, or an error that lists the registered names. */
    public Target get(String name) {
        return find(name).orElseThrow(() -> new VaultException(ExitCodes.USAGE, "there is no target called '" + name
                + "'" + (targets().isEmpty() ? "; add one with 'vault target add'"
                        : "; known targets: " + String.join(", ", targets().stream().map(Target::name).toList()))));
    }

    private Target toTarget(ConfigFile.Section s) {
        String name = s.name();
        String id = s.get("id").orElseThrow(() -> new VaultException(config.path() + ": target \"" + name
                + "\" has no id; remove the section and add the target again with 'vault target add'"));
        TargetKind kind = s.typed("kind", TargetKind.USB, TargetKind::parse);
        Path path = s.typed("path", null, Path::of);
        if (path == null) {
            throw new VaultException(config.path() + ": target \"" + name + "\" has no path; add 'path = <folder>'");
        }
        Duration minAge = s.getDuration("min-age", SchedulePolicy.DEFAULT_MIN_AGE);
        SchedulePolicy schedule = s.typed("schedule", SchedulePolicy.defaultFor(kind), t -> SchedulePolicy.parse(t, minAge));
        if (schedule instanceof SchedulePolicy.OnPlug && !s.get("schedule").isPresent()) {
            schedule = new SchedulePolicy.OnPlug(minAge);
        }
        Retention keep = s.typed("keep", Retention.DEFAULT, Retention::parse);
        boolean encrypt = s.getBoolean("encrypt", true);
        if (kind == TargetKind.CLOUD && !encrypt) {
            // the typed getter names file and line; reuse it to report the refusal the same way
            s.typed("encrypt", null, v -> {
                throw new IllegalArgumentException("cloud targets are always encrypted; set it to true");
            });
        }
        Instant added = s.typed("added", Instant.EPOCH, Instant::parse);
        Path source = s.typed("source", null, Path::of);
        return new Target(name, id, kind, path, s.get("volume-path").orElse(null), schedule, keep, encrypt, added, source);
    }

    /** Adds or replaces the section for {@code t} and saves the file. */
    public void put(Target t) {
        checkName(t.name());
        ConfigFile.Section s = config.section("target", t.name());
        s.set("id", t.id());
        s.set("kind", t.kind().id());
        s.set("path", t.path().toString());
        if (t.volumePath() != null) {
            s.set("volume-path", t.volumePath());
        } else {
            s.unset("volume-path");
        }
        s.set("schedule", t.schedule().text());
        if (t.schedule() instanceof SchedulePolicy.OnPlug) {
            s.set("min-age", Durations.format(((SchedulePolicy.OnPlug) t.schedule()).minAge()));
        }
        s.set("keep", t.keep().text());
        s.set("encrypt", Boolean.toString(t.encrypt()));
        s.set("added", t.added().toString());
        if (t.source() != null) {
            s.set("source", t.source().toString());
        }
        config.save();
    }

    /** Removes the target from the registry (its repository and marker are left untouched). */
    public boolean remove(String name) {
        Optional<Target> t = find(name);
        if (t.isEmpty()) {
            return false;
        }
        config.remove("target", name);
        config.save();
        states.remove(t.get().id());
        saveStates();
        return true;
    }

    /** Checks that {@code name} is usable as a target name; the message shows what is allowed. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new VaultException(ExitCodes.USAGE, "'" + name + "' is not a usable target name; use letters, digits,"
                    + " '-', '_' or '.', starting with a letter or digit");
        }
    }

    public TargetState state(Target t) {
        return states.getOrDefault(t.id(), TargetState.NEW);
    }

    /** Records a target's new state and writes the state file at once (a crash keeps what was done). */
    public void setState(Target t, TargetState s) {
        if (s.equals(states.get(t.id()))) {
            return; // nothing changed: the daemon's frequent passes need not rewrite the file
        }
        states.put(t.id(), s);
        saveStates();
    }

    private void saveStates() {
        JsonObject root = new JsonObject();
        root.addProperty("version", 1);
        JsonObject ts = new JsonObject();
        for (Map.Entry<String, TargetState> e : states.entrySet()) {
            TargetState s = e.getValue();
            JsonObject o = new JsonObject();
            put(o, "lastSuccess", s.lastSuccess());
            put(o, "lastAttempt", s.lastAttempt());
            if (s.lastError() != null) o.addProperty("lastError", s.lastError());
            if (s.lastSnapshot() != null) o.addProperty("lastSnapshot", s.lastSnapshot());
            if (s.lastLocation() != null) o.addProperty("lastLocation", s.lastLocation());
            o.addProperty("repositoryBytes", s.repositoryBytes());
            o.addProperty("present", s.present());
            o.addProperty("appearanceHandled", s.appearanceHandled());
            ts.add(e.getKey(), o);
        }
        root.add("targets", ts);
        Path file = home.resolve(STATE_NAME);
        try {
            Files.createDirectories(home);
            Path tmp = home.resolve(STATE_NAME + ".tmp");
            Files.writeString(tmp, GSON.toJson(root) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new VaultException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void put(JsonObject o, String k, Instant v) {
        if (v != null) {
            o.addProperty(k, v.toString());
        }
    }

    private static Map<String, TargetState> loadStates(Path file) {
        Map<String, TargetState> out = new LinkedHashMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new VaultException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonObject root = GSON.fromJson(text, JsonObject.class);
            JsonObject ts = root == null || !root.has("targets") ? new JsonObject() : root.getAsJsonObject("targets");
            for (String id : ts.keySet()) {
                JsonObject o = ts.getAsJsonObject(id);
                out.put(id, new TargetState(instant(o, "lastSuccess"), instant(o, "lastAttempt"), str(o, "lastError"),
                        str(o, "lastSnapshot"), str(o, "lastLocation"),
                        o.has("repositoryBytes") ? o.get("repositoryBytes").getAsLong() : -1,
                        o.has("present") && o.get("present").getAsBoolean(),
                        o.has("appearanceHandled") && o.get("appearanceHandled").getAsBoolean()));
            }
        } catch (JsonParseException | IllegalStateException | ClassCastException | DateTimeParseException
                | UnsupportedOperationException e) {
            // Only run history is lost: targets are due again, which is the safe direction.
            return new LinkedHashMap<>();
        }
        return out;
    }

    private static Instant instant(JsonObject o, String k) {
        return o.has(k) ? Instant.parse(o.get(k).getAsString()) : null;
    }

    private static String str(JsonObject o, String k) {
        return o.has(k) ? o.get(k).getAsString() : null;
    }
}
