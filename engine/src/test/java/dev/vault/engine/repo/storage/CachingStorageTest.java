package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
