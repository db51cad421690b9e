package dev.vault.engine.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vault's ignore rules: OS and editor junk that is never synced, plus the workspace's extra
 * patterns from its config. They are written to {@code .git/info/exclude}, which JGit reads
 * together with every {@code .gitignore} in the workspace.
 */
public final class Ignores {
    /** Patterns (gitignore syntax) ignored in every workspace. */
    public static final List<String> DEFAULTS = List.of(
            ".DS_Store", "Thumbs.db", "desktop.ini", "~$*", ".~lock.*#", "*.tmp", "*.swp", "*.swo", "*~", ".#*");

    private Ignores() {
    }

    /** Rewrites {@code .git/info/exclude} if its content differs from defaults + extra patterns. */
    public static void writeExcludeFile(Path gitDir, List<String> extra) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# written by vault on every sync: edit the workspace's .gitignore or the");
        lines.add("# 'ignore' key in .git/vault/config instead");
        lines.addAll(DEFAULTS);
        lines.addAll(extra);
        String text = String.join("\n", lines) + "\n";
        Path exclude = gitDir.resolve("info").resolve("exclude");
        if (Files.exists(exclude) && Files.readString(exclude, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Files.createDirectories(exclude.getParent());
        Path tmp = exclude.resolveSibling("exclude.vault-tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, exclude, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
