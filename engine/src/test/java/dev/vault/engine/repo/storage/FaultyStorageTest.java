package dev.vault.engine.repo.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A FaultyStorage without faults is a conforming storage; with faults it fails as configured. */
class FaultyStorageTest extends StorageConformanceTest {
    @Override
    Storage create(Path dir) {
        return new FaultyStorage(new InMemoryStorage());
    }

    @Test
    void nthWriteFailsAndStoresNothing() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        FaultyStorage f = new FaultyStorage(mem).failWrite(2);
        f.write(new Handle(FileType.DATA, "aa"), data(5, 1));
        assertThrows(IOException.class, () -> f.write(new Handle(FileType.DATA, "bb"), data(5, 2)));
        assertFalse(mem.exists(new Handle(FileType.DATA, "bb")));
        f.write(new Handle(FileType.DATA, "cc"), data(5, 3));
    }

    @Test
    void shortWriteSilentlyTruncates() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        FaultyStorage f = new FaultyStorage(mem).shortWrite(1);
        f.write(new Handle(FileType.DATA, "aa"), data(100, 1));
        assertEquals(50, mem.size(new Handle(FileType.DATA, "aa")));
    }

    @Test
    void diskFullFailsWritesPastTheLimit() throws IOException {
        FaultyStorage f = new FaultyStorage(new InMemoryStorage()).diskFullAfter(150);
        f.write(new Handle(FileType.DATA, "aa"), data(100, 1));
        IOException e = assertThrows(IOException.class, () -> f.write(new Handle(FileType.DATA, "bb"), data(100, 2)));
        assertEquals(true, e.getMessage().contains("No space left"));
    }

    @Test
    void corruptReadFlipsABitOnlyForTheChosenType() throws IOException {
        FaultyStorage f = new FaultyStorage(new InMemoryStorage()).corruptReads(FileType.DATA);
        byte[] d = data(100, 1);
        f.write(new Handle(FileType.DATA, "aa"), d);
        f.write(new Handle(FileType.INDEX, "bb"), d);
        byte[] back = f.read(new Handle(FileType.DATA, "aa"));
        assertEquals(d[50] ^ 0x10, back[50]);
        assertArrayEquals(d, f.read(new Handle(FileType.INDEX, "bb")));
    }
}
