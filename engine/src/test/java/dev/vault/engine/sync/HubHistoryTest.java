package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.fixtures.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's history only moves forward: when a hub loses commits a workspace had sent (its branch reset
 * with C git, the hub folder restored from an old copy, a forced push of other history, the branch
 * deleted), the next round notices, sends them again, keeps every local file and says who moved the
 * branch; a hub made by C git whose HEAD names {@code master} works, and C git clones see vault's work.
 */
class HubHistoryTest {
    @TempDir
    Path tmp;
    Computers net;
    Computers.Computer laptop;
    Computers.Computer desktop;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(GitCli.available(), "the git command is not installed");
        net = new Computers(tmp);
        laptop = net.join("laptop");
        desktop = net.join("desktop");
    }

    @Test
    void hubBranchResetByCGitIsNoticedReportedAndResent() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        String first = git(net.hub, "rev-parse", "refs/heads/main").strip();
        laptop.write("b.txt", "b\n");
        assertTrue(laptop.sync().pushed);

        git(net.hub, "update-ref", "-m", "reset by hand", "refs/heads/main", first);

        WorkspaceStatus.Report st = WorkspaceStatus.compute(laptop.ws, true);
        assertNotNull(st.hubWentBack, "status --json shows the hub went back before the next round");
        assertEquals("went-back", st.hubWentBack.kind);
        assertEquals(1, st.hubWentBack.lostCommits);
        assertTrue(st.hubWentBack.movedBy.startsWith("Mallory"), st.hubWentBack.movedBy);
        assertEquals("reset by hand", st.hubWentBack.how);
        assertFalse(st.hubWentBack.resent);

        SyncResult r = laptop.sync();
        assertNotNull(r.hubWentBack, r.summary());
        assertTrue(r.hubWentBack.resent);
        assertTrue(r.pushed);
        assertEquals(ExitCodes.WARNINGS, r.exitCode());
        assertTrue(r.summary().contains("the hub lost 1 commit this computer had sent"), r.summary());
        assertTrue(r.summary().contains("went back to " + first.substring(0, 10)), r.summary());
        assertTrue(r.summary().contains("last moved by Mallory"), r.summary());
        assertTrue(r.summary().contains("they were sent again"), r.summary());
        assertEquals("b\n", hubFile("b.txt"));

        WorkspaceStatus.Report after = WorkspaceStatus.compute(laptop.ws, true);
        assertNotNull(after.hubWentBack, "the last time it happened stays in status");
        assertTrue(after.hubWentBack.resent);
        assertEquals(r.hubWentBack.sent, StatusFile.read(laptop.ws).hubWentBack.sent);
        assertNull(laptop.sync().hubWentBack, "once resent, the next round finds nothing missing");

        desktop.sync();
        assertEquals("b\n", desktop.read("b.txt"));
    }

    @Test
    void hubFolderRestoredFromAnOldCopyGetsTheCommitsAgain() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        Path backup = tmp.resolve("hub-backup.git");
        copyTree(net.hub, backup);
        laptop.write("b.txt", "b\n");
        laptop.sync();
        laptop.write("c.txt", "c\n");
        laptop.sync();

        deleteTree(net.hub);
        copyTree(backup, net.hub);

        SyncResult r = laptop.sync();
        assertNotNull(r.hubWentBack, r.summary());
        assertEquals("went-back", r.hubWentBack.kind);
        assertEquals(2, r.hubWentBack.lostCommits);
        assertTrue(r.hubWentBack.movedBy.startsWith("laptop"), "the restored reflog says who moved it last: " + r.hubWentBack.movedBy);
        assertEquals("b\n", hubFile("b.txt"));
        assertEquals("c\n", hubFile("c.txt"));
        assertEquals("", git(net.hub, "fsck", "--strict", "--no-progress").strip());
    }

    @Test
    void forcedPushOfOtherHistoryKeepsEveryLocalFile() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        laptop.write("b.txt", "b\n");
        laptop.sync();
        // another Git client replaces the branch with unrelated history
        Path clone = tmp.resolve("other-client");
        git(tmp, "clone", "-q", net.hub.toString(), clone.toString());
        git(clone, "checkout", "-q", "--orphan", "rewrite");
        git(clone, "rm", "-q", "-r", "-f", ".");
        Files.writeString(clone.resolve("theirs.txt"), "theirs\n");
        git(clone, "add", "theirs.txt");
        git(clone, "commit", "-q", "-m", "rewrite history");
        git(clone, "push", "-q", "--force", "origin", "rewrite:main");

        SyncResult r = laptop.sync();
        assertNotNull(r.hubWentBack, r.summary());
        assertEquals("replaced", r.hubWentBack.kind);
        assertTrue(r.summary().contains("forced push"), r.summary());
        assertTrue(r.hubWentBack.movedBy.startsWith("Mallory"), r.hubWentBack.movedBy);
        assertEquals("a\n", laptop.read("a.txt"));
        assertEquals("b\n", laptop.read("b.txt"));
        assertEquals("theirs\n", laptop.read("theirs.txt"));
        assertEquals("a\n", hubFile("a.txt"));
        assertEquals("b\n", hubFile("b.txt"));
        assertEquals("theirs\n", hubFile("theirs.txt"));
    }

    @Test
    void hubWhoseBranchNamesALostPackGetsTheWholeHistoryAgain() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        List<Path> packsBefore = packs(net.hub);
        laptop.write("b.txt", "b\n");
        laptop.sync();
        // the drive kept the branch but lost the pack of the last push (no fsync on an older client)
        for (Path p : packs(net.hub)) {
            if (!packsBefore.contains(p)) {
                Files.delete(p);
            }
        }
        laptop.write("c.txt", "c\n");
        SyncResult r = laptop.sync();
        assertTrue(r.pushed, r.summary() + " / " + r.offlineReason);
        assertEquals("", git(net.hub, "fsck", "--strict", "--no-progress").strip());
        assertEquals("b\n", hubFile("b.txt"));
        assertEquals("c\n", hubFile("c.txt"));
        assertTrue(packs(net.hub).stream().noneMatch(p -> p.toString().endsWith(".keep")), "the push's pack lock is released");
    }

    private static List<Path> packs(Path hub) throws IOException {
        try (Stream<Path> s = Files.list(hub.resolve("objects").resolve("pack"))) {
            return s.sorted().collect(java.util.stream.Collectors.toList());
        }
    }

    @Test
    void twoComputersPushingAtTheSameTimeLoseNothing() throws Exception {
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (Computers.Computer c : List.of(laptop, desktop)) {
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < 8; i++) {
                        c.write(c.ws.computer() + "-" + i + ".txt", c.ws.computer() + " " + i + "\n");
                        try {
                            new SyncEngine(c.ws, new SyncEngine.Options().clock(java.time.Clock.systemUTC())).run();
                        } catch (dev.vault.engine.VaultException e) {
                            // in a tight loop one computer can lose the race five times; its work waits locally
                            if (!e.getMessage().contains("gave up after")) {
                                throw e;
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(errors.isEmpty(), errors.toString());
        laptop.sync();
        desktop.sync();
        Map<String, byte[]> hub = FileTrees.ofBranch(net.hub, "refs/heads/main");
        assertEquals(16, hub.size(), hub.keySet().toString());
        assertEquals("", FileTrees.diff(hub, FileTrees.ofFolder(laptop.root())));
        assertEquals("", FileTrees.diff(hub, FileTrees.ofFolder(desktop.root())));
    }

    @Test
    void deletedHubBranchIsSentAgain() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        git(net.hub, "update-ref", "-d", "refs/heads/main");
        SyncResult r = laptop.sync();
        assertNotNull(r.hubWentBack, r.summary());
        assertEquals("emptied", r.hubWentBack.kind);
        assertTrue(r.hubWentBack.resent);
        assertEquals("a\n", hubFile("a.txt"));
    }

    @Test
    void roundsThatOnlyReceiveReportNothing() {
        desktop.write("d.txt", "d\n");
        desktop.sync();
        laptop.write("a.txt", "a\n");
        assertNull(laptop.sync().hubWentBack);
        desktop.write("e.txt", "e\n");
        desktop.sync();
        SyncResult r = laptop.sync();
        assertNull(r.hubWentBack, r.summary());
        assertEquals(ExitCodes.OK, r.exitCode());
    }

    @Test
    void hubWhoseHeadIsMasterWorksForVaultAndForCGitClones() throws Exception {
        Path hub = tmp.resolve("c-git-hub.git");
        git(tmp, "-c", "init.defaultBranch=master", "init", "-q", "--bare", hub.toString());
        Path ws1 = tmp.resolve("ws1");
        Files.createDirectories(ws1);
        Files.writeString(ws1.resolve("notes.txt"), "from vault\n");
        WorkspaceSetup.Result init = WorkspaceSetup.init(ws1, hub.toString(), "laptop", new SyncEngine.Options().clock(net.clock));
        try (Workspace w1 = init.workspace) {
            assertFalse(init.hubCreated);
            assertEquals("master", w1.branch());
            assertTrue(init.sync.pushed, init.sync.summary());
            assertEquals("ref: refs/heads/master", Files.readString(hub.resolve("HEAD")).strip(), "vault leaves the hub's HEAD alone");

            Path clone = tmp.resolve("c-git-clone");
            git(tmp, "clone", "-q", hub.toString(), clone.toString());
            assertEquals("from vault\n", Files.readString(clone.resolve("notes.txt")));
            assertEquals("master", git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip());

            WorkspaceSetup.Result join = WorkspaceSetup.join(hub.toString(), tmp.resolve("ws2"), "desktop", new SyncEngine.Options().clock(net.clock));
            try (Workspace w2 = join.workspace) {
                assertEquals("master", w2.branch());
                assertEquals("from vault\n", Files.readString(w2.root().resolve("notes.txt")));

                Files.writeString(clone.resolve("from-git.txt"), "from C git\n");
                git(clone, "add", "from-git.txt");
                git(clone, "commit", "-q", "-m", "from C git");
                git(clone, "push", "-q", "origin", "master");
                new SyncEngine(w2, new SyncEngine.Options().clock(net.clock)).run();
                assertEquals("from C git\n", Files.readString(w2.root().resolve("from-git.txt")));
                Files.writeString(w2.root().resolve("back.txt"), "back\n");
                new SyncEngine(w2, new SyncEngine.Options().clock(net.clock)).run();
                git(clone, "pull", "-q", "--ff-only");
                assertEquals("back\n", Files.readString(clone.resolve("back.txt")));
                assertEquals("", git(hub, "for-each-ref", "refs/heads/main").strip(), "no stray main branch");
            }
        }
    }

    @Test
    void workspacesFollowWhenTheHubsHeadNamesAnotherBranch() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.sync();
        desktop.sync();
        git(net.hub, "symbolic-ref", "HEAD", "refs/heads/master");

        laptop.write("b.txt", "b\n");
        SyncResult r = laptop.sync();
        assertEquals("master", laptop.ws.branch());
        assertTrue(r.summary().contains("now syncing branch master"), r.summary());
        assertEquals("main -> master", r.branchSwitched);
        assertNull(r.hubWentBack, "switching branches is not a hub that went back");
        assertEquals(git(net.hub, "rev-parse", "refs/heads/master").strip(), laptop.ws.repository().resolve("HEAD").name());

        desktop.write("d.txt", "d\n");
        SyncResult d = desktop.sync();
        assertEquals("master", desktop.ws.branch(), d.summary());
        assertNull(d.hubWentBack, d.summary());
        assertEquals("b\n", desktop.read("b.txt"));
        laptop.sync();
        assertEquals("d\n", laptop.read("d.txt"));
        Path clone = tmp.resolve("c-git-clone");
        git(tmp, "clone", "-q", net.hub.toString(), clone.toString());
        for (String f : List.of("a.txt", "b.txt", "d.txt")) {
            assertTrue(Files.exists(clone.resolve(f)), f + " in a C git clone");
        }
    }

    private String hubFile(String path) {
        String branch = laptop.ws.branch();
        Map<String, byte[]> t = FileTrees.ofBranch(net.hub, "refs/heads/" + branch);
        byte[] b = t.get(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Runs C git in {@code dir} with no user or system config, as "Mallory"; returns its output, fails on a non-zero exit. */
    String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("HOME", tmp.toString());
        env.put("XDG_CONFIG_HOME", tmp.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "Mallory");
        env.put("GIT_AUTHOR_EMAIL", "mallory@example.org");
        env.put("GIT_COMMITTER_NAME", "Mallory");
        env.put("GIT_COMMITTER_EMAIL", "mallory@example.org");
        if (Files.isDirectory(dir.resolve("objects")) && Files.isRegularFile(dir.resolve("HEAD"))) {
            env.put("GIT_DIR", dir.toString());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertEquals(0, code, "git " + String.join(" ", args) + " failed: " + out);
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
