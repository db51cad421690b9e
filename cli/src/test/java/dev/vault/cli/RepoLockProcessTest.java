package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vault.engine.repo.Hosts;
import dev.vault.fixtures.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repository locks between real processes: a backup frozen mid-run (SIGSTOP) keeps prune, forget
 * --prune and unlock out; a holder whose lock file is removed stops before its snapshot; and two
 * "computers" with the same host name (different machine ids, i.e. config homes) sharing one
 * repository folder judge each other's locks by refresh age only.
 */
class RepoLockProcessTest {
    @TempDir
    Path tmp;
    Path repo;
    Path src;

    @BeforeEach
    void repository() throws IOException {
        repo = tmp.resolve("repo");
        src = tmp.resolve("src");
        Random rnd = new Random(7);
        Files.createDirectories(src);
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[4 << 20];
            rnd.nextBytes(b);
            Files.write(src.resolve("file" + i + ".bin"), b);
        }
        // unencrypted: locks work the same either way, and no command spends a second on scrypt
        CliRunner.Result init = computer("laptop-a").run("repo", "init", "--no-encrypt", repo.toString());
        assertEquals(0, init.exitCode, init.toString());
    }

    /**
     * vault as run on one computer: its own config home, so its own machine id. Every process here has
     * the same host name (this machine's), as two computers with a default name would.
     */
    CliRunner computer(String name) {
        return new CliRunner(tmp.resolve(name)).env("VAULT_PASSWORD", "pw");
    }

    ChildJvm startBackup(String computer) {
        return ChildJvm.start(List.of("-XX:+UseSerialGC", "-Xmx256m"), "dev.vault.cli.Main",
                List.of("backup", "--repo", repo.toString(), src.toString()),
                Map.of("VAULT_PASSWORD", "pw", "VAULT_CONFIG_HOME", tmp.resolve(computer).toString()),
                tmp.resolve("backup-" + computer + ".log"));
    }

    List<Path> lockFiles() throws IOException {
        Path d = repo.resolve("locks");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    /** Waits until the child's lock file is in place (it is OS-locked before it becomes visible). */
    Path awaitLock(ChildJvm child) throws Exception {
        while (lockFiles().isEmpty()) {
            assertTrue(child.isAlive(), "the backup ended before it took its lock: " + Files.readString(child.log()));
            Thread.sleep(5);
        }
        return lockFiles().get(0);
    }

    int snapshots(CliRunner vault) {
        CliRunner.Result r = vault.run("snapshots", "--repo", repo.toString(), "--json");
        assertEquals(0, r.exitCode, r.toString());
        return JsonParser.parseString(r.out).getAsJsonArray().size();
    }

    static boolean posix() {
        return !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
    }

    @Test
    void aFrozenBackupKeepsPruneForgetAndUnlockOutAndThenCompletes() throws Exception {
        assumeTrue(posix(), "SIGSTOP needs a POSIX system");
        CliRunner vault = computer("laptop-a");
        assertEquals(0, vault.run("backup", "--repo", repo.toString(), src.resolve("file0.bin").toString()).exitCode);
        try (ChildJvm backup = startBackup("laptop-a")) {
            Path lock;
            try {
                lock = awaitLock(backup);
                backup.pause();
                assertTrue(Files.exists(lock), "the backup finished before it could be frozen; the test proved nothing");
                String holder = "shared lock by 'backup' (pid " + backup.pid() + " on " + Hosts.hostName() + ",";
                CliRunner.Result prune = vault.run("prune", "--repo", repo.toString());
                assertEquals(11, prune.exitCode, prune.toString());
                assertTrue(prune.err.contains(holder), prune.toString());
                CliRunner.Result forget = vault.run("forget", "--repo", repo.toString(), "--keep-last", "1", "--prune");
                assertEquals(11, forget.exitCode, forget.toString());
                assertTrue(forget.err.contains(holder), forget.toString());
                CliRunner.Result unlock = vault.run("unlock", "--repo", repo.toString());
                assertEquals(11, unlock.exitCode, unlock.toString());
                assertTrue(unlock.err.startsWith("vault: repository " + repo + " is in use: " + holder), unlock.toString());
                CliRunner.Result all = vault.run("unlock", "--repo", repo.toString(), "--remove-all");
                assertEquals(11, all.exitCode, "--remove-all never removes a lock whose process runs: " + all);
                // and a real prune process, as a user would start it in another terminal
                try (ChildJvm otherPrune = ChildJvm.start("dev.vault.cli.Main", List.of("prune", "--repo", repo.toString()),
                        Map.of("VAULT_PASSWORD", "pw", "VAULT_CONFIG_HOME", tmp.resolve("laptop-a").toString()), tmp.resolve("prune.log"))) {
                    assertEquals(11, otherPrune.waitFor(120_000), Files.readString(otherPrune.log()));
                    assertTrue(Files.readString(otherPrune.log()).contains(holder), Files.readString(otherPrune.log()));
                }
                assertTrue(Files.exists(lock), "the frozen backup's lock file is still there");
                assertEquals(1, snapshots(vault), "the frozen backup has written no snapshot yet");
            } finally {
                backup.resume();
            }
            assertEquals(0, backup.waitFor(120_000), Files.readString(backup.log()));
        }
        assertEquals(2, snapshots(vault));
        assertEquals(List.of(), lockFiles());
        CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data");
        assertEquals(0, check.exitCode, check.toString());
        Path out = tmp.resolve("out");
        assertEquals(0, vault.run("restore", "--repo", repo.toString(), "latest", "--to", out.toString()).exitCode);
        for (int i = 0; i < 8; i++) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(src.resolve("file" + i + ".bin")),
                    Files.readAllBytes(out.resolve("file" + i + ".bin"))), "file" + i);
        }
    }

    @Test
    void aBackupWhoseLockFileWasRemovedStopsBeforeItsSnapshotAndSaysWhy() throws Exception {
        assumeTrue(posix(), "SIGSTOP needs a POSIX system");
        CliRunner vault = computer("laptop-a");
        try (ChildJvm backup = startBackup("laptop-a")) {
            try {
                Path lock = awaitLock(backup);
                backup.pause();
                Files.delete(lock); // as a sync client, or a careless 'rm', would
            } finally {
                backup.resume();
            }
            assertEquals(1, backup.waitFor(120_000), Files.readString(backup.log()));
            String log = Files.readString(backup.log());
            assertTrue(log.startsWith("vault: backup stopped before writing its snapshot: its lock file locks/"), log);
            assertTrue(log.contains(" was removed by another process"), log);
            assertFalse(log.contains("Exception"), "one line, no stack trace: " + log);
        }
        assertEquals(0, snapshots(vault));
        assertEquals(0, vault.run("check", "--repo", repo.toString()).exitCode);
    }

    /** Writes a lock file as computer {@code config} would, dated {@code time} (no OS lock: it is not this computer's). */
    void writeLockOf(String computer, Instant time, String name) throws IOException {
        String machine = Files.readString(tmp.resolve(computer).resolve("machine-id")).trim();
        JsonObject j = new JsonObject();
        j.addProperty("machine", machine);
        j.addProperty("host", Hosts.hostName()); // the same host name as the computer that judges it
        j.addProperty("pid", ProcessHandle.current().pid()); // a pid that runs here too: it must not matter
        j.addProperty("time", time.toString());
        j.addProperty("exclusive", false);
        j.addProperty("purpose", "backup");
        Files.writeString(repo.resolve("locks").resolve(name), j.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void twoComputersWithTheSameHostNameJudgeEachOthersLocksByRefreshAgeOnly() throws Exception {
        CliRunner a = computer("laptop-a");
        CliRunner b = computer("laptop-b");
        // computer A's backup dies hard; its OS lock is gone, as it would be seen from another computer
        try (ChildJvm backup = startBackup("laptop-a")) {
            awaitLock(backup);
            backup.kill();
        }
        assertEquals(1, lockFiles().size());
        // B (same host name, another machine id): a fresh lock of another computer is live
        CliRunner.Result unlockB = b.run("unlock", "--repo", repo.toString());
        assertEquals(11, unlockB.exitCode, unlockB.toString());
        assertTrue(unlockB.err.contains("shared lock by 'backup'"), unlockB.toString());
        CliRunner.Result pruneB = b.run("prune", "--repo", repo.toString());
        assertEquals(11, pruneB.exitCode, pruneB.toString());
        assertEquals(1, lockFiles().size(), "B removed nothing");
        assertTrue(Files.isRegularFile(tmp.resolve("laptop-b").resolve("machine-id")));
        // A itself knows the process is gone (its own machine id, no OS lock held)
        CliRunner.Result unlockA = a.run("unlock", "--repo", repo.toString());
        assertEquals(0, unlockA.exitCode, unlockA.toString());
        assertEquals(List.of(), lockFiles());

        // a lock of A not refreshed for 30 min + the 10 min skew margin: stale for B
        writeLockOf("laptop-a", Instant.now().minus(Duration.ofMinutes(41)), "old");
        writeLockOf("laptop-a", Instant.now().minus(Duration.ofMinutes(38)), "recent");
        CliRunner.Result unlockOld = b.run("unlock", "--repo", repo.toString());
        assertEquals(11, unlockOld.exitCode, unlockOld.toString());
        assertTrue(unlockOld.out.startsWith("removed shared lock by 'backup'"), unlockOld.toString());
        assertEquals(List.of(repo.resolve("locks").resolve("recent")), lockFiles());
        Files.delete(repo.resolve("locks").resolve("recent"));

        // a lock dated in the future (A's clock runs ahead) is live
        writeLockOf("laptop-a", Instant.now().plus(Duration.ofDays(1)), "future");
        assertEquals(11, b.run("prune", "--repo", repo.toString()).exitCode);
        assertEquals(11, b.run("unlock", "--repo", repo.toString()).exitCode);
        // only --remove-all clears it (no process here holds it)
        CliRunner.Result all = b.run("unlock", "--repo", repo.toString(), "--remove-all");
        assertEquals(0, all.exitCode, all.toString());
        assertEquals(List.of(), lockFiles());
        assertEquals(0, b.run("prune", "--repo", repo.toString()).exitCode);
    }
}
