package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.vault.cli.daemon.Daemon;
import dev.vault.cli.daemon.DaemonLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonStateTest {
    @TempDir
    Path ws;

    /** Between taking the workspace and writing its first state, a daemon is shown as starting, with its pid. */
    @Test
    void aDaemonThatHasNotWrittenItsStateYetIsStartingWithItsPid() throws Exception {
        Files.createDirectories(ws.resolve(".git"));
        assertNull(Daemon.readState(ws), "no daemon: no state");
        try (DaemonLock lock = DaemonLock.acquire(ws)) {
            assertTrue(Files.notExists(Daemon.stateFile(ws)));
            JsonObject s = Daemon.readState(ws);
            assertEquals("starting", s.get("doing").getAsString());
            assertEquals(ProcessHandle.current().pid(), s.get("pid").getAsLong());
            assertEquals("running (pid " + ProcessHandle.current().pid() + "), starting",
                    StatusCommand.daemonLine(s));
        }
        assertNull(Daemon.readState(ws));
    }
}
