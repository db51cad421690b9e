package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Where passwords come from: a file, an environment variable, or a prompt on a terminal; never argv. */
final class Passwords {
    private Passwords() {
    }

    /** Null when none is available (no file, no variable, no terminal). */
    static char[] read(Map<String, String> env, Path file, String envVar, String prompt, boolean confirm) {
        if (file != null) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new VaultException(ExitCodes.USAGE, "password file " + file + " is empty; put the password on its first line.");
                }
                return lines.get(0).toCharArray();
            } catch (IOException e) {
                throw new VaultException(ExitCodes.USAGE, "cannot read password file " + file + " (" + e.getMessage() + "); check the path.");
            }
        }
        String v = env.get(envVar);
        if (v != null && !v.isEmpty()) {
            return v.toCharArray();
        }
        Console c = System.console();
        if (c == null) {
            return null;
        }
        char[] pw = c.readPassword("%s", prompt);
        if (pw != null && confirm) {
            char[] again = c.readPassword("%s", "Repeat it: ");
            if (again == null || !Arrays.equals(pw, again)) {
                throw new VaultException(ExitCodes.USAGE, "the two passwords differ; nothing was changed.");
            }
        }
        return pw;
    }
}
