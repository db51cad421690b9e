package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes and file types arrive exactly: no line-ending conversion, links stay links, the exec bit and empty files travel. */
class ExactBytesTest {
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The mode and bytes of {@code path} on the hub's main branch. */
    private Object[] onHub(String path) throws Exception {
        try (Repository hub = new FileRepositoryBuilder().setGitDir(net.hub.toFile()).build();
                TreeWalk tw = TreeWalk.forPath(hub, path, hub.resolve("refs/heads/main^{tree}"))) {
            return new Object[] {tw.getFileMode(0), hub.open(tw.getObjectId(0), Constants.OBJ_BLOB).getBytes()};
        }
    }

    @Test
    void crlfFilesUnderTextAutoArriveByteForByteAndEditsAreNotReverted() throws Exception {
        laptop.write(".gitattributes", "* text=auto\n*.txt eol=lf\n");
        byte[] v1 = bytes("one\r\ntwo\r\n");
        laptop.write("win.txt", v1);
        laptop.sync();
        assertArrayEquals(v1, (byte[]) onHub("win.txt")[1], "the hub holds the saved bytes");
        desktop.sync();
        assertArrayEquals(v1, Files.readAllBytes(desktop.path("win.txt")));

        byte[] v2 = bytes("one\r\nTWO edited on the desktop\r\n");
        desktop.write("win.txt", v2);
        desktop.sync();
        SyncResult r = laptop.sync();
        assertArrayEquals(v2, Files.readAllBytes(laptop.path("win.txt")), "the incoming edit is not reverted");
        assertTrue(r.conflicts.isEmpty() && r.keptLocal.isEmpty(), r.summary());
        assertEquals(SyncResult.Outcome.UP_TO_DATE, laptop.sync().outcome);
        assertEquals(SyncResult.Outcome.UP_TO_DATE, desktop.sync().outcome);
        assertEquals(List.of(), Conflicts.list(laptop.ws));
        assertArrayEquals(v2, (byte[]) onHub("win.txt")[1]);

        byte[] mixed = bytes("lf\nthen crlf\r\nlone cr\rend");
        laptop.write("mixed.txt", mixed);
        laptop.sync();
        desktop.sync();
        assertArrayEquals(mixed, Files.readAllBytes(desktop.path("mixed.txt")));
    }

    @Test
    void aRepointedSymlinkArrivesAsASymlinkAndDoesNotSpreadBack() throws Exception {
        laptop.write("a.txt", "a\n");
        laptop.write("b.txt", "b\n");
        Files.createSymbolicLink(laptop.path("link"), Path.of("a.txt"));
        laptop.sync();
        desktop.sync();
        assertTrue(Files.isSymbolicLink(desktop.path("link")));
        assertEquals(Path.of("a.txt"), Files.readSymbolicLink(desktop.path("link")));

        Files.delete(laptop.path("link"));
        Files.createSymbolicLink(laptop.path("link"), Path.of("b.txt"));
        laptop.sync();
        SyncResult r = desktop.sync();
        assertEquals(1, r.received, r.summary());
        assertTrue(Files.isSymbolicLink(desktop.path("link")), "still a link");
        assertEquals(Path.of("b.txt"), Files.readSymbolicLink(desktop.path("link")));
        assertEquals(SyncResult.Outcome.UP_TO_DATE, desktop.sync().outcome, "nothing spreads back");
        assertEquals(FileMode.SYMLINK, onHub("link")[0]);
        assertArrayEquals(bytes("b.txt"), (byte[]) onHub("link")[1]);

        // a link turned into a file and back
        Files.delete(desktop.path("link"));
        desktop.write("link", "now a file\n");
        desktop.sync();
        laptop.sync();
        assertFalse(Files.isSymbolicLink(laptop.path("link")));
        assertEquals("now a file\n", laptop.read("link"));
        Files.delete(laptop.path("link"));
        Files.createSymbolicLink(laptop.path("link"), Path.of("a.txt"));
        laptop.sync();
        desktop.sync();
        assertEquals(Path.of("a.txt"), Files.readSymbolicLink(desktop.path("link")));
        assertEquals(SyncResult.Outcome.UP_TO_DATE, desktop.sync().outcome);
        assertEquals(SyncResult.Outcome.UP_TO_DATE, laptop.sync().outcome);
    }

    @Test
    void execBitAndEmptyFilesTravel() throws Exception {
        laptop.write("run.sh", "#!/bin/sh\necho hi\n");
        assertTrue(laptop.path("run.sh").toFile().setExecutable(true, false));
        laptop.write("empty.txt", new byte[0]);
        laptop.write("dir/also-empty", new byte[0]);
        laptop.sync();
        desktop.sync();
        assertTrue(Files.isExecutable(desktop.path("run.sh")));
        assertEquals(FileMode.EXECUTABLE_FILE, onHub("run.sh")[0]);
        assertEquals(0, Files.size(desktop.path("empty.txt")));
        assertEquals(0, Files.size(desktop.path("dir/also-empty")));
        assertTrue(Files.isRegularFile(desktop.path("empty.txt"), LinkOption.NOFOLLOW_LINKS));

        assertTrue(desktop.path("run.sh").toFile().setExecutable(false, false));
        desktop.sync();
        laptop.sync();
        assertFalse(Files.isExecutable(laptop.path("run.sh")));
        assertEquals(FileMode.REGULAR_FILE, onHub("run.sh")[0]);
        assertTrue(laptop.path("run.sh").toFile().setExecutable(true, false));
        laptop.sync();
        desktop.sync();
        assertTrue(Files.isExecutable(desktop.path("run.sh")));
        assertEquals(SyncResult.Outcome.UP_TO_DATE, desktop.sync().outcome);
    }
}
