package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vault.engine.VaultException;
import dev.vault.fixtures.OsLocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workspace lock stays held whatever else this process asks about it (status, a second round). */
class WorkspaceLockTest {
    @TempDir
    Path tmp;

    static boolean osLockHeld(Path file) throws IOException {
        return OsLocks.heldByThisProcess(file);
    }

    /** Fails without ProcessLocks: holder() and the refused second acquire closed channels on the held file. */
    @Test
    void askingWhoHoldsItOrTryingAgainInThisProcessKeepsTheOsLock() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux /proc/locks");
        Computers c = new Computers(tmp);
        Workspace ws = c.join("laptop").ws;
        Path file = ws.vaultDir().resolve("lock");
        try (WorkspaceLock held = WorkspaceLock.acquire(ws)) {
            assertTrue(osLockHeld(file));
            assertEquals(ProcessHandle.current().pid(), WorkspaceLock.holder(ws));
            VaultException e = assertThrows(VaultException.class, () -> WorkspaceLock.acquire(ws));
            assertEquals(11, e.exitCode());
            assertTrue(osLockHeld(file), "still held after status and a refused second round in this process");
        }
        assertEquals(null, WorkspaceLock.holder(ws));
        try (WorkspaceLock again = WorkspaceLock.acquire(ws)) {
            assertTrue(osLockHeld(file));
        }
    }
}
