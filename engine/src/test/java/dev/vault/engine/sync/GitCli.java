package dev.vault.engine.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the real C git (plumbing and porcelain) for tests that build hostile or foreign input; never
 * reads the user's Git config. Names in {@link #mktree} are raw, so trees can hold any entry name.
 */
final class GitCli {
    private final Path home;

    GitCli(Path home) {
        this.home = home;
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs git in {@code dir} (or with --git-dir when {@code dir} ends in .git), feeding {@code input}; fails on a non-zero exit. */
    String run(Path dir, byte[] input, String... args) {
        Result r = tryRun(dir, input, args);
        if (r.exit != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed (" + r.exit + "): " + r.out);
        }
        return r.out.strip();
    }

    String run(Path dir, String... args) {
        return run(dir, null, args);
    }

    /** Exit code and merged output of one git command. */
    static final class Result {
        final int exit;
        final String out;

        Result(int exit, String out) {
            this.exit = exit;
            this.out = out;
        }
    }

    Result tryRun(Path dir, byte[] input, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        if (dir.getFileName().toString().endsWith(".git")) {
            cmd.add("--git-dir=" + dir);
        } else {
            cmd.add("-C");
            cmd.add(dir.toString());
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "mallory");
        env.put("GIT_AUTHOR_EMAIL", "mallory@example.org");
        env.put("GIT_COMMITTER_NAME", "mallory");
        env.put("GIT_COMMITTER_EMAIL", "mallory@example.org");
        try {
            Process p = pb.start();
            if (input != null) {
                p.getOutputStream().write(input);
            }
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            return new Result(p.waitFor(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Stores a blob in {@code gitDir}; returns its id. */
    String blob(Path gitDir, byte[] content) {
        return run(gitDir, content, "hash-object", "-w", "--stdin");
    }

    /** One entry line for {@link #mktree}. */
    static String entry(String mode, String id, String name) {
        String type = mode.equals("040000") ? "tree" : mode.equals("160000") ? "commit" : "blob";
        return mode + " " + type + " " + id + "\t" + name + "\n";
    }

    /** Writes a tree from raw entry lines (any names at all); returns its id. */
    String mktree(Path gitDir, String... entries) {
        return run(gitDir, String.join("", entries).getBytes(StandardCharsets.UTF_8), "mktree", "--missing");
    }

    /** The entry lines of {@code treeish} (for adding entries to an existing tree). */
    List<String> lsTree(Path gitDir, String treeish) {
        List<String> out = new ArrayList<>();
        for (String l : run(gitDir, "ls-tree", "--full-tree", treeish).split("\n")) {
            if (!l.isBlank()) {
                out.add(l + "\n");
            }
        }
        return out;
    }

    /** A commit of {@code tree} on top of {@code parent} (nullable) by mallory. */
    String commitTree(Path gitDir, String tree, String parent, String message) {
        return parent == null ? run(gitDir, "commit-tree", tree, "-m", message)
                : run(gitDir, "commit-tree", tree, "-p", parent, "-m", message);
    }
}
