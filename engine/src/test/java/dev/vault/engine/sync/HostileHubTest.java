package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hub is untrusted input: trees built with C git's plumbing (names no Git porcelain would make)
 * are written straight into the hub, and two computers sync them. Nothing may be written outside
 * the workspace, no hook planted, and both computers keep syncing.
 */
class HostileHubTest {
    @TempDir
    Path tmp;
    Computers net;
    Computers.Computer laptop;
    Computers.Computer desktop;
    GitCli git;
    String payload;

    @BeforeEach
    void setUp() {
        assumeTrue(GitCli.available(), "C git is not installed");
        net = new Computers(tmp);
        laptop = net.join("laptop");
        desktop = net.join("desktop");
        git = new GitCli(tmp.resolve("git-home"));
        laptop.write("readme.txt", "hello\n");
        laptop.sync();
        desktop.sync();
        payload = git.blob(net.hub, "pwned\n".getBytes(StandardCharsets.UTF_8));
    }

    /** Every file and link under the temp dir that is not inside a workspace, the hub or git's home. */
    private TreeSet<String> outside() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> !p.equals(tmp))
                    .map(p -> tmp.relativize(p).toString())
                    .filter(p -> !p.startsWith("laptop") && !p.startsWith("desktop") && !p.startsWith("third")
                            && !p.startsWith("hub.git") && !p.startsWith("git-home"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> hooks(Computers.Computer c) throws IOException {
        Path hooks = c.ws.gitDir().resolve("hooks");
        if (!Files.isDirectory(hooks)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(hooks)) {
            return s.filter(p -> !Files.isDirectory(p) && !p.toString().endsWith(".sample")).map(Path::toString)
                    .collect(Collectors.toList());
        }
    }

    /** A tree holding {@code leaf} (a file named "pwned.txt" or given entry lines) at the end of {@code folders}. */
    private String nest(String[] folders, String leafEntries) {
        String tree = git.mktree(net.hub, leafEntries);
        for (int i = folders.length - 1; i >= 0; i--) {
            tree = git.mktree(net.hub, GitCli.entry("040000", tree, folders[i]));
        }
        return tree;
    }

    /** Commits, as "mallory", the hub's current tree plus the given extra root entries, and moves main to it. */
    private String pushHostile(String... extraRootEntries) {
        String tip = git.run(net.hub, "rev-parse", "refs/heads/main");
        List<String> entries = new ArrayList<>(git.lsTree(net.hub, tip));
        entries.addAll(List.of(extraRootEntries));
        String tree = git.mktree(net.hub, entries.toArray(new String[0]));
        String commit = git.commitTree(net.hub, tree, tip, "hostile");
        git.run(net.hub, "update-ref", "refs/heads/main", commit, tip);
        return commit;
    }

    private String file(String name) {
        return GitCli.entry("100644", payload, name);
    }

    /** The hostile root entry for one named attack. */
    private String attack(String name) {
        switch (name) {
            case "dotdot":
                return GitCli.entry("040000", nest(new String[0], file("escaped.txt")), "..");
            case "dotdot-deep":
                return GitCli.entry("040000", nest(new String[] {"..", ".."}, file("escaped-deep.txt")), "docs");
            case "dot":
                return GitCli.entry("040000", nest(new String[0], file("dot.txt")), ".");
            case "empty":
                return GitCli.entry("040000", nest(new String[0], file("empty-name.txt")), "");
            case "dotgit-hook":
                return GitCli.entry("040000", nest(new String[] {"hooks"}, GitCli.entry("100755", hookScript(), "post-checkout")), ".git");
            case "dotgit-case":
                return GitCli.entry("040000", nest(new String[] {"hooks"}, GitCli.entry("100755", hookScript(), "pre-commit")), ".GiT");
            case "dotgit-ntfs":
                return GitCli.entry("040000", nest(new String[] {"hooks"}, GitCli.entry("100755", hookScript(), "pre-push")), "git~1");
            case "dotgit-trailing":
                return GitCli.entry("040000", nest(new String[] {"hooks"}, GitCli.entry("100755", hookScript(), "pre-rebase")), ".git. .");
            case "dotgit-hfs":
                return GitCli.entry("040000", nest(new String[] {"hooks"}, GitCli.entry("100755", hookScript(), "pre-merge-commit")), ".g\u200cit");
            case "dotgit-config":
                return GitCli.entry("040000", nest(new String[0], file("config")), ".gIT ");
            case "backslash":
                return file("..\\..\\escaped-backslash.txt");
            case "gitlink":
                return GitCli.entry("160000", "1234567890123456789012345678901234567890", "vendor");
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private String hookScript() {
        return git.blob(net.hub, ("#!/bin/sh\ntouch " + tmp.resolve("HOOK-RAN") + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static final String[] ATTACKS = {"dotdot", "dotdot-deep", "dot", "empty", "dotgit-hook", "dotgit-case", "dotgit-ntfs",
            "dotgit-trailing", "dotgit-hfs", "dotgit-config", "backslash", "gitlink"};

    @ParameterizedTest
    @ValueSource(strings = {"dotdot", "dotdot-deep", "dot", "empty", "dotgit-hook", "dotgit-case", "dotgit-ntfs",
            "dotgit-trailing", "dotgit-hfs", "dotgit-config", "backslash", "gitlink"})
    void eachBadEntryAloneIsRefusedAndSyncGoesOn(String attack) throws Exception {
        survives(true, attack);
    }

    @Test
    void allBadEntriesTogetherAreRefusedAndSyncGoesOn() throws Exception {
        survives(false, ATTACKS);
    }

    /** {@code mergeFirst}: the computer with local changes (a merge) meets the bad entries first, else the idle one (a fast-forward). */
    private void survives(boolean mergeFirst, String... attacks) throws Exception {
        TreeSet<String> before = outside();
        String configBefore = Files.readString(laptop.ws.gitDir().resolve("config"));
        List<String> entries = new ArrayList<>();
        for (String a : attacks) {
            entries.add(attack(a));
        }
        String hostile = pushHostile(entries.toArray(new String[0]));
        desktop.write("local-edit.txt", "desktop was busy\n"); // the desktop merges, the laptop fast-forwards

        SyncResult first = mergeFirst ? desktop.sync() : laptop.sync();
        SyncResult second = mergeFirst ? laptop.sync() : desktop.sync();
        assertTrue(second.notCheckedOut.stream().allMatch(rec -> rec.kept), "unsafe entries are gone from the hub after the first computer");
        for (SyncResult r : List.of(first)) {
            assertFalse(r.notCheckedOut.isEmpty(), "the bad entries are reported: " + r.summary());
            for (NotCheckedOut.Record rec : r.notCheckedOut) {
                assertEquals(hostile.substring(0, 10), rec.commit, rec.describe());
                assertEquals("mallory", rec.author, rec.describe());
            }
            assertTrue(r.summary().contains("from the hub not written"), r.summary());
        }
        assertEquals(before, outside(), "nothing written outside the workspaces");
        assertFalse(Files.exists(tmp.resolve("HOOK-RAN")), "no hook ran");
        assertEquals(List.of(), hooks(laptop));
        assertEquals(List.of(), hooks(desktop));
        assertEquals(configBefore, Files.readString(laptop.ws.gitDir().resolve("config")), ".git/config untouched");
        for (Computers.Computer c : List.of(laptop, desktop)) {
            assertFalse(Files.exists(c.root().resolve("vendor"), LinkOption.NOFOLLOW_LINKS), "gitlink not checked out");
            assertFalse(Files.exists(c.root().resolve("dot.txt")));
            assertFalse(Files.exists(c.root().resolve("empty-name.txt")));
            assertFalse(Files.exists(c.root().resolve("..\\..\\escaped-backslash.txt")));
            assertEquals("hello\n", c.read("readme.txt"));
        }
        Computers.Computer met = mergeFirst ? desktop : laptop;
        assertEquals(first.notCheckedOut.size(), NotCheckedOut.read(met.ws).size());
        assertTrue(first.notCheckedOut.size() >= attacks.length, first.summary());
        assertEquals(first.notCheckedOut.size(), WorkspaceStatus.compute(met.ws, false).notCheckedOut.size(), "vault status lists them too");

        // both keep syncing, and a normal edit travels both ways
        laptop.sync();
        desktop.sync();
        laptop.write("after.txt", "still syncing\n");
        laptop.sync();
        SyncResult d2 = desktop.sync();
        assertEquals("still syncing\n", desktop.read("after.txt"));
        assertEquals("desktop was busy\n", laptop.sync().outcome == SyncResult.Outcome.UP_TO_DATE
                ? laptop.read("local-edit.txt") : laptop.read("local-edit.txt"));
        desktop.write("after.txt", "edited on the desktop\n");
        desktop.sync();
        laptop.sync();
        assertEquals("edited on the desktop\n", laptop.read("after.txt"));
        assertEquals(0, WorkspaceStatus.compute(laptop.ws, false).uncommitted(), "nothing looks deleted");
        assertEquals(0, WorkspaceStatus.compute(desktop.ws, false).uncommitted(), "nothing looks deleted");
        assertNotNull(d2);

        // what is unsafe everywhere is gone from the hub's files; what is only not checkable-out here stays in Git
        String tipTree = git.run(net.hub, "ls-tree", "-r", "--full-tree", "refs/heads/main");
        for (String line : git.run(net.hub, "ls-tree", "-r", "-z", "--name-only", "--full-tree", "refs/heads/main").split("\0")) {
            PathValidator.Problem pr = PathValidator.forThisSystem().check(line);
            assertTrue(pr == null || !pr.unsafe, line + ": " + pr);
        }
        for (String a : attacks) {
            if (a.equals("gitlink")) {
                assertTrue(tipTree.contains("160000 commit 1234567890123456789012345678901234567890\tvendor"), tipTree);
            }
            if (a.equals("backslash")) {
                assertTrue(tipTree.contains("escaped-backslash.txt"), tipTree);
            }
        }
        assertFalse(tipTree.contains("hooks/"), tipTree);

        // a new computer can still join
        Computers.Computer third = net.join("third");
        assertEquals("edited on the desktop\n", third.read("after.txt"));
        assertEquals(before, outside(), "nothing written outside the workspaces");
        assertEquals(List.of(), hooks(third));
        assertEquals(0, WorkspaceStatus.compute(third.ws, false).uncommitted());
    }

    @Test
    void aFolderThatIsALinkHereIsNeverWrittenThrough() throws Exception {
        Path outsideDir = Files.createDirectories(tmp.resolve("outside-target"));
        TreeSet<String> before = outside();
        // on this computer "build" is an ignored link to a folder outside the workspace
        laptop.write(".gitignore", "build\n");
        laptop.sync();
        desktop.sync();
        Files.createSymbolicLink(laptop.path("build"), outsideDir);
        // another computer (here: a hostile tree) sends build/x and a deeper build/sub/y
        String hostile = pushHostile(GitCli.entry("040000", nest(new String[0], file("x") + GitCli.entry("040000",
                nest(new String[0], file("y")), "sub")), "build"));
        SyncResult r = laptop.sync();
        assertEquals(before, outside(), "nothing written through the link");
        try (Stream<Path> s = Files.list(outsideDir)) {
            assertEquals(0, s.count());
        }
        assertEquals(2, r.notCheckedOut.size(), r.summary());
        for (NotCheckedOut.Record rec : r.notCheckedOut) {
            assertTrue(rec.kept, rec.describe());
            assertTrue(rec.reason.contains("is a link on this computer"), rec.describe());
            assertEquals(hostile.substring(0, 10), rec.commit);
        }
        assertTrue(Files.isSymbolicLink(laptop.path("build")), "the user's link is left alone");
        // the entries stay in Git: the laptop's next commit does not delete them from the hub
        laptop.write("note.txt", "edit\n");
        laptop.sync();
        String tip = git.run(net.hub, "ls-tree", "-r", "--name-only", "--full-tree", "refs/heads/main");
        assertTrue(tip.contains("build/x") && tip.contains("build/sub/y") && tip.contains("note.txt"), tip);
        assertEquals(0, WorkspaceStatus.compute(laptop.ws, false).uncommitted());
        desktop.sync();
        assertEquals("pwned\n", desktop.read("build/x"), "a computer without the link gets the files");
    }

    @Test
    void namesWindowsCannotHoldStayInGitAndAreNotWrittenOnWindows() throws Exception {
        pushHostile(file("aux.txt"), file("a:b.txt"), file("trailing."), GitCli.entry("040000", nest(new String[0], file("ok.txt")), "CON"));
        SyncEngine.Options windows = new SyncEngine.Options().paths(new PathValidator(PathValidator.Flavour.WINDOWS));
        SyncResult r = laptop.sync(windows);
        assertEquals(4, r.notCheckedOut.size(), r.summary());
        assertTrue(r.notCheckedOut.stream().allMatch(rec -> rec.kept && rec.reason.contains("Windows")), r.summary());
        for (String p : List.of("aux.txt", "a:b.txt", "trailing.", "CON")) {
            assertFalse(Files.exists(laptop.path(p), LinkOption.NOFOLLOW_LINKS), p);
        }
        laptop.write("from-windows.txt", "hi\n");
        laptop.sync(new SyncEngine.Options().paths(new PathValidator(PathValidator.Flavour.WINDOWS)));
        assertEquals(0, WorkspaceStatus.compute(laptop.ws, false).uncommitted());
        String tip = git.run(net.hub, "ls-tree", "-r", "--name-only", "--full-tree", "refs/heads/main");
        for (String p : List.of("aux.txt", "a:b.txt", "trailing.", "CON/ok.txt", "from-windows.txt")) {
            assertTrue(tip.contains(p), p + " in " + tip);
        }
        desktop.sync(); // a Linux computer holds them all
        assertEquals("pwned\n", desktop.read("aux.txt"));
        assertEquals("pwned\n", desktop.read("CON/ok.txt"));
        assertEquals("hi\n", desktop.read("from-windows.txt"));
        // an edit of a name Windows cannot hold still reaches the Windows computer's Git, and is still not written there
        desktop.write("aux.txt", "changed on linux\n");
        desktop.sync();
        SyncResult again = laptop.sync(new SyncEngine.Options().paths(new PathValidator(PathValidator.Flavour.WINDOWS)));
        assertEquals(1, again.notCheckedOut.size(), again.summary());
        assertFalse(Files.exists(laptop.path("aux.txt")));
        assertEquals(0, WorkspaceStatus.compute(laptop.ws, false).uncommitted());
    }

    @Test
    void aHubVaultCreatesRefusesUnsafeNamesFromCGitPushes() throws Exception {
        Path hub = tmp.resolve("made-by-vault.git");
        assertTrue(Hub.createIfMissing(hub.toString(), "main"));
        Path clone = tmp.resolve("git-home").resolve("clone");
        Files.createDirectories(clone);
        git.run(clone, "init", "-q", "-b", "main");
        git.run(clone, "commit", "-q", "--allow-empty", "-m", "first");
        git.run(clone, "push", "-q", hub.toString(), "main");
        String b = git.blob(clone.resolve(".git"), "x".getBytes(StandardCharsets.UTF_8));
        String hooks = git.mktree(clone.resolve(".git"), GitCli.entry("100755", b, "post-checkout"));
        String dotgit = git.mktree(clone.resolve(".git"), GitCli.entry("040000", hooks, "hooks"));
        String root = git.mktree(clone.resolve(".git"), GitCli.entry("040000", dotgit, ".git"));
        String c = git.commitTree(clone.resolve(".git"), root, git.run(clone, "rev-parse", "HEAD"), "evil");
        GitCli.Result push = git.tryRun(clone, null, "push", hub.toString(), c + ":refs/heads/main");
        assertTrue(push.exit != 0, push.out);
        assertTrue(push.out.toLowerCase().contains("dotgit"), push.out);
        assertFalse(git.run(hub, "rev-parse", "refs/heads/main").equals(c));
    }

    @Test
    void aDamagedObjectIsRefusedAtFetchAndNothingIsWritten() throws Exception {
        TreeSet<String> before = outside();
        // two entries with the same name: a tree no Git writes
        String dup = pushHostile(file("twice.txt"), GitCli.entry("100755", payload, "twice.txt"));
        VaultException e = assertThrows(VaultException.class, () -> laptop.sync());
        assertTrue(e.getMessage().contains("damaged Git object"), e.getMessage());
        assertFalse(Files.exists(laptop.path("twice.txt")));
        assertEquals(before, outside());
        assertFalse(laptop.ws.repository().getObjectDatabase().has(org.eclipse.jgit.lib.ObjectId.fromString(dup)));
    }
}
