package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vault.fixtures.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two vault computers and a C git clone of the same hub, in a seeded random sequence with symlink
 * retargeting, CRLF files under {@code text=auto}, exec-bit flips, empty files and gitlinks. At the
 * end every working tree holds the same bytes, link targets and exec bits, and C git's
 * {@code fsck --strict} finds nothing wrong on the hub.
 */
class MixedClientsTest {

    @TempDir
    Path tmp;

    /** One client: two vault workspaces or the C git clone; each only edits files with its own prefix. */
    private final class Client {
        final String prefix;
        final Workspace ws;
        final Path root;
        final List<String> files = new ArrayList<>();
        final List<String> links = new ArrayList<>();

        Client(String prefix, Workspace ws, Path root) {
            this.prefix = prefix;
            this.ws = ws;
            this.root = root;
        }

        void sync() {
            clock.advance(Duration.ofSeconds(11));
            if (ws != null) {
                new SyncEngine(ws, new SyncEngine.Options().clock(clock)).run();
                return;
            }
            git.run(root, "add", "-A");
            git.tryRun(root, null, "commit", "-q", "-m", "c git step");
            git.run(root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
            git.run(root, "push", "-q", "origin", "HEAD:main");
        }
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    GitCli git;

    @Test
    void twoVaultComputersAndACGitCloneEndByteIdenticalAndTheHubPassesFsckStrict() throws Exception {
        run(Long.getLong("vault.mixed.seed", 20261204L), 15);
    }

    /** The long run: more steps, another seed each time it is asked for with -Dvault.mixed.seed. */
    @Test
    @Tag("slow")
    void longMixedSequence() throws Exception {
        run(Long.getLong("vault.mixed.seed", 7L), 150);
    }

    private void run(long seed, int steps) throws Exception {
        assumeTrue(GitCli.available(), "C git is not installed");
        Random rnd = new Random(seed);
        git = new GitCli(tmp.resolve("git-home"));
        Path hub = tmp.resolve("hub.git");
        assertTrue(Hub.createIfMissing(hub.toString(), "main"));
        SyncEngine.Options o = new SyncEngine.Options().clock(clock);
        Client laptop = new Client("l-", WorkspaceSetup.init(tmp.resolve("laptop"), hub.toString(), "laptop", o).workspace, tmp.resolve("laptop"));
        Files.writeString(laptop.root.resolve(".gitattributes"), "* text=auto\n");
        laptop.sync();
        Client desktop = new Client("d-", WorkspaceSetup.join(hub.toString(), tmp.resolve("desktop"), "desktop",
                new SyncEngine.Options().clock(clock)).workspace, tmp.resolve("desktop"));
        git.run(tmp, "clone", "-q", hub.toString(), tmp.resolve("cgit").toString());
        Client cgit = new Client("c-", null, tmp.resolve("cgit"));
        List<Client> clients = List.of(laptop, desktop, cgit);
        try {
            // a scripted start makes sure every kind of change happens at least once, then chance decides
            int[][] script = {{2, 7}, {0, 1}, {0, 3}, {1, 0}, {1, 4}, {0, 3}, {2, 3}, {0, 5}, {1, 1}, {2, 0}, {0, 2}};
            for (int step = 0; step < steps; step++) {
                Client c = step < script.length ? clients.get(script[step][0]) : clients.get(rnd.nextInt(clients.size()));
                act(c, rnd, step, step < script.length ? script[step][1] : -1);
                c.sync();
            }
            for (int i = 0; i < 2; i++) {
                for (Client c : clients) {
                    c.sync();
                }
            }
            Map<String, String> expected = tree(laptop.root);
            assertEquals(expected, tree(desktop.root), "desktop vs laptop (seed " + seed + ")");
            assertEquals(expected, tree(cgit.root), "C git clone vs laptop (seed " + seed + ")");
            GitCli.Result fsck = git.tryRun(hub, null, "fsck", "--strict", "--no-dangling");
            assertEquals(0, fsck.exit, fsck.out);
            assertEquals("", fsck.out.strip(), "git fsck --strict on the hub");
            String hubTree = git.run(hub, "ls-tree", "-r", "--full-tree", "main");
            assertTrue(hubTree.contains("160000 commit"), "a gitlink travelled: " + hubTree);
            assertTrue(hubTree.contains("120000 blob"), "symlinks travelled: " + hubTree);
            assertTrue(hubTree.contains("100755 blob"), "exec bits travelled: " + hubTree);
        } finally {
            laptop.ws.close();
            desktop.ws.close();
        }
    }

    private void act(Client c, Random rnd, int step, int forced) throws IOException {
        int op = forced >= 0 ? forced : rnd.nextInt(c.ws == null ? 8 : 7);
        String name = c.prefix + step;
        switch (op) {
            case 0: // LF text, sometimes in a folder
                write(c, (rnd.nextBoolean() ? "sub/" : "") + name + ".txt", "line one\nline " + rnd.nextInt(1000) + "\n");
                break;
            case 1: // CRLF text under text=auto (C git would normalise its own new CRLF files, so vault writes these)
                if (c.ws != null) {
                    write(c, name + ".crlf.txt", "one\r\ntwo " + rnd.nextInt(1000) + "\r\n");
                } else {
                    write(c, name + ".md", "# " + step + "\n");
                }
                break;
            case 2: // edit one of its own files, keeping its line endings
                if (!c.files.isEmpty()) {
                    String f = c.files.get(rnd.nextInt(c.files.size()));
                    Path p = c.root.resolve(f);
                    String s = Files.readString(p, StandardCharsets.UTF_8);
                    Files.writeString(p, s + (s.contains("\r\n") ? "more " + step + "\r\n" : "more " + step + "\n"), StandardCharsets.UTF_8);
                }
                break;
            case 3: // a new link, or re-point one of its links
                if (!c.links.isEmpty() && (forced >= 0 || rnd.nextBoolean())) {
                    Path l = c.root.resolve(c.links.get(rnd.nextInt(c.links.size())));
                    Files.delete(l);
                    Files.createSymbolicLink(l, Path.of("target-" + step + (rnd.nextBoolean() ? ".txt" : "/../elsewhere")));
                } else {
                    Files.createSymbolicLink(c.root.resolve(name + ".link"), Path.of(c.files.isEmpty() ? "nowhere" : c.files.get(0)));
                    c.links.add(name + ".link");
                }
                break;
            case 4: // flip the exec bit of one of its files
                if (!c.files.isEmpty()) {
                    Path p = c.root.resolve(c.files.get(rnd.nextInt(c.files.size())));
                    p.toFile().setExecutable(!Files.isExecutable(p), false);
                }
                break;
            case 5: // an empty file
                write(c, name + ".empty", "");
                break;
            case 6: // delete one of its files
                if (c.files.size() > 1) {
                    Files.delete(c.root.resolve(c.files.remove(rnd.nextInt(c.files.size()))));
                }
                break;
            default: // C git only: a gitlink (an uninitialised submodule: an empty folder in the clone)
                String sha = String.format("%040x", new java.math.BigInteger(1, ("gitlink" + step).getBytes(StandardCharsets.UTF_8)))
                        .substring(0, 40);
                Files.createDirectories(c.root.resolve(name + "-sub"));
                git.run(c.root, "update-index", "--add", "--cacheinfo", "160000," + sha + "," + name + "-sub");
                break;
        }
    }

    private static void write(Client c, String rel, String text) throws IOException {
        Path p = c.root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        c.files.add(rel);
    }

    /** Every file and link of a working tree (not .git, not empty folders): bytes, link target, exec bit. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.isEmpty() || rel.equals(".git") || rel.startsWith(".git/")) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] b = Files.readAllBytes(p);
                    m.put(rel, (Files.isExecutable(p) ? "exec " : "file ") + b.length + " "
                            + new String(b, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n"));
                }
            }
        }
        return m;
    }
}
