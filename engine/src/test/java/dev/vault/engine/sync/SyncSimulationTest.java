package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vault.engine.VaultException;
import dev.vault.fixtures.FileTrees;
import dev.vault.fixtures.RandomFileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.eclipse.jgit.dircache.DirCache;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded randomized simulation: three computers do random file operations and sync in random order,
 * sometimes offline for a while, sometimes writing while their round runs, sometimes killed at a step
 * of the round (an exception thrown there, as a kill would stop it). At the end everyone syncs and
 * every workspace must equal the hub. The ledger of {@link RandomFileOps} knows every version written
 * at every path: no round may drop a version from a path (or that path's conflict copies) unless an
 * operation removed it from that same path, no version may turn up at a path no operation put it at,
 * and a mass delete is allowed only in steps that did one (or when the round paused for a real one).
 * Replay a failure with -Dvault.sim.seed=N (and -Dvault.sim.rounds=N).
 */
class SyncSimulationTest {
    private static final List<String> TEXT_NAMES = List.of("a.txt", "b.txt", "c.txt", "notes/d.txt", "notes/e.txt", "f.txt");
    private static final List<String> BINARY_NAMES = List.of("x.bin", "y.bin", "pics/z.bin");
    private static final List<String> KILL_STEPS = List.of("committed", "fetched", "before-working-tree-update", "before-push", "pushed");

    @TempDir
    Path tmp;

    @Test
    void threeComputersRandomRounds() throws Exception {
        long seed = Long.getLong("vault.sim.seed", System.nanoTime());
        simulate(seed, Integer.getInteger("vault.sim.rounds", 300));
    }

    @Test
    @Tag("slow")
    void threeComputersTenThousandRounds() throws Exception {
        long seed = Long.getLong("vault.sim.seed", System.nanoTime());
        simulate(seed, 10_000);
    }

    /** A kill at a step of the round. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed(String step) {
            super("killed at " + step);
        }
    }

    private RandomFileOps ops;
    private Random rnd;
    private int round;
    private int kills;
    private int midRoundWrites;
    private int pauses;

    private void simulate(long seed, int rounds) throws Exception {
        try {
            run(seed, rounds);
        } catch (Throwable t) {
            throw new AssertionError("simulation failed with seed " + seed + " (replay: -Dvault.sim.seed=" + seed
                    + " -Dvault.sim.rounds=" + rounds + "): " + t, t);
        }
    }

    private static String family(String path) {
        return ConflictCopies.parse(path).map(p -> p.original).orElse(path);
    }

    private void run(long seed, int rounds) throws Exception {
        rnd = new Random(seed);
        ops = new RandomFileOps(rnd, TEXT_NAMES, BINARY_NAMES, SyncSimulationTest::family);
        Computers net = new Computers(tmp);
        List<Computers.Computer> cs = List.of(net.join("laptop"), net.join("desktop"), net.join("tablet"));
        int[] offlineFor = new int[cs.size()];
        boolean[] massDeleted = new boolean[cs.size()];
        for (round = 0; round < rounds; round++) {
            int i = rnd.nextInt(cs.size());
            Computers.Computer c = cs.get(i);
            if (rnd.nextInt(150) == 0) {
                ops.massDelete(c.root());
                massDeleted[i] = true;
            } else {
                for (int k = 0, n = rnd.nextInt(4); k < n; k++) {
                    ops.apply(c.root(), c.ws.computer());
                }
            }
            if (offlineFor[i] == 0 && rnd.nextInt(40) == 0) {
                offlineFor[i] = 5 + rnd.nextInt(30);
            }
            if (rnd.nextInt(3) > 0 && sync(c, offlineFor[i] > 0, massDeleted[i], true)) {
                massDeleted[i] = false;
            }
            if (offlineFor[i] > 0) {
                offlineFor[i]--;
            }
        }
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < cs.size(); i++) {
                if (sync(cs.get(i), false, massDeleted[i], false)) {
                    massDeleted[i] = false;
                }
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
        Map<String, String> misplaced = ops.misplaced(hub);
        assertTrue(misplaced.isEmpty(), "content at the wrong path in the hub: " + misplaced);
        if (rounds >= 300) {
            // the simulation exercises what it claims to (deterministic per seed, loose bounds)
            assertTrue(kills > 0 && midRoundWrites > 0, "kills " + kills + ", writes during rounds " + midRoundWrites);
        }
    }

    /** One round on {@code c}, maybe with writes while it runs and maybe killed at a step; true if it completed. */
    private boolean sync(Computers.Computer c, boolean offline, boolean massDeleteMeant, boolean chaos) throws IOException {
        ops.noteSeen(c.root());
        Map<String, byte[]> before = FileTrees.ofFolder(c.root());
        String who = c.ws.computer();
        SyncEngine.Options o = new SyncEngine.Options().allowMassDelete(massDeleteMeant).offline(offline);
        String killAt = chaos && rnd.nextInt(12) == 0 ? KILL_STEPS.get(rnd.nextInt(KILL_STEPS.size())) : null;
        boolean writeDuring = chaos && rnd.nextInt(6) == 0;
        @SuppressWarnings("unchecked")
        Map<String, byte[]>[] during = new Map[1];
        o.beforeWorkingTreeUpdate = () -> {
            if (writeDuring) {
                for (int k = 0, n = 1 + rnd.nextInt(2); k < n; k++) {
                    ops.apply(c.root(), who);
                }
                midRoundWrites++;
                during[0] = FileTrees.ofFolder(c.root());
            }
            if ("before-working-tree-update".equals(killAt)) {
                throw new Killed(killAt);
            }
        };
        o.onStep = step -> {
            if (step.equals(killAt)) {
                throw new Killed(step);
            }
        };
        SyncResult r = null;
        String outcome;
        try {
            r = c.sync(o);
            outcome = r.summary();
        } catch (VaultException e) {
            if (e.getCause() instanceof Killed) {
                kills++;
                outcome = "killed (" + e.getCause().getMessage() + ")";
            } else if (e.getMessage().startsWith("sync paused") && !massDeleteMeant) {
                // only a real mass delete on disk may pause the round; the user then confirms it
                assertRealMassDelete(c, e);
                pauses++;
                return sync(c, offline, true, false);
            } else {
                throw e;
            }
        }
        Map<String, byte[]> after = FileTrees.ofFolder(c.root());
        checkRound(c, before, after, outcome, r);
        if (during[0] != null) {
            checkRound(c, during[0], after, outcome + ", after writes during the round", r);
        }
        Map<String, String> misplaced = ops.misplaced(after);
        if (!misplaced.isEmpty()) {
            fail("round " + round + " on " + who + " (" + outcome + ") put content at the wrong path: " + misplaced);
        }
        return r != null;
    }

    private void checkRound(Computers.Computer c, Map<String, byte[]> before, Map<String, byte[]> after, String outcome, SyncResult r) {
        Map<String, String> dropped = ops.dropped(before, after);
        if (!dropped.isEmpty()) {
            fail("round " + round + " on " + c.ws.computer() + " (" + outcome + ") dropped " + dropped
                    + (r == null ? "" : "; conflicts " + r.conflicts.size() + ", kept local " + r.keptLocal));
        }
    }

    /** The workspace's index lists the files of its last commit: most of them must really be gone from the disk. */
    private static void assertRealMassDelete(Computers.Computer c, VaultException e) throws IOException {
        DirCache dc = DirCache.read(c.ws.repository());
        int tracked = dc.getEntryCount();
        int gone = 0;
        for (int i = 0; i < tracked; i++) {
            if (!Files.exists(c.root().resolve(dc.getEntry(i).getPathString()), LinkOption.NOFOLLOW_LINKS)) {
                gone++;
            }
        }
        assertTrue(gone > 0 && (gone == tracked || gone * 2 > tracked),
                c.ws.computer() + " paused for a mass delete although " + gone + " of " + tracked + " files are gone: " + e.getMessage());
    }
}
