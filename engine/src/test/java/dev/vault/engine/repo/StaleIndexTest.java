package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.assertSameTree;
import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.init;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.restore;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.ForwardingStorage;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.engine.repo.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index file naming a pack that no longer exists (an old index file put back after prune) is read
 * first: every blob it names still has its other location, which readers, check and prune use.
 */
class StaleIndexTest {
    @TempDir
    Path tmp;

    /** Lists the index files with {@code first} first, so the stale entries are the first seen. */
    static Storage staleFirst(Storage inner, String first) {
        return new ForwardingStorage(inner) {
            @Override
            public List<String> list(FileType type) throws IOException {
                List<String> names = new ArrayList<>(inner.list(type));
                if (type == FileType.INDEX && names.remove(first)) {
                    names.add(0, first);
                }
                return names;
            }
        };
    }

    @Test
    void aStaleFirstEntryIsPassedOverByRestoreCheckAndPrune() throws IOException {
        Path repoDir = Files.createDirectories(tmp.resolve("repo"));
        init(new LocalStorage(repoDir), true).close();
        Path src = tmp.resolve("src");
        write(src.resolve("a.bin"), random(3 << 20, 1));
        write(src.resolve("small.txt"), "small".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String snap;
        MasterIndex real;
        String stale;
        String gone = "f".repeat(64);
        try (Repository repo = Repository.open(new LocalStorage(repoDir), () -> "secret".toCharArray())) {
            snap = backup(repo, src).snapshot.id;
            real = repo.reloadIndex();
            // every blob, listed again in a pack that is gone (as an index file from before a prune lists it)
            List<PackEntry> all = new ArrayList<>();
            for (String pack : real.packs()) {
                all.addAll(real.packEntries(pack));
            }
            IndexFile old = new IndexFile();
            old.add(gone, 1234, all);
            stale = repo.writeDocument(FileType.INDEX, old);
        }
        try (Repository repo = Repository.open(staleFirst(new LocalStorage(repoDir), stale), () -> "secret".toCharArray())) {
            MasterIndex idx = repo.index();
            BlobId any = idx.packEntries(gone).get(0).id();
            assertEquals(gone, idx.get(any).pack(), "the stale entry is the first location seen");
            assertEquals(2, idx.locations(any).size());
            assertTrue(repo.readBlob(idx.packEntries(gone).get(0).type(), any).length >= 0);
            Restore.Result r = restore(repo, snap, tmp.resolve("out1"));
            assertEquals(List.of(), r.errors);
            assertSameTree(src, tmp.resolve("out1"));
        }
        try (Repository repo = Repository.open(staleFirst(new LocalStorage(repoDir), stale), () -> "secret".toCharArray())) {
            Check.Options o = new Check.Options();
            o.readData = true;
            Check.Result c = Check.run(repo, o);
            assertEquals(List.of("pack " + gone + " is missing (listed by index/" + stale + ")"), c.errors);
            assertTrue(c.affected.isEmpty(), "every file is still restorable: " + c.affected);
        }
        try (Repository repo = Repository.open(staleFirst(new LocalStorage(repoDir), stale), () -> "secret".toCharArray())) {
            Prune.run(repo, false);
        }
        try (Repository repo = Repository.open(new LocalStorage(repoDir), () -> "secret".toCharArray())) {
            Check.Options o = new Check.Options();
            o.readData = true;
            Check.Result c = Check.run(repo, o);
            assertTrue(c.ok(), c.errors.toString());
            for (String pack : real.packs()) {
                assertTrue(repo.storage().exists(new dev.vault.engine.repo.storage.Handle(FileType.DATA, pack)), "prune kept " + pack);
            }
            restore(repo, snap, tmp.resolve("out2"));
            assertSameTree(src, tmp.resolve("out2"));
        }
    }

    @Test
    void everyLocationSurvivesTheBinaryIndexCache() throws IOException {
        MasterIndex mi = new MasterIndex();
        BlobId id = new BlobId(new byte[32]);
        PackEntry e = new PackEntry(BlobType.DATA, id, 0, 10, 8);
        mi.add("a".repeat(64), List.of(new MasterIndex.PackRecord("1".repeat(64), 14, List.of(e))));
        mi.add("b".repeat(64), List.of(new MasterIndex.PackRecord("2".repeat(64), 14, List.of(e))));
        assertEquals(2, mi.locations(id).size());
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        byte[] key = new byte[32];
        dev.vault.engine.repo.index.IndexCacheAccess.write(dir, mi, key);
        MasterIndex back = dev.vault.engine.repo.index.IndexCacheAccess.read(dir, List.of("a".repeat(64), "b".repeat(64)), key);
        assertEquals(new java.util.HashSet<>(mi.locations(id)), new java.util.HashSet<>(back.locations(id)));
    }
}
