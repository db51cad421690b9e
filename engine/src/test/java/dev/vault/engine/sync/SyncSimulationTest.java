package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vault.fixtures.FileTrees;
import dev.vault.fixtures.RandomFileOps;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded randomized simulation: three computers do random file operations and sync in random order,
 * sometimes offline for a while. At the end everyone syncs and every workspace must equal the hub,
 * and no version is lost: every line (text) or content (binary) a computer had when it synced is in
 * the final tree unless some computer deleted or replaced it after having it.
 * Replay a failure with -Dvault.sim.seed=N (and -Dvault.sim.rounds=N).
 */
class SyncSimulationTest {
    private static final List<String> TEXT_NAMES = List.of("a.txt", "b.txt", "c.txt", "notes/d.txt", "notes/e.txt", "f.txt");
    private static final List<String> BINARY_NAMES = List.of("x.bin", "y.bin", "pics/z.bin");

    @TempDir
    Path tmp;

    @Test
    void threeComputersRandomRounds() throws Exception {
        long seed = Long.getLong("vault.sim.seed", System.nanoTime());
        simulate(seed, Integer.getInteger("vault.sim.rounds", 300));
    }

    @Test
    @Tag("slow")
    void threeComputersFiveThousandRounds() throws Exception {
        long seed = Long.getLong("vault.sim.seed", System.nanoTime());
        simulate(seed, 5000);
    }

    private RandomFileOps ops;

    private void simulate(long seed, int rounds) throws Exception {
        try {
            run(seed, rounds);
        } catch (Throwable t) {
            throw new AssertionError("simulation failed with seed " + seed + " (replay: -Dvault.sim.seed=" + seed
                    + " -Dvault.sim.rounds=" + rounds + "): " + t, t);
        }
    }

    private void run(long seed, int rounds) throws Exception {
        Random rnd = new Random(seed);
        ops = new RandomFileOps(rnd, TEXT_NAMES, BINARY_NAMES);
        Computers net = new Computers(tmp);
        List<Computers.Computer> cs = List.of(net.join("laptop"), net.join("desktop"), net.join("tablet"));
        int[] offlineFor = new int[cs.size()];
        for (round = 0; round < rounds; round++) {
            int i = rnd.nextInt(cs.size());
            Computers.Computer c = cs.get(i);
            int n = rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                ops.apply(c.root());
            }
            if (offlineFor[i] == 0 && rnd.nextInt(40) == 0) {
                offlineFor[i] = 5 + rnd.nextInt(30);
            }
            if (rnd.nextInt(3) > 0) {
                sync(c, offlineFor[i] > 0);
            }
            if (offlineFor[i] > 0) {
                offlineFor[i]--;
            }
        }
        for (int pass = 0; pass < 3; pass++) {
            for (Computers.Computer c : cs) {
                sync(c, false);
            }
        }
        Map<String, byte[]> hub = FileTrees.ofBranch(net.hub, "refs/heads/main");
        for (Computers.Computer c : cs) {
            String d = FileTrees.diff(hub, FileTrees.ofFolder(c.root()));
            assertEquals("", d, c.ws.computer() + " differs from the hub");
        }
        TreeSet<String> lost = ops.lost(hub);
        if (!lost.isEmpty()) {
            fail(lost.size() + " versions lost, e.g. " + lost.first() + " (all: " + lost + ")");
        }
    }

    private int round;

    private void sync(Computers.Computer c, boolean offline) {
        ops.noteSeen(c.root());
        Map<String, byte[]> before = FileTrees.ofFolder(c.root());
        SyncResult r = c.sync(new SyncEngine.Options().allowMassDelete(true).offline(offline));
        // a round may remove a version only if some computer deleted or replaced it after having it
        Map<String, String> dropped = ops.dropped(before, FileTrees.ofFolder(c.root()));
        if (!dropped.isEmpty()) {
            fail("round " + round + " on " + c.ws.computer() + " (" + r.summary() + ") dropped " + dropped
                    + "; conflicts " + r.conflicts.size() + ", kept local " + r.keptLocal);
        }
    }
}
