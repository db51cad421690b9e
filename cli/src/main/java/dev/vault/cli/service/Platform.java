package dev.vault.cli.service;

import java.util.Locale;

/** The operating system families vault knows how to start at login. */
public enum Platform {
    LINUX, MACOS, WINDOWS;

    public static Platform current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return WINDOWS;
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return MACOS;
        }
        return LINUX;
    }
}
