package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.restore;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.storage.FaultyStorage;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune against a storage that fails its n-th write or n-th delete, for every n prune reaches: after
 * each failure every snapshot still restores to exactly its files, check --read-data passes, and a
 * prune on the healed storage completes and leaves nothing behind.
 */
class PruneFaultTest {
    @TempDir
    Path tmp;
    /** Snapshot id → the files it was taken of. */
    final Map<String, Map<String, byte[]>> expected = new HashMap<>();

    /** A repository where prune has packs to repack (half used) and to delete (unused), built once and copied per case. */
    Path template() throws IOException {
        Path dir = tmp.resolve("template");
        Repository.InitOptions o = new Repository.InitOptions();
        o.password = "secret".toCharArray();
        o.kdf = BackupRestoreTest.FAST_KDF;
        Repository repo = Repository.init(new LocalStorage(dir), o);
        Path src = tmp.resolve("src");
        for (int k = 0; k < 5; k++) {
            write(src.resolve("a" + k + ".bin"), random(200 * 1024, 2 * k));
            write(src.resolve("b" + k + ".bin"), random(200 * 1024, 2 * k + 1));
            Files.deleteIfExists(src.resolve("b" + (k - 1) + ".bin"));
            Files.deleteIfExists(src.resolve("a" + (k - 3) + ".bin"));
            write(src.resolve("notes.txt"), ("notes " + k + "\n").getBytes());
            Snapshot s = backup(repo, src).snapshot;
            expected.put(s.id, files(src));
        }
        Forget.Policy keep = new Forget.Policy();
        keep.keepLast = 2;
        for (Snapshot s : Forget.run(repo, keep, false).remove) {
            expected.remove(s.id);
        }
        return dir;
    }

    static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    m.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    static void copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.naturalOrder())::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    Repository open(Path dir) throws IOException {
        return Repository.open(new LocalStorage(dir), () -> "secret".toCharArray());
    }

    void verify(Path dir, String after) throws IOException {
        Check.Options co = new Check.Options();
        co.readData = true;
        Check.Result c = Check.run(open(dir), co);
        assertTrue(c.ok(), after + ": " + c.errors + " " + c.affected);
        List<Snapshot> snaps = open(dir).snapshots(null);
        assertEquals(expected.keySet(), new java.util.HashSet<>(snaps.stream().map(s -> s.id).toList()), after);
        for (Snapshot s : snaps) {
            Path out = tmp.resolve("out-" + System.nanoTime());
            restore(open(dir), s.id, out);
            Map<String, byte[]> got = files(out);
            Map<String, byte[]> want = expected.get(s.id);
            assertEquals(want.keySet(), got.keySet(), after + ": snapshot " + s.shortId() + " has exactly its files");
            for (String f : want.keySet()) {
                assertTrue(java.util.Arrays.equals(want.get(f), got.get(f)), after + ": " + f + " of " + s.shortId());
            }
        }
    }

    /** Runs prune with the n-th operation failing, for n = 1, 2, ... until a prune no longer reaches it. */
    int failEach(Path template, String what, IntFunction<java.util.function.UnaryOperator<FaultyStorage>> fault) throws IOException {
        int failures = 0;
        for (int n = 1; ; n++) {
            Path dir = tmp.resolve(what + "-" + n);
            copy(template, dir);
            FaultyStorage faulty = fault.apply(n).apply(new FaultyStorage(new LocalStorage(dir)));
            Repository repo = Repository.open(faulty, () -> "secret".toCharArray());
            boolean failed;
            try {
                Prune.run(repo, false);
                failed = false;
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("injected fault"), e.toString());
                failed = true;
            }
            if (!failed) {
                assertTrue(n > 1, "prune " + what + "s something");
                return failures;
            }
            failures++;
            verify(dir, "after " + what + " " + n + " failed");
            Prune.run(open(dir), false); // completes: nothing the failed one left blocks it
            Check.Options co = new Check.Options();
            co.readData = true;
            Check.Result c = Check.run(open(dir), co);
            assertTrue(c.ok(), "after the prune that followed failed " + what + " " + n + ": " + c.errors + " " + c.affected);
            assertEquals(List.of(), c.warnings, "nothing is left behind");
            if (n > 200) {
                fail("prune kept reaching " + what + " " + n);
            }
        }
    }

    @Test
    void everyFailedWriteOrDeleteOfAPruneLeavesEverySnapshotIntact() throws IOException {
        Path template = template();
        verify(template, "before any prune");
        int writes = failEach(template, "write", n -> f -> f.failWrite(n));
        int deletes = failEach(template, "delete", n -> f -> f.failDelete(n));
        assertTrue(writes >= 2, "prune writes packs and an index: " + writes);
        assertTrue(deletes >= 3, "prune deletes index files and packs: " + deletes);
    }
}
