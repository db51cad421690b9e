package dev.vault.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * This computer's identity in repository lock files: 32 random hex digits kept in the file
 * {@code machine-id} (see {@link #file}). Host names are no identity (default names repeat, containers
 * copy them), and a lock is judged by its OS file lock only when it comes from this same computer.
 * A process that was never told where the file is (tests, embedding code) gets an id of its own that
 * lives as long as the JVM: it then treats every other process as another computer, which is safe
 * (their locks count as live until they are too old) and only slower at clearing crashed locks.
 */
public final class MachineId {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{32}");
    private static final String EPHEMERAL = random();
    private static volatile Supplier<String> source = () -> EPHEMERAL;
    private static volatile String cached;

    private MachineId() {
    }

    /**
     * Where the id is kept: {@code <config home>/machine-id}, except on Windows without
     * {@code VAULT_CONFIG_HOME}, where it goes under {@code %LOCALAPPDATA%\vault}: the config home
     * there is the roaming profile, which a domain copies to every computer the user logs on to.
     */
    public static Path file(Map<String, String> env) {
        String explicit = env.get("VAULT_CONFIG_HOME");
        String local = env.get("LOCALAPPDATA");
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
        if ((explicit == null || explicit.isBlank()) && windows && local != null && !local.isBlank()) {
            return Path.of(local, "vault", "machine-id");
        }
        return VaultHome.resolve(env).resolve("machine-id");
    }

    /** Makes {@link #current} read (or create, on first use) the id in {@code file}. */
    public static synchronized void useFile(Path file) {
        cached = null;
        source = () -> {
            try {
                return loadOrCreate(file);
            } catch (IOException | RuntimeException e) {
                return EPHEMERAL; // an unwritable home: safe, see the class comment
            }
        };
    }

    /** This computer's id (read once per {@link #useFile}). */
    public static String current() {
        String id = cached;
        if (id == null) {
            synchronized (MachineId.class) {
                id = cached;
                if (id == null) {
                    id = source.get();
                    cached = id;
                }
            }
        }
        return id;
    }

    /** Reads the id in {@code file}, creating it (atomically: a racing process's id wins) when missing or invalid. */
    public static String loadOrCreate(Path file) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (VALID.matcher(id).matches()) {
                    return id;
                }
                Files.delete(file); // damaged: a new id only costs the clearing of this computer's old locks
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + "-" + UUID.randomUUID() + ".tmp");
            try {
                Files.writeString(tmp, random() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file); // no REPLACE_EXISTING: if another process made one, use that
            } catch (FileAlreadyExistsException e) {
                // lost the race: read the winner's
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        throw new IOException("could not read or create the machine id in " + file);
    }

    private static String random() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
