package dev.vault.engine.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where vault keeps this computer's per-user files (target registry, caches): {@code VAULT_CONFIG_HOME}
 * if set (tests always set it), else {@code %APPDATA%\vault} on Windows,
 * {@code ~/Library/Application Support/vault} on macOS, {@code $XDG_CONFIG_HOME/vault} or
 * {@code ~/.config/vault} elsewhere.
 */
public final class VaultHome {
    private VaultHome() {
    }

    public static Path resolve(Map<String, String> env) {
        String explicit = env.get("VAULT_CONFIG_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.contains("win")) {
            String appData = env.get("APPDATA");
            return appData != null ? Path.of(appData, "vault") : Path.of(home, "AppData", "Roaming", "vault");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", "vault");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "vault") : Path.of(home, ".config", "vault");
    }

    /** Cache folder (safe to delete): {@code <config home>/cache} unless {@code VAULT_CACHE_HOME} is set. */
    public static Path cache(Map<String, String> env) {
        String explicit = env.get("VAULT_CACHE_HOME");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return resolve(env).resolve("cache");
    }
}
