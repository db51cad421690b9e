package dev.vault.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vault.cli.CliRunner;
import dev.vault.fixtures.ChildJvm;
import dev.vault.fixtures.FileTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vault daemon} as a real process: syncs a saved file on its own, refuses a second daemon, stops on SIGTERM. */
class DaemonCommandTest {
    @TempDir
    Path tmp;

    @Test
    void daemonSyncsSavedFilesRefusesASecondDaemonAndStopsCleanly() throws Exception {
        Path config = tmp.resolve("config");
        CliRunner vault = new CliRunner(config);
        Path hub = tmp.resolve("hub.git");
        Path ws = tmp.resolve("laptop");
        assertEquals(0, vault.run("init", ws.toString(), "--hub", hub.toString(), "--name", "laptop").exitCode);

        try (ChildJvm daemon = ChildJvm.start("dev.vault.cli.Main",
                List.of("daemon", "-C", ws.toString(), "--hub-check", "1s", "--quiet-time", "300ms"),
                Map.of("VAULT_CONFIG_HOME", config.toString()), tmp.resolve("daemon.out"))) {
            awaitLog(daemon, "vault daemon: watching");

            CliRunner.Result second = vault.run("daemon", "-C", ws.toString());
            assertEquals(11, second.exitCode, second.toString());
            assertTrue(second.err.contains("already running") && second.err.contains("pid " + daemon.pid()), second.err);

            CliRunner.Result status = vault.run("status", "-C", ws.toString(), "--no-hub");
            assertTrue(status.out.contains("Daemon     running (pid " + daemon.pid() + ")"), status.out);

            Files.writeString(ws.resolve("saved.txt"), "saved while the daemon runs", StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!FileTrees.ofBranch(hub, "refs/heads/main").containsKey("saved.txt")) {
                if (System.nanoTime() > deadline) {
                    fail("the saved file did not reach the hub within 30 s; log:\n" + Files.readString(Daemon.logFile(ws)));
                }
                Thread.sleep(200);
            }
            // the daemon logs the sync right after the push: the line may lag the hub by a moment
            while (!Files.readString(Daemon.logFile(ws)).contains("synced: sent 1 added")) {
                if (System.nanoTime() > deadline) {
                    fail("the sync was not logged; log:\n" + Files.readString(Daemon.logFile(ws)));
                }
                Thread.sleep(100);
            }

            daemon.terminate(60_000);
            assertTrue(!daemon.isAlive());
        }
        assertTrue(Files.readString(Daemon.stateFile(ws)).contains("\"running\":false"));
        assertTrue(Files.readString(Daemon.logFile(ws)).contains("daemon stopped"), Files.readString(Daemon.logFile(ws)));
        CliRunner.Result after = vault.run("status", "-C", ws.toString(), "--no-hub", "--json");
        assertTrue(!com.google.gson.JsonParser.parseString(after.out).getAsJsonObject().getAsJsonObject("daemon")
                .get("running").getAsBoolean(), after.out);
        assertTrue(vault.run("status", "-C", ws.toString(), "--no-hub").out.contains("Daemon     not running"));
    }

    private static void awaitLog(ChildJvm child, String text) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(child.log()) && Files.readString(child.log()).contains(text)) {
                return;
            }
            if (!child.isAlive()) {
                fail("daemon exited early: " + Files.readString(child.log()));
            }
            Thread.sleep(100);
        }
        fail("daemon did not start within 60 s: " + Files.readString(child.log()));
    }
}
