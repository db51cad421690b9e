package dev.vault.engine.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupDemoTest {
    @TempDir
    Path tmp;

    @Test
    void demoBacksUpChangesRestoresAndComparesEqual() throws IOException {
        Path ws = tmp.resolve("ws");
        BackupRestoreTest.write(ws.resolve("notes.txt"), "first\n".getBytes());
        BackupRestoreTest.write(ws.resolve("data.bin"), BackupRestoreTest.random(2 << 20, 5));
        BackupDemo.Outcome o = BackupDemo.run(ws, ws.resolve(".demo-repo"), tmp.resolve("restored"), "demo".toCharArray(), () -> {
            try {
                Files.writeString(ws.resolve("notes.txt"), "second\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertTrue(o.identical(), o.difference());
        assertEquals(2, o.first().filesNew());
        assertEquals(1, o.second().filesChanged());
        assertEquals(1, o.second().filesUnchanged());
        assertTrue(o.second().bytesAdded() < 10_000, "second backup added " + o.second().bytesAdded());
        assertEquals("second\n", Files.readString(tmp.resolve("restored/notes.txt")));
        // a restore that differs is reported as such
        Files.writeString(tmp.resolve("restored/notes.txt"), "tampered");
        assertEquals("notes.txt differs", BackupDemo.compare(ws, tmp.resolve("restored"), ws.resolve(".demo-repo")));
    }
}
