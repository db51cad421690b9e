package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalStorageTest extends StorageConformanceTest {
    @Override
    Storage create(Path dir) {
        return new LocalStorage(dir.resolve("repo"));
    }

    @Test
    void dataFilesLiveInTwoHexDigitShardsAndNoTemporaryFilesRemain() throws IOException {
        s.write(new Handle(FileType.DATA, "3f2a99"), data(10, 1));
        Path root = ((LocalStorage) s).root();
        assertTrue(Files.isRegularFile(root.resolve("data").resolve("3f").resolve("3f2a99")));
        try (var tmpFiles = Files.list(root.resolve("tmp"))) {
            assertEquals(0, tmpFiles.count());
        }
    }

    @Test
    void leftoverTemporaryFilesAreInvisibleAndRemovable() throws IOException {
        Path root = ((LocalStorage) s).root();
        Files.createDirectories(root.resolve("tmp"));
        Files.write(root.resolve("tmp").resolve("half-written.tmp"), data(10, 2));
        assertEquals(0, s.list(FileType.DATA).size());
        assertEquals(1, s.removeLeftoverTemporaryFiles());
    }
}
