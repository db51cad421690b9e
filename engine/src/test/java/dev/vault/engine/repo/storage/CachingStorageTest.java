package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.crypto.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CachingStorageTest extends StorageConformanceTest {
    @Override
    Storage create(Path dir) {
        return new CachingStorage(new InMemoryStorage(), dir.resolve("cache"));
    }

    @Test
    void damagedCacheEntryIsIgnoredAndRefetched() throws IOException {
        byte[] d = data(1000, 1);
        String name = Hashes.sha256Hex(d);
        Handle h = new Handle(FileType.INDEX, name);
        s.write(h, d);
        Path cached = tmp.resolve("cache").resolve("index").resolve(name);
        assertTrue(Files.exists(cached));
        byte[] copy = Files.readAllBytes(cached);
        byte[] bad = copy.clone();
        bad[bad.length - 1] ^= 1;
        Files.write(cached, bad);
        assertArrayEquals(d, s.read(h));
        assertArrayEquals(copy, Files.readAllBytes(cached), "fetched again and stored again");
    }

    /** The repository wins: a cached copy of a file that was since rewritten on the drive is not used. */
    @Test
    void aFileRewrittenInTheRepositoryIsReadFromTheRepositoryDespiteAnIntactCopy() throws IOException {
        Path repoDir = Files.createDirectories(tmp.resolve("repo"));
        Storage caching = new CachingStorage(new LocalStorage(repoDir), tmp.resolve("cache3"));
        byte[] d = data(5000, 4);
        Handle h = new Handle(FileType.SNAPSHOT, Hashes.sha256Hex(d));
        caching.write(h, d);
        assertArrayEquals(d, caching.read(h));
        Path onDrive = repoDir.resolve("snapshots").resolve(h.name());
        byte[] damaged = d.clone();
        damaged[2500] ^= 0x10;
        Files.write(onDrive, damaged);
        assertArrayEquals(damaged, caching.read(h), "the drive's (damaged) bytes, for the caller to report");
        Files.write(onDrive, java.util.Arrays.copyOf(d, 100));
        assertEquals(100, caching.read(h).length);
        Files.delete(onDrive);
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.NoSuchFileException.class, () -> caching.read(h));
        Files.write(onDrive, d); // put back intact: used and cached again
        assertArrayEquals(d, caching.read(h));
    }

    /** Packs must not pile up on the heap: a pending file goes to the local repository's tmp folder at once. */
    @Test
    void pendingPacksStreamToTheInnerStorage() throws IOException {
        Path repoDir = tmp.resolve("repo");
        Storage caching = new CachingStorage(new LocalStorage(repoDir), tmp.resolve("cache2"));
        caching.createRoot();
        byte[] d = data(100_000, 3);
        try (Storage.PendingFile f = caching.create()) {
            f.write(d, 0, d.length);
            long onDisk;
            try (var files = Files.list(repoDir.resolve("tmp"))) {
                onDisk = files.mapToLong(p -> p.toFile().length()).sum();
            }
            assertEquals(d.length, onDisk, "the pack's bytes are already in the repository's tmp folder");
            Handle h = new Handle(FileType.DATA, Hashes.sha256Hex(d));
            f.commit(h);
            assertArrayEquals(d, caching.read(h));
        }
    }
}
