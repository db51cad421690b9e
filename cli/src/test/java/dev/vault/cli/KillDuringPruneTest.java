package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParser;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.crypto.KeyFile;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.ChildJvm;
import dev.vault.fixtures.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code vault prune} inside its repack and delete phases. The child reports each
 * step it finishes and stops at the chosen one (Prune's {@code vault.test.pruneSteps} /
 * {@code vault.test.pruneStopAt} hook), so every kill provably lands inside that phase, not during
 * JVM start-up. After each kill: {@code check --read-data} passes, and every snapshot restores to
 * exactly the files it was taken of (no file missing, none extra, same bytes).
 */
class KillDuringPruneTest {
    /** Steps each prune run reaches (see {@link #nextRound}): inside the repack phase, then the delete phase. */
    static final List<String> STOPS = List.of("repack-pack 1", "delete-pack 1", "delete-index 1", "index-written", "delete-pack 2");

    @TempDir
    Path tmp;
    Path repo;
    Path src;
    CliRunner vault;
    final Map<String, Map<String, byte[]>> expected = new HashMap<>();
    final Random rnd = new Random(7);
    int backups;

    @BeforeEach
    void setUp() throws IOException {
        repo = tmp.resolve("repo");
        src = tmp.resolve("src");
        Files.createDirectories(src);
        vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "pw");
        // a fast key derivation: every command of the loop opens the repository
        Repository.InitOptions o = new Repository.InitOptions();
        o.password = "pw".toCharArray();
        o.kdf = new KeyFile.KdfParams(1 << 10, 8, 1);
        Repository.init(new LocalStorage(repo), o).close();
        for (int i = 0; i < 3; i++) {
            backup();
        }
    }

    /**
     * One backup: adds files a{k} and b{k} (one chunk each, in backup k's pack), deletes
     * b{k-1} and a{k-3}, edits notes.txt. Once snapshot k is forgotten, pack k is half unused
     * (repacked) and older packs wholly unused (deleted).
     */
    void backup() throws IOException {
        int k = backups++;
        write("a" + k + ".bin", 200 * 1024);
        write("b" + k + ".bin", 200 * 1024);
        Files.deleteIfExists(src.resolve("b" + (k - 1) + ".bin"));
        Files.deleteIfExists(src.resolve("a" + (k - 3) + ".bin"));
        Files.writeString(src.resolve("notes.txt"), "notes of backup " + k + "\n");
        CliRunner.Result r = vault.run("backup", "--repo", repo.toString(), "--json", src.toString());
        assertEquals(0, r.exitCode, r.toString());
        String id = JsonParser.parseString(r.out.lines().reduce((x, y) -> y).orElseThrow()).getAsJsonObject().get("snapshot").getAsString();
        expected.put(id, FileTrees.ofFolder(src));
    }

    void write(String name, int size) throws IOException {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        Files.write(src.resolve(name), b);
    }

    /** A new snapshot and the oldest forgotten: the next prune has packs to repack and to delete. */
    void nextRound() throws IOException {
        backup();
        CliRunner.Result f = vault.run("forget", "--repo", repo.toString(), "--keep-last", "2");
        assertEquals(0, f.exitCode, f.toString());
    }

    /** Runs {@code vault prune} in a child JVM that stops at {@code stop}, and kills it there (SIGKILL). */
    void pruneKilledAt(String stop, int round) throws Exception {
        Path steps = tmp.resolve("steps-" + round);
        Map<String, String> env = Map.of("VAULT_PASSWORD", "pw", "VAULT_CONFIG_HOME", tmp.resolve("config").toString(),
                "VAULT_CACHE_HOME", tmp.resolve("cache").toString());
        try (ChildJvm p = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1", "-Dvault.test.pruneSteps=" + steps,
                "-Dvault.test.pruneStopAt=" + stop), "dev.vault.cli.Main", List.of("prune", "--repo", repo.toString()), env,
                tmp.resolve("prune-" + round + ".log"))) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!reached(steps, stop)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("prune never reached step '" + stop + "' (exit " + p.waitFor(1000) + "); steps done: "
                            + (Files.exists(steps) ? Files.readAllLines(steps) : "none") + "\n" + Files.readString(p.log()));
                }
                Thread.sleep(20);
            }
            p.kill();
        }
        List<String> done = Files.readAllLines(steps);
        assertEquals(stop, done.get(done.size() - 1), "the kill landed right after step '" + stop + "', inside prune's work");
    }

    /** forget --prune holds one exclusive lock from its first deletion to its last: caught inside prune's repack, it is still forget's. */
    @Test
    void forgetPruneHoldsOneLockThroughBothSteps() throws Exception {
        backup();
        Path steps = tmp.resolve("steps-forget");
        Map<String, String> env = Map.of("VAULT_PASSWORD", "pw", "VAULT_CONFIG_HOME", tmp.resolve("config").toString(),
                "VAULT_CACHE_HOME", tmp.resolve("cache").toString());
        try (ChildJvm p = ChildJvm.start(List.of("-XX:TieredStopAtLevel=1", "-Dvault.test.pruneSteps=" + steps,
                "-Dvault.test.pruneStopAt=index-written"), "dev.vault.cli.Main",
                List.of("forget", "--keep-last", "2", "--prune", "--repo", repo.toString()), env, tmp.resolve("forget.log"))) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!reached(steps, "index-written")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("forget --prune never reached prune's index step (exit " + p.waitFor(1000) + ")\n" + Files.readString(p.log()));
                }
                Thread.sleep(20);
            }
            List<String> purposes = new ArrayList<>();
            try (var locks = Files.list(repo.resolve("locks"))) {
                for (Path l : (Iterable<Path>) locks::iterator) {
                    purposes.add(JsonParser.parseString(Files.readString(l)).getAsJsonObject().get("purpose").getAsString());
                }
            }
            assertEquals(List.of("forget --prune"), purposes, "one lock, taken before forget removed anything, held into prune");
            CliRunner.Result backup = vault.run("backup", "--repo", repo.toString(), src.toString());
            assertEquals(dev.vault.engine.ExitCodes.LOCKED, backup.exitCode, backup.toString());
            assertTrue(backup.err.contains("'forget --prune'"), backup.err);
            p.kill();
        }
        // this computer's cache saw the two snapshots the child forgot: check says so once (exit 3), then knows
        CliRunner.Result seen = vault.run("check", "--repo", repo.toString());
        assertEquals(dev.vault.engine.ExitCodes.WARNINGS, seen.exitCode, seen.toString());
        assertTrue(seen.out.contains("2 snapshot(s) seen before are gone"), seen.out);
        assertEquals(0, vault.run("snapshots", "--repo", repo.toString()).exitCode); // reads the list anew into the cache
        verify("after forget --prune was killed inside prune");
    }

    static boolean reached(Path steps, String stop) throws IOException {
        return Files.exists(steps) && Files.readAllLines(steps).contains(stop);
    }

    /** check --read-data passes and every snapshot restores to exactly its files. */
    void verify(String after) throws IOException {
        CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data");
        assertEquals(0, check.exitCode, after + ": " + check);
        List<String> snaps = new ArrayList<>();
        try (var s = Files.list(repo.resolve("snapshots"))) {
            s.forEach(p -> snaps.add(p.getFileName().toString()));
        }
        expected.keySet().retainAll(snaps);
        assertEquals(snaps.size(), expected.size(), after + ": every snapshot in the repository is one we took");
        assertTrue(snaps.size() >= 2, after + ": " + snaps);
        for (String id : snaps) {
            Path out = tmp.resolve("restore-" + id.substring(0, 12) + "-" + System.nanoTime());
            CliRunner.Result r = vault.run("restore", "--repo", repo.toString(), id, "--to", out.toString());
            assertEquals(0, r.exitCode, after + ": " + r);
            String diff = FileTrees.diff(expected.get(id), FileTrees.ofFolder(out));
            assertEquals("", diff, after + ": snapshot " + id.substring(0, 12) + " restores exactly");
        }
    }

    void killLoop(int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            String stop = STOPS.get(round % STOPS.size());
            nextRound();
            pruneKilledAt(stop, round);
            verify("after a kill at '" + stop + "' (round " + round + ")");
        }
        CliRunner.Result prune = vault.run("prune", "--repo", repo.toString());
        assertEquals(0, prune.exitCode, "a prune after the kills completes: " + prune);
        verify("after the final prune");
        CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data", "--json");
        assertTrue(check.out.contains("\"notes\":[]"), "the final prune removed what the killed ones left: " + check.out);
    }

    @Test
    void prunesKilledInsideTheirRepackAndDeletePhasesLoseNothing() throws Exception {
        killLoop(3); // one kill in the repack phase, two in the delete phase; the slow loop goes through all of STOPS
    }

    @Test
    @Tag("slow")
    void manyPrunesKilledInALoop() throws Exception {
        killLoop(4 * STOPS.size());
    }
}
