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
        Files.write(cached, data(1000, 2));
        assertArrayEquals(d, s.read(h));
        assertArrayEquals(d, Files.readAllBytes(cached));
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
