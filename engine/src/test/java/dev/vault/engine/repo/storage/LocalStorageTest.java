package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    void writesNeverCreateAMissingRoot() throws IOException {
        Path gone = tmp.resolve("mnt").resolve("vault"); // an empty mount point: the drive was pulled
        Files.createDirectories(gone.getParent());
        LocalStorage never = new LocalStorage(gone);
        assertThrows(NoSuchFileException.class, () -> never.write(new Handle(FileType.DATA, "ab01"), data(10, 3)));
        assertThrows(NoSuchFileException.class, () -> never.write(Handle.config(), data(10, 3)));
        assertThrows(NoSuchFileException.class, never::create);
        assertThrows(NoSuchFileException.class, () -> never.writeLock(new Handle(FileType.LOCK, "ef03"), data(10, 3)));
        assertFalse(Files.exists(gone), "a write recreated the repository folder");
    }

    @Test
    void aRootThatVanishesWhileAPackIsWrittenIsNotRecreatedAtCommit() throws IOException {
        Path root = ((LocalStorage) s).root();
        try (Storage.PendingFile f = s.create()) {
            f.write(data(1000, 4), 0, 1000);
            // what a lazy unmount looks like from here: the folder and everything below it are gone
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            assertThrows(IOException.class, () -> f.commit(new Handle(FileType.DATA, "cd02")));
        }
        assertFalse(Files.exists(root), "commit recreated the repository folder");
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
