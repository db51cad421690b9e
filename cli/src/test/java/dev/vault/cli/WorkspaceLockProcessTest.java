package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.fixtures.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one workspace: the second gets exit 11 naming the first; a killed holder frees the lock. */
class WorkspaceLockProcessTest {
    @TempDir
    Path tmp;

    @Test
    void secondProcessIsRefusedAndKilledHolderReleasesTheLock() throws Exception {
        CliRunner vault = new CliRunner(tmp.resolve("config"));
        Path ws = tmp.resolve("laptop");
        Files.createDirectories(ws);
        Files.writeString(ws.resolve("a.txt"), "a");
        assertEquals(0, vault.run("init", ws.toString(), "--hub", tmp.resolve("hub.git").toString(), "--name", "laptop").exitCode);
        Path log = tmp.resolve("holder.log");
        try (ChildJvm holder = ChildJvm.start("dev.vault.cli.LockHolderMain", List.of(ws.toString()),
                Map.of("VAULT_CONFIG_HOME", tmp.resolve("config").toString()), log)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.readString(log).contains("locked")) {
                assertTrue(holder.isAlive() && System.currentTimeMillis() < deadline, "holder did not start: " + Files.readString(log));
                Thread.sleep(50);
            }
            CliRunner.Result r = vault.run("sync", "-C", ws.toString());
            assertEquals(11, r.exitCode, r.toString());
            assertEquals("vault: another vault process (pid " + holder.pid() + ") is syncing " + ws
                    + "; wait for it to finish and try again\n", r.err);
            CliRunner.Result st = vault.run("status", "--no-hub", "-C", ws.toString());
            assertTrue(st.out.contains("a sync round is running now (pid " + holder.pid() + ")"), st.out);
            holder.kill();
        }
        Files.writeString(ws.resolve("b.txt"), "b");
        CliRunner.Result after = vault.run("sync", "-C", ws.toString());
        assertEquals(0, after.exitCode, after.toString());
        assertEquals("synced: sent 1 added\n", after.out);
    }
}
