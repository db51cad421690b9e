package dev.vault.targets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The small {@code vault-target.json} file at a target's repository root that holds the target's id.
 * vault writes to a folder only when this marker is there and names the expected target, so an empty
 * mount point, another drive or an unmounted folder is never written to.
 */
public final class TargetMarker {
    /** The marker's file name at the repository root. */
    public static final String FILE_NAME = "vault-target.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private TargetMarker() {
    }

    /** What a marker says. */
    public record Contents(String id, String name, String kind, String created) {
    }

    /** Reads the marker in {@code dir}; empty if there is none or it cannot be read as a marker. */
    public static Optional<Contents> read(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            JsonObject o = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), JsonObject.class);
            if (o == null || !o.has("id") || o.get("id").getAsString().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Contents(o.get("id").getAsString(), str(o, "name"), str(o, "kind"), str(o, "created")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "";
    }

    /** Writes the marker into {@code dir} (temporary name, then rename), creating {@code dir} if needed. */
    public static void write(Path dir, String id, String name, TargetKind kind, Instant created) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "vault-target");
        o.addProperty("version", 1);
        o.addProperty("id", id);
        o.addProperty("name", name);
        o.addProperty("kind", kind.id());
        o.addProperty("created", created.toString());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, GSON.toJson(o) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new VaultException("cannot write the target marker in " + dir + ": " + e.getMessage()
                    + "; check that the drive is mounted and writable", e);
        }
    }
}
