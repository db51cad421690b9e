package dev.vault.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceWatcherTest {
    @TempDir
    Path ws;

    @Test
    void seesChangesInNewFoldersButNotInsideGit() throws Exception {
        Files.createDirectories(ws.resolve(".git/objects"));
        Semaphore changes = new Semaphore(0);
        try (WorkspaceWatcher w = new WorkspaceWatcher(ws, changes::release)) {
            Files.writeString(ws.resolve(".git/objects/x"), "internal");
            assertTrue(!changes.tryAcquire(1500, TimeUnit.MILLISECONDS), "changes inside .git are ignored");

            Files.createDirectories(ws.resolve("docs/deep"));
            assertTrue(changes.tryAcquire(10, TimeUnit.SECONDS), "a new folder is a change");
            // The watcher registers new folders asynchronously: save until a change is seen (at most 10 s).
            boolean seen = false;
            for (int i = 0; i < 20 && !seen; i++) {
                changes.drainPermits();
                Files.writeString(ws.resolve("docs/deep/note.txt"), "hello " + i);
                seen = changes.tryAcquire(500, TimeUnit.MILLISECONDS);
            }
            assertTrue(seen, "a file saved in a new folder is seen");
        }
    }
}
