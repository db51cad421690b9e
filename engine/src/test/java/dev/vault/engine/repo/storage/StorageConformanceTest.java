package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract every Storage must meet; one subclass per implementation. */
abstract class StorageConformanceTest {
    @TempDir
    Path tmp;
    Storage s;

    abstract Storage create(Path dir) throws IOException;

    @BeforeEach
    void setUp() throws IOException {
        s = create(tmp);
        s.createRoot(); // as Repository.init does
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void savedFileLoadsBackIdentical() throws IOException {
        byte[] d = data(100_000, 1);
        Handle h = new Handle(FileType.DATA, "ab01");
        s.write(h, d);
        assertArrayEquals(d, s.read(h));
        assertEquals(d.length, s.size(h));
        assertTrue(s.exists(h));
    }

    /** A lock file written with its hold: listed, read (whole and by range), written once, deleted while held. */
    @Test
    void lockFileWithItsHoldBehavesLikeAnyFile() throws IOException {
        byte[] d = "{\"purpose\":\"backup\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Handle h = new Handle(FileType.LOCK, "0a1b");
        java.io.Closeable hold = s.writeLock(h, d);
        try {
            assertEquals(List.of("0a1b"), s.list(FileType.LOCK));
            assertArrayEquals(d, s.read(h));
            assertArrayEquals(java.util.Arrays.copyOfRange(d, 2, 9), s.read(h, 2, 7));
            assertThrows(EOFException.class, () -> s.read(h, 2, d.length));
            assertThrows(FileAlreadyExistsException.class, () -> s.writeLock(h, d));
            assertTrue(hold == null || Boolean.TRUE.equals(s.isHeldByLiveProcess(h)), "a hold is seen as held");
            s.delete(h);
            assertFalse(s.exists(h));
            assertTrue(s.isHeldByLiveProcess(h) == null || Boolean.FALSE.equals(s.isHeldByLiveProcess(h)));
        } finally {
            if (hold != null) {
                hold.close();
            }
        }
    }

    @Test
    void largeFileRoundTripsWholeAndByRangesAcrossIoSlices() throws IOException {
        byte[] d = data((7 << 19) + 12345, 42); // 3.5 MiB: several 1 MiB I/O slices in LocalStorage
        Handle h = new Handle(FileType.DATA, "ee99");
        s.write(h, d);
        assertEquals(d.length, s.size(h));
        assertArrayEquals(d, s.read(h));
        assertArrayEquals(java.util.Arrays.copyOfRange(d, 1000, 1000 + (5 << 19)), s.read(h, 1000, 5 << 19));
    }

    @Test
    void pendingFileAppearsOnlyOnCommitAndDiscardsOnClose() throws IOException {
        byte[] a = data((3 << 19) + 7, 43);
        byte[] b = data(1000, 44);
        Handle h = new Handle(FileType.DATA, "ab77");
        try (Storage.PendingFile f = s.create()) {
            f.write(a, 0, a.length);
            f.write(b, 10, 990);
            assertEquals(a.length + 990, f.size());
            assertFalse(s.exists(h));
            f.commit(h);
        }
        byte[] back = s.read(h);
        assertEquals(a.length + 990, back.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(b, 10, 1000), java.util.Arrays.copyOfRange(back, a.length, back.length));
        try (Storage.PendingFile f = s.create()) {
            f.write(b, 0, b.length);
        }
        assertEquals(List.of("ab77"), s.list(FileType.DATA));
        assertEquals(0, s.removeLeftoverTemporaryFiles(), "a discarded pending file leaves nothing behind");
        try (Storage.PendingFile f = s.create()) {
            f.write(b, 0, b.length);
            assertThrows(FileAlreadyExistsException.class, () -> f.commit(h));
        }
        assertEquals(a.length + 990, s.size(h));
    }

    @Test
    void rangeReadReturnsExactBytesAndFailsPastTheEnd() throws IOException {
        byte[] d = data(5000, 2);
        Handle h = new Handle(FileType.DATA, "cd02");
        s.write(h, d);
        byte[] part = s.read(h, 1000, 300);
        for (int i = 0; i < 300; i++) {
            assertEquals(d[1000 + i], part[i]);
        }
        assertThrows(EOFException.class, () -> s.read(h, 4900, 200));
    }

    @Test
    void listShowsFilesOfOneTypeOnly() throws IOException {
        s.write(new Handle(FileType.DATA, "aa11"), data(10, 3));
        s.write(new Handle(FileType.DATA, "bb22"), data(10, 4));
        s.write(new Handle(FileType.INDEX, "cc33"), data(10, 5));
        s.write(Handle.config(), data(10, 6));
        assertEquals(List.of("aa11", "bb22"), s.list(FileType.DATA).stream().sorted().toList());
        assertEquals(List.of("cc33"), s.list(FileType.INDEX));
        assertEquals(List.of("config"), s.list(FileType.CONFIG));
        assertEquals(List.of(), s.list(FileType.SNAPSHOT));
    }

    @Test
    void savingTwiceFailsAndKeepsTheFirstContent() throws IOException {
        Handle h = new Handle(FileType.SNAPSHOT, "dd44");
        s.write(h, data(10, 7));
        assertThrows(FileAlreadyExistsException.class, () -> s.write(h, data(10, 8)));
        assertArrayEquals(data(10, 7), s.read(h));
    }

    @Test
    void missingFileIsReportedAsMissing() {
        Handle h = new Handle(FileType.INDEX, "ee55");
        assertThrows(NoSuchFileException.class, () -> s.read(h));
        assertThrows(NoSuchFileException.class, () -> s.delete(h));
        assertThrows(IOException.class, () -> s.read(h, 0, 1));
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        Handle h = new Handle(FileType.LOCK, "ff66");
        s.write(h, data(10, 9));
        s.delete(h);
        assertFalse(s.exists(h));
        assertEquals(List.of(), s.list(FileType.LOCK));
    }

    @Test
    void emptyFileRoundTrips() throws IOException {
        Handle h = new Handle(FileType.KEY, "0077");
        s.write(h, new byte[0]);
        assertArrayEquals(new byte[0], s.read(h));
    }

    @Test
    void handlesRejectNamesThatCouldEscapeTheirFolder() {
        assertThrows(IllegalArgumentException.class, () -> new Handle(FileType.DATA, "../x"));
        assertThrows(IllegalArgumentException.class, () -> new Handle(FileType.DATA, ".hidden"));
        assertThrows(IllegalArgumentException.class, () -> new Handle(FileType.DATA, "a\\b"));
    }
}
