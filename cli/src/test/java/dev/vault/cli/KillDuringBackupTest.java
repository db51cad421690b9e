package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code vault backup} / {@code vault forget --prune} process at random moments:
 * afterwards the repository passes check, no snapshot references missing data, and the next backup
 * completes and reuses what the killed ones stored.
 */
class KillDuringBackupTest {
    @TempDir
    Path tmp;

    Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.vault.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("VAULT_PASSWORD", "pw");
        pb.environment().put("VAULT_CONFIG_HOME", tmp.resolve("config").toString());
        return pb.start();
    }

    /** Kills the process after {@code millis} (if still running) and waits for it: no zombie stays behind. */
    static boolean killAfter(Process p, long millis) throws InterruptedException {
        boolean finished = p.waitFor(millis, TimeUnit.MILLISECONDS);
        p.destroyForcibly().waitFor();
        return finished;
    }

    static boolean hasIndex(Path repo) throws IOException {
        if (!Files.isDirectory(repo.resolve("index"))) {
            return false;
        }
        try (var s = Files.list(repo.resolve("index"))) {
            return s.findAny().isPresent();
        }
    }

    void rounds(int rounds, long seed) throws Exception {
        Path src = tmp.resolve("src");
        Random rnd = new Random(seed);
        for (int i = 0; i < 6; i++) {
            byte[] b = new byte[10 << 20];
            rnd.nextBytes(b);
            Files.createDirectories(src);
            Files.write(src.resolve("file" + i + ".bin"), b);
        }
        for (int i = 0; i < 200; i++) {
            Files.writeString(src.resolve("small" + i + ".txt"), "small file " + i + "\n".repeat(i));
        }
        Path repo = tmp.resolve("repo");
        CliRunner vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "pw");
        assertEquals(0, vault.run("repo", "init", repo.toString()).exitCode);
        // packs of 4 MiB so that an interrupted run has written (and indexed) some of them
        String cfg = Files.readString(repo.resolve("config")).replace("\"packSize\":16777216", "\"packSize\":4194304");
        Files.delete(repo.resolve("config"));
        Files.writeString(repo.resolve("config"), cfg);
        int killed = 0;
        int killedAfterIndexing = 0;
        for (int round = 0; round < rounds; round++) {
            boolean prune = round % 3 == 2;
            Process p = prune
                    ? start(tmp.resolve("log" + round), "forget", "--repo", repo.toString(), "--keep-last", "1", "--prune")
                    : start(tmp.resolve("log" + round), "backup", "--repo", repo.toString(), src.toString());
            if (!killAfter(p, 500 + rnd.nextInt(4000))) {
                killed++;
                if (!prune && hasIndex(repo)) {
                    killedAfterIndexing++;
                }
            }
            CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data");
            assertEquals(0, check.exitCode, "after round " + round + ": " + check + Files.readString(tmp.resolve("log" + round)));
            if (round % 2 == 1) {
                // a file changes between rounds, as in real life
                Files.writeString(src.resolve("small" + round + ".txt"), "changed in round " + round);
            }
        }
        assertTrue(killed > 0, "no process was killed mid-way; the test proved nothing");
        CliRunner.Result done = vault.run("backup", "--repo", repo.toString(), "--json", src.toString());
        assertEquals(0, done.exitCode, done.toString());
        JsonObject sum = JsonParser.parseString(done.out.lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        long total = sum.get("totalBytes").getAsLong();
        long added = sum.get("bytesAdded").getAsLong();
        if (killedAfterIndexing > 0) {
            assertTrue(added < total, "the final backup reused stored data: added " + added + " of " + total);
        }
        Path out = tmp.resolve("out");
        assertEquals(0, vault.run("restore", "--repo", repo.toString(), "latest", "--to", out.toString()).exitCode);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(Files.readAllBytes(src.resolve("file" + i + ".bin")), Files.readAllBytes(out.resolve("file" + i + ".bin")));
        }
        CliRunner.Result prune = vault.run("prune", "--repo", repo.toString());
        assertEquals(0, prune.exitCode, prune.toString());
        CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data", "--json");
        assertEquals(0, check.exitCode, check.toString());
        assertTrue(check.out.contains("\"notes\":[]"), "prune removed what interrupted runs left: " + check.out);
    }

    @Test
    void killedBackupsAndPrunesLeaveARepositoryThatChecksAndIsReused() throws Exception {
        rounds(4, 1);
    }

    @Test
    @Tag("slow")
    void manyKillsInALoop() throws Exception {
        rounds(25, 2);
    }
}
