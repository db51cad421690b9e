package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vault.fixtures.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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

    private int counter;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> killed = new HashSet<>();

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
        Computers net = new Computers(tmp);
        List<Computers.Computer> cs = List.of(net.join("laptop"), net.join("desktop"), net.join("tablet"));
        int[] offlineFor = new int[cs.size()];
        for (int round = 0; round < rounds; round++) {
            int i = rnd.nextInt(cs.size());
            Computers.Computer c = cs.get(i);
            int ops = rnd.nextInt(4);
            for (int k = 0; k < ops; k++) {
                randomOp(rnd, c);
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
        Set<String> present = new HashSet<>();
        for (Map.Entry<String, byte[]> e : hub.entrySet()) {
            present.addAll(tokens(e.getKey(), e.getValue()));
        }
        TreeSet<String> lost = new TreeSet<>(seen);
        lost.removeAll(killed);
        lost.removeAll(present);
        if (!lost.isEmpty()) {
            fail(lost.size() + " versions lost, e.g. " + lost.first() + " (all: " + lost + ")");
        }
    }

    private void sync(Computers.Computer c, boolean offline) throws IOException {
        for (Map.Entry<String, byte[]> e : FileTrees.ofFolder(c.root()).entrySet()) {
            seen.addAll(tokens(e.getKey(), e.getValue()));
        }
        c.sync(new SyncEngine.Options().allowMassDelete(true).offline(offline));
    }

    private static List<String> tokens(String path, byte[] content) {
        List<String> out = new ArrayList<>();
        String s = new String(content, StandardCharsets.UTF_8);
        if (path.endsWith(".bin")) {
            if (!s.isEmpty()) {
                out.add(s.substring(1));
            }
            return out;
        }
        for (String line : s.split("\n")) {
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    private String token(String kind) {
        return kind + (++counter);
    }

    private void randomOp(Random rnd, Computers.Computer c) throws IOException {
        List<String> files = new ArrayList<>(FileTrees.ofFolder(c.root()).keySet());
        int op = rnd.nextInt(10);
        if (files.isEmpty() || op < 2) {
            boolean binary = rnd.nextInt(4) == 0;
            String name = binary ? BINARY_NAMES.get(rnd.nextInt(BINARY_NAMES.size())) : TEXT_NAMES.get(rnd.nextInt(TEXT_NAMES.size()));
            if (Files.exists(c.path(name))) {
                edit(rnd, c, name);
            } else if (binary) {
                c.write(name, binary(token("B")));
            } else {
                StringBuilder sb = new StringBuilder();
                for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
                    sb.append(token("T")).append('\n');
                }
                c.write(name, sb.toString());
            }
            return;
        }
        String f = files.get(rnd.nextInt(files.size()));
        byte[] old = Files.readAllBytes(c.path(f));
        if (op < 6) {
            edit(rnd, c, f);
        } else if (op < 8) {
            if (f.endsWith(".bin")) {
                edit(rnd, c, f);
            } else {
                c.write(f, new String(old, StandardCharsets.UTF_8) + token("T") + "\n"); // append
            }
        } else if (op < 9) {
            killed.addAll(tokens(f, old));
            c.delete(f);
        } else {
            List<String> pool = f.endsWith(".bin") ? BINARY_NAMES : TEXT_NAMES;
            String to = pool.get(rnd.nextInt(pool.size()));
            if (!Files.exists(c.path(to)) && !isFolder(c, to)) {
                c.rename(f, to);
            }
        }
    }

    private static boolean isFolder(Computers.Computer c, String p) {
        return Files.isDirectory(c.path(p));
    }

    private static byte[] binary(String token) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[t.length + 1];
        b[0] = 0; // a NUL byte makes it binary for Git
        System.arraycopy(t, 0, b, 1, t.length);
        return b;
    }

    private void edit(Random rnd, Computers.Computer c, String f) throws IOException {
        byte[] old = Files.readAllBytes(c.path(f));
        if (f.endsWith(".bin")) {
            killed.addAll(tokens(f, old));
            c.write(f, binary(token("B")));
            return;
        }
        List<String> lines = new ArrayList<>(tokens(f, old));
        if (lines.isEmpty()) {
            lines.add(token("T"));
        } else {
            int i = rnd.nextInt(lines.size());
            killed.add(lines.get(i));
            lines.set(i, token("T"));
        }
        c.write(f, String.join("\n", lines) + "\n");
    }
}
