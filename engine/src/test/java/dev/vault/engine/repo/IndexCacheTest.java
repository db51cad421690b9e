package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.init;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.index.IndexCache;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.storage.CachingStorage;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary index in the local cache: used only for exactly the index files it came from. */
class IndexCacheTest {
    @TempDir
    Path tmp;

    Repository open(boolean cached) throws IOException {
        LocalStorage s = new LocalStorage(tmp.resolve("repo"));
        return Repository.open(cached ? new CachingStorage(s, tmp.resolve("cache")) : s, () -> "secret".toCharArray());
    }

    Path src(int round) throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("a.bin"), random(3 << 20, 1));
        write(src.resolve("round.bin"), random(1 << 20, 100 + round));
        return src;
    }

    /** Every blob of the index files, as the uncached load sees them, is where the cached load says. */
    void assertSameIndex(MasterIndex want, MasterIndex got) {
        assertEquals(want.indexFiles(), got.indexFiles());
        assertEquals(want.blobCount(), got.blobCount());
        for (String pack : want.packs()) {
            assertEquals(want.packSize(pack), got.packSize(pack));
            for (PackEntry e : want.packEntries(pack)) {
                assertEquals(want.get(e.id()), got.get(e.id()), e.id().hex());
            }
        }
    }

    @Test
    void aBackupLeavesACacheThatTheNextOpenUsesAndAnyOtherIndexSetBypasses() throws IOException {
        init(new LocalStorage(tmp.resolve("repo")), true);
        backup(open(true), src(1));
        Path bin = tmp.resolve("cache/index.bin");
        assertTrue(Files.isRegularFile(bin), "written after a backup that stored blobs");
        MasterIndex truth = open(false).loadIndex(new java.util.ArrayList<>());
        assertSameIndex(truth, open(true).loadIndex(null));
        assertSameIndex(truth, IndexCache.read(open(true).storage(), open(false).storage().list(FileType.INDEX)));

        // another computer backs up (no cache here): the set of index files changes, the cache is bypassed
        backup(open(false), src(2));
        List<String> now = open(false).storage().list(FileType.INDEX);
        assertEquals(null, IndexCache.read(open(true).storage(), now));
        MasterIndex truth2 = open(false).loadIndex(new java.util.ArrayList<>());
        assertNotEquals(truth.blobCount(), truth2.blobCount());
        assertSameIndex(truth2, open(true).loadIndex(null)); // parsed, and the cache rewritten for this set
        assertSameIndex(truth2, IndexCache.read(open(true).storage(), now));

        // a damaged cache is ignored and replaced
        byte[] b = Files.readAllBytes(bin);
        b[b.length / 2] ^= 1;
        Files.write(bin, b);
        assertEquals(null, IndexCache.read(open(true).storage(), now));
        assertSameIndex(truth2, open(true).loadIndex(null));
        assertSameIndex(truth2, IndexCache.read(open(true).storage(), now));
    }

    /** A cache claiming the repository's current index files but holding no entries (as a bug or tampering might). */
    void writeEmptyCache() throws IOException {
        MasterIndex empty = new MasterIndex();
        for (String name : open(false).storage().list(FileType.INDEX)) {
            empty.add(name, List.of());
        }
        IndexCache.write(open(true).storage(), empty);
    }

    @Test
    void checkNeverTrustsTheCacheAndAStaleOneOnlyCostsSpace() throws IOException {
        init(new LocalStorage(tmp.resolve("repo")), true);
        backup(open(true), src(1));
        writeEmptyCache();
        assertEquals(0, open(true).loadIndex(null).blobCount());
        Check.Result c = Check.run(open(false), new Check.Options());
        assertTrue(c.ok(), c.errors.toString());
        assertTrue(open(true).loadIndex(new java.util.ArrayList<>()).blobCount() > 0, "check reads the index files");
        // a backup through it stores its chunks again rather than skipping any: nothing is ever missing
        Backup.Result again = backup(open(true), src(1));
        // prune reads the index files themselves: with the cache made stale again, it still keeps every pack in use
        writeEmptyCache();
        assertEquals(0, open(true).loadIndex(null).blobCount());
        Prune.run(open(true), false);
        Check.Options all = new Check.Options();
        all.readData = true;
        assertTrue(Check.run(open(false), all).ok());
        Restore.Options ro = new Restore.Options();
        ro.snapshot = again.snapshot.id;
        ro.target = tmp.resolve("out");
        assertEquals(List.of(), Restore.run(open(false), ro).errors);
    }
}
