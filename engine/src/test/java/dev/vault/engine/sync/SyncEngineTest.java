package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.VaultException;
import dev.vault.fixtures.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncEngineTest {
    @TempDir
    Path tmp;
    Computers net;
    Computers.Computer laptop;
    Computers.Computer desktop;

    @BeforeEach
    void setUp() {
        net = new Computers(tmp);
        laptop = net.join("laptop");
        desktop = net.join("desktop");
    }

    private void assertAllEqualHub() {
        Map<String, byte[]> hub = FileTrees.ofBranch(net.hub, "refs/heads/main");
        assertEquals("", FileTrees.diff(hub, FileTrees.ofFolder(laptop.root())), "laptop vs hub");
        assertEquals("", FileTrees.diff(hub, FileTrees.ofFolder(desktop.root())), "desktop vs hub");
    }

    private List<String> files(Computers.Computer c) {
        return FileTrees.ofFolder(c.root()).keySet().stream().collect(Collectors.toList());
    }

    @Test
    void changeOnOneComputerArrivesOnTheOther() {
        laptop.write("notes.txt", "hello\n");
        SyncResult r = laptop.sync();
        assertEquals(1, r.added);
        assertTrue(r.pushed);
        SyncResult d = desktop.sync();
        assertEquals(1, d.received);
        assertEquals("hello\n", desktop.read("notes.txt"));
        assertAllEqualHub();
    }

    @Test
    void noChangeRoundIsUpToDate() {
        laptop.write("a.txt", "a");
        laptop.sync();
        SyncResult r = laptop.sync();
        assertEquals(SyncResult.Outcome.UP_TO_DATE, r.outcome);
        assertEquals("up to date", r.summary());
    }

    @Test
    void conflictingEditsKeepBothVersions() {
        laptop.write("notes.txt", "base\n");
        laptop.sync();
        desktop.sync();
        laptop.write("notes.txt", "laptop version\n");
        desktop.write("notes.txt", "desktop version\n");
        laptop.sync();
        SyncResult r = desktop.sync();
        assertEquals(1, r.conflicts.size());
        String copy = r.conflicts.get(0).copy;
        assertTrue(copy.matches("notes\\.conflict-desktop-\\d{8}-\\d{6}\\.txt"), copy);
        assertEquals("laptop version\n", desktop.read("notes.txt"));
        assertEquals("desktop version\n", desktop.read(copy));
        laptop.sync();
        assertEquals("desktop version\n", laptop.read(copy));
        assertAllEqualHub();
    }

    @Test
    void nonOverlappingTextEditsMerge() {
        laptop.write("list.txt", "one\ntwo\nthree\nfour\nfive\nsix\n");
        laptop.sync();
        desktop.sync();
        laptop.write("list.txt", "ONE\ntwo\nthree\nfour\nfive\nsix\n");
        desktop.write("list.txt", "one\ntwo\nthree\nfour\nfive\nSIX\n");
        laptop.sync();
        SyncResult r = desktop.sync();
        assertTrue(r.conflicts.isEmpty());
        assertEquals("ONE\ntwo\nthree\nfour\nfive\nSIX\n", desktop.read("list.txt"));
        laptop.sync();
        assertAllEqualHub();
    }

    @Test
    void deleteVersusEditKeepsTheEditEitherWay() {
        laptop.write("a.txt", "a\n");
        laptop.write("b.txt", "b\n");
        laptop.write("keep.txt", "k\n");
        laptop.sync();
        desktop.sync();
        laptop.delete("a.txt");
        desktop.write("a.txt", "a edited on desktop\n");
        laptop.write("b.txt", "b edited on laptop\n");
        desktop.delete("b.txt");
        laptop.sync();
        desktop.sync();
        laptop.sync();
        assertEquals("a edited on desktop\n", laptop.read("a.txt"));
        assertEquals("b edited on laptop\n", desktop.read("b.txt"));
        assertAllEqualHub();
    }

    @Test
    void renameVersusEditKeepsTheEdit() {
        laptop.write("doc.txt", "original\n");
        laptop.sync();
        desktop.sync();
        laptop.rename("doc.txt", "renamed.txt");
        desktop.write("doc.txt", "edited\n");
        laptop.sync();
        desktop.sync();
        laptop.sync();
        assertEquals("edited\n", laptop.read("doc.txt"));
        assertEquals("original\n", laptop.read("renamed.txt"));
        assertAllEqualHub();
    }

    @Test
    void bothCreatingTheSamePathKeepsBoth() {
        laptop.write("todo.md", "laptop todo\n");
        desktop.write("todo.md", "desktop todo\n");
        laptop.sync();
        SyncResult r = desktop.sync();
        assertEquals(1, r.conflicts.size());
        assertEquals("laptop todo\n", desktop.read("todo.md"));
        assertEquals("desktop todo\n", desktop.read(r.conflicts.get(0).copy));
        laptop.sync();
        assertAllEqualHub();
    }

    @Test
    void binaryConflictKeepsBoth() {
        laptop.write("pic.bin", new byte[] {0, 1, 2, 3});
        laptop.sync();
        desktop.sync();
        laptop.write("pic.bin", new byte[] {0, 9, 9, 3});
        desktop.write("pic.bin", new byte[] {0, 1, 2, 3, 4, 0});
        laptop.sync();
        SyncResult r = desktop.sync();
        assertEquals(1, r.conflicts.size());
        laptop.sync();
        assertAllEqualHub();
    }

    @Test
    void fileVersusFolderKeepsBoth() {
        laptop.write("x", "a file\n");
        desktop.write("x/inside.txt", "a folder\n");
        laptop.sync();
        SyncResult r = desktop.sync();
        assertEquals(1, r.conflicts.size(), r.summary());
        laptop.sync();
        assertEquals("a folder\n", laptop.read("x/inside.txt"));
        assertEquals("a file\n", laptop.read(r.conflicts.get(0).copy));
        assertAllEqualHub();
    }

    @Test
    void ignoredAndOversizeFilesAreNotSynced() throws Exception {
        laptop.write(".DS_Store", "junk");
        laptop.write("draft.tmp", "junk");
        laptop.write(".gitignore", "build/\n");
        laptop.write("build/out.o", "junk");
        laptop.ws.config().section("workspace", null).set("max-file-size", "1KiB");
        laptop.ws.config().save();
        laptop.write("big.bin", new byte[4096]);
        laptop.write("small.txt", "ok");
        SyncResult r = laptop.sync();
        assertEquals(1, r.skipped.size());
        assertEquals("big.bin", r.skipped.get(0).path);
        desktop.sync();
        assertEquals(List.of(".gitignore", "small.txt"), files(desktop));
        assertTrue(r.summary().contains("too big"), r.summary());
    }

    @Test
    void detachedHeadPausesSync() throws Exception {
        laptop.write("a.txt", "a");
        laptop.sync();
        var repo = laptop.ws.repository();
        var ru = repo.updateRef("HEAD", true);
        ru.setNewObjectId(repo.resolve("HEAD"));
        ru.forceUpdate();
        VaultException e = assertThrows(VaultException.class, laptop::sync);
        assertTrue(e.getMessage().startsWith("sync paused"), e.getMessage());
        assertTrue(e.getMessage().contains("detached"), e.getMessage());
        assertEquals("paused", StatusFile.read(laptop.ws).lastResult);
    }

    @Test
    void massDeletePausesUnlessAllowed() throws Exception {
        for (int i = 0; i < 12; i++) {
            laptop.write("f" + i + ".txt", "x" + i);
        }
        laptop.sync();
        for (int i = 0; i < 10; i++) {
            laptop.delete("f" + i + ".txt");
        }
        VaultException e = assertThrows(VaultException.class, laptop::sync);
        assertTrue(e.getMessage().contains("--allow-mass-delete"), e.getMessage());
        assertEquals(12, FileTrees.ofBranch(net.hub, "refs/heads/main").size());
        SyncResult r = laptop.sync(new SyncEngine.Options().allowMassDelete(true));
        assertEquals(10, r.deleted);
        assertEquals(2, FileTrees.ofBranch(net.hub, "refs/heads/main").size());
    }

    @Test
    void aHubMovedAwayIsMissingNotOfflineAndWorkWaits() throws Exception {
        laptop.write("a.txt", "a");
        laptop.sync();
        Path moved = tmp.resolve("hub-away.git");
        Files.move(net.hub, moved); // the folder around the hub is still there: moved, not unplugged
        laptop.write("b.txt", "b");
        SyncResult r = laptop.sync();
        assertEquals(SyncResult.Outcome.HUB_MISSING, r.outcome);
        assertEquals(dev.vault.engine.ExitCodes.NO_REPOSITORY, r.exitCode());
        assertEquals(1, r.waiting);
        assertTrue(r.summary().startsWith("hub-missing: hub " + net.hub + " is not there"), r.summary());
        Files.move(moved, net.hub);
        SyncResult back = laptop.sync();
        assertTrue(back.pushed);
        desktop.sync();
        assertEquals("b", desktop.read("b.txt"));
    }

    @Test
    void joinIntoFolderWithFilesMergesThemNeverDeletes() {
        laptop.write("shared.txt", "from laptop\n");
        laptop.write("only-laptop.txt", "L\n");
        laptop.sync();
        Path third = tmp.resolve("third");
        try {
            Files.createDirectories(third);
            Files.writeString(third.resolve("shared.txt"), "from third\n");
            Files.writeString(third.resolve("mine.txt"), "M\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        WorkspaceSetup.Result r = WorkspaceSetup.join(net.hub.toString(), third, "third", new SyncEngine.Options().clock(net.clock));
        assertEquals(1, r.sync.conflicts.size());
        Map<String, byte[]> files = FileTrees.ofFolder(third);
        assertEquals("from laptop\n", new String(files.get("shared.txt")));
        assertEquals("from third\n", new String(files.get(r.sync.conflicts.get(0).copy)));
        assertTrue(files.containsKey("mine.txt"));
        assertTrue(files.containsKey("only-laptop.txt"));
        r.workspace.close();
    }

    @Test
    void twoRoundsAtOnceAreRefused() {
        try (WorkspaceLock held = WorkspaceLock.acquire(laptop.ws)) {
            VaultException e = assertThrows(VaultException.class, laptop::sync);
            assertEquals(11, e.exitCode());
            assertTrue(e.getMessage().contains("another vault process (pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
    }

    @Test
    void leftoverLocksAndMergeStateAreRepaired() throws Exception {
        laptop.write("a.txt", "a");
        laptop.sync();
        Path git = laptop.ws.gitDir();
        Files.writeString(git.resolve("index.lock"), "stale");
        Files.writeString(git.resolve("MERGE_HEAD"), "0000000000000000000000000000000000000000\n");
        Files.createDirectories(git.resolve("refs/heads"));
        Files.writeString(git.resolve("refs/heads/main.lock"), "stale");
        laptop.write("b.txt", "b");
        SyncResult r = laptop.sync();
        assertTrue(r.pushed);
        assertFalse(Files.exists(git.resolve("index.lock")));
        assertFalse(Files.exists(git.resolve("MERGE_HEAD")));
        desktop.sync();
        assertEquals("b", desktop.read("b.txt"));
    }

    @Test
    void fileWrittenWhileTheRoundRunsIsNeverOverwritten() {
        laptop.write("notes.txt", "v1\n");
        laptop.write("other.txt", "o1\n");
        laptop.sync();
        desktop.sync();
        laptop.write("notes.txt", "v2 from laptop\n");
        laptop.write("other.txt", "o2 from laptop\n");
        laptop.sync();
        SyncEngine.Options o = new SyncEngine.Options();
        o.beforeWorkingTreeUpdate = () -> desktop.write("notes.txt", "typed on desktop during the round\n");
        SyncResult r = desktop.sync(o);
        assertEquals(List.of("notes.txt"), r.keptLocal);
        assertEquals("typed on desktop during the round\n", desktop.read("notes.txt"));
        assertEquals("o2 from laptop\n", desktop.read("other.txt"), "files not touched meanwhile are updated");
        List<String> copies = files(desktop).stream().filter(f -> f.contains(".conflict-hub-")).collect(Collectors.toList());
        assertEquals(1, copies.size(), files(desktop).toString());
        assertEquals("v2 from laptop\n", desktop.read(copies.get(0)));
        desktop.sync();
        laptop.sync();
        assertEquals("typed on desktop during the round\n", laptop.read("notes.txt"));
        assertEquals("v2 from laptop\n", laptop.read(copies.get(0)));
        assertAllEqualHub();
    }

    @Test
    void indexLeftMidMergeByGitIsRebuiltAndFilesOnDiskCommitted() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.write("b.txt", "b\n");
        laptop.sync();
        var repo = laptop.ws.repository();
        var dc = repo.lockDirCache();
        var b = dc.builder();
        var blob = repo.resolve("HEAD:a.txt");
        for (int stage = 1; stage <= 3; stage++) {
            var e = new org.eclipse.jgit.dircache.DirCacheEntry("a.txt", stage);
            e.setFileMode(org.eclipse.jgit.lib.FileMode.REGULAR_FILE);
            e.setObjectId(blob);
            b.add(e);
        }
        b.commit();
        Files.writeString(laptop.ws.gitDir().resolve("MERGE_HEAD"), repo.resolve("HEAD").name() + "\n");
        laptop.write("a.txt", "a as the user left it\n");
        SyncResult r = laptop.sync();
        assertEquals(1, r.changed, r.summary());
        desktop.sync();
        assertEquals("a as the user left it\n", desktop.read("a.txt"));
        assertEquals("b\n", desktop.read("b.txt"));
        assertAllEqualHub();
    }

    @Test
    void staleRefLockLeftInTheHubByAKilledPushIsCleared() throws Exception {
        laptop.write("a.txt", "a");
        laptop.sync();
        Path lock = net.hub.resolve("refs/heads/main.lock");
        Files.writeString(lock, "0000000000000000000000000000000000000000\n");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        laptop.write("b.txt", "b");
        SyncResult r = laptop.sync();
        assertTrue(r.pushed, r.summary());
        assertFalse(Files.exists(lock));
        desktop.sync();
        assertEquals("b", desktop.read("b.txt"));
    }
}
