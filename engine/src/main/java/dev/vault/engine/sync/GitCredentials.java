package dev.vault.engine.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.transport.URIish;

/**
 * The git credential helper protocol, through {@code git credential fill|approve|reject}: the one
 * place vault runs a git program, and only when git is installed. The user's own git config picks
 * the helper (a keychain, Git Credential Manager, {@code store}...), exactly as for C git.
 */
final class GitCredentials {
    /** A helper that shows a window (Git Credential Manager) may wait for the user this long. */
    private static final long TIMEOUT_SECONDS = 180;

    private final Path git;
    private final Map<String, String> env;

    private GitCredentials(Path git, Map<String, String> env) {
        this.git = git;
        this.env = env;
    }

    /** The helper front end, or null when no git program is on the PATH. */
    static GitCredentials find(HubAccess access) {
        String path = access.getenv("PATH");
        if (path == null) {
            return null;
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir, windows ? "git.exe" : "git");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return new GitCredentials(candidate, access.overlay());
                }
            } catch (java.nio.file.InvalidPathException e) {
                // a strange PATH entry: skip it
            }
        }
        return null;
    }

    /** What the helpers know for {@code uri}: {user, password}, or null. */
    String[] fill(URIish uri, String user) {
        String out = run("fill", describe(uri, user, null));
        if (out == null) {
            return null;
        }
        String u = null;
        String p = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("username=")) {
                u = line.substring("username=".length());
            } else if (line.startsWith("password=")) {
                p = line.substring("password=".length());
            }
        }
        return p == null ? null : new String[] {u != null ? u : user, p};
    }

    /** Tells the helpers these credentials worked (they may store them). */
    void approve(URIish uri, String user, char[] password) {
        run("approve", describe(uri, user, password));
    }

    /** Tells the helpers these credentials were refused (they may forget them). */
    void reject(URIish uri, String user, char[] password) {
        run("reject", describe(uri, user, password));
    }

    private static String describe(URIish uri, String user, char[] password) {
        String all = uri.getScheme() + uri.getHost() + uri.getPath() + user + (password == null ? "" : new String(password));
        if (all.indexOf('\n') >= 0 || all.indexOf('\0') >= 0) {
            return null; // a line break would let a hostile URL add lines to the helper's input (as git refuses too)
        }
        StringBuilder b = new StringBuilder();
        b.append("protocol=").append(uri.getScheme()).append('\n');
        b.append("host=").append(uri.getHost()).append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append('\n');
        String path = uri.getPath();
        if (path != null && path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path != null && !path.isEmpty()) {
            b.append("path=").append(path).append('\n');
        }
        if (user != null) {
            b.append("username=").append(user).append('\n');
        }
        if (password != null) {
            b.append("password=").append(password).append('\n');
        }
        b.append('\n');
        return b.toString();
    }

    /** Runs one {@code git credential} action; its output, or null when it failed or found nothing. */
    private String run(String action, String input) {
        if (input == null) {
            return null;
        }
        ProcessBuilder pb = new ProcessBuilder(git.toString(), "credential", action);
        pb.environment().putAll(env);
        // git must not prompt on the terminal itself: vault asks there, and a daemon has none
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = null;
        try {
            p = pb.start();
            try (OutputStream o = p.getOutputStream()) {
                o.write(input.getBytes(StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return null;
            }
            return p.exitValue() == 0 ? out.toString(StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                p.destroyForcibly();
            }
            return null;
        }
    }
}
