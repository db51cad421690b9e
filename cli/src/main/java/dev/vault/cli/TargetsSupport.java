package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.VaultHome;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.volume.OshiVolumeSource;
import dev.vault.targets.volume.VolumeSource;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** What the target, volume, run-due and bundle commands share: the registry, the volumes, passwords, times. */
final class TargetsSupport {
    private static VolumeSource volumes;

    private TargetsSupport() {
    }

    /** The real mounted volumes (OSHI), created once per process. */
    static synchronized VolumeSource volumes() {
        if (volumes == null) {
            volumes = new OshiVolumeSource();
        }
        return volumes;
    }

    static Path home(Map<String, String> env) {
        return VaultHome.resolve(env);
    }

    static TargetRegistry registry(Map<String, String> env) {
        return TargetRegistry.load(home(env));
    }

    /**
     * The password from {@code --password-file}, else {@code VAULT_PASSWORD}, else a terminal prompt
     * (twice when {@code confirm}); null when none can be had.
     */
    static char[] password(Map<String, String> env, Path passwordFile, String prompt, boolean confirm) {
        return Passwords.read(env, passwordFile, "VAULT_PASSWORD", prompt + ": ", confirm);
    }

    /** The repository check that {@code vault target check} adds after the marker, writability and space checks. */
    static dev.vault.targets.CheckTarget.RepositoryCheck repositoryCheck(Map<String, String> env, Path passwordFile) {
        return loc -> {
            if (!java.nio.file.Files.exists(loc.repository().resolve("config"))) {
                return "no repository yet: the first run creates it";
            }
            try (dev.vault.targets.run.EngineRunner runner = new dev.vault.targets.run.EngineRunner(
                    () -> password(env, passwordFile, "Repository password", false), java.time.Clock.systemDefaultZone())) {
                return runner.check(loc);
            }
        };
    }

    /** The repository folder of target {@code name} where it is connected now; exit 10 ("waiting for ...") if it is not. */
    static Path repositoryOf(Map<String, String> env, String name) {
        dev.vault.targets.Target t = registry(env).get(name);
        dev.vault.targets.TargetLocation l = new dev.vault.targets.TargetLocator(volumes()).locate(t);
        if (!l.connected()) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, l.describe());
        }
        return l.repository();
    }

    static String when(Instant t) {
        return t == null ? "never" : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault()).format(t);
    }
}
