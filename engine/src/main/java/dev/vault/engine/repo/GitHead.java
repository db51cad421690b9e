package dev.vault.engine.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the commit a workspace's HEAD points at (loose or packed ref), to record it in a snapshot. */
final class GitHead {
    private GitHead() {
    }

    static String commitOf(Path workspace) {
        Path git = workspace.resolve(".git");
        if (!Files.isDirectory(git)) {
            return null;
        }
        try {
            String head = Files.readString(git.resolve("HEAD"), StandardCharsets.UTF_8).trim();
            if (!head.startsWith("ref: ")) {
                return head.matches("[0-9a-f]{40,64}") ? head : null;
            }
            String ref = head.substring(5).trim();
            if (ref.contains("..")) {
                return null;
            }
            Path loose = git.resolve(ref);
            if (Files.isRegularFile(loose)) {
                String id = Files.readString(loose, StandardCharsets.UTF_8).trim();
                return id.matches("[0-9a-f]{40,64}") ? id : null;
            }
            Path packed = git.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 2 && parts[1].equals(ref)) {
                        return parts[0];
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
