package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.init;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.restore;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.storage.FaultyStorage;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.InMemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups against a storage that fails, fills up, truncates or corrupts: nothing half-done is ever referenced. */
class FaultInjectionTest {
    @TempDir
    Path tmp;
    Path src;
    InMemoryStorage mem;
    FaultyStorage faulty;
    Repository repo;

    @BeforeEach
    void setUp() throws IOException {
        src = tmp.resolve("src");
        for (int i = 0; i < 4; i++) {
            write(src.resolve("bin/f" + i + ".dat"), random(3 << 20, i));
        }
        write(src.resolve("notes.txt"), "notes\n".getBytes());
        mem = new InMemoryStorage();
        Repository.InitOptions o = new Repository.InitOptions();
        o.password = "secret".toCharArray();
        o.kdf = BackupRestoreTest.FAST_KDF;
        o.packSize = 4 << 20; // several packs for a small dataset
        Repository.init(mem, o);
        faulty = new FaultyStorage(mem);
        repo = Repository.open(faulty, () -> "secret".toCharArray());
    }

    /** Restores while the trees are already cached in memory, so only file data reads hit the faults. */
    Restore.Result restoreWithCachedTrees(Repository reader) throws IOException {
        Restore.Options o = new Restore.Options();
        o.target = tmp.resolve("out");
        return Restore.run(reader, o);
    }

    Check.Result fullCheck() throws IOException {
        Check.Options o = new Check.Options();
        o.readData = true;
        return Check.run(Repository.open(mem, () -> "secret".toCharArray()), o);
    }

    @Test
    void failedWriteAbortsTheBackupWithoutASnapshotAndTheNextOneSucceeds() throws IOException {
        faulty.failWrite(faulty.writeCount() + 3);
        assertThrows(IOException.class, () -> backup(repo, src));
        assertEquals(List.of(), mem.list(FileType.SNAPSHOT));
        assertEquals(List.of(), mem.list(FileType.LOCK), "the lock is released");
        assertTrue(fullCheck().ok());
        faulty.heal();
        Backup.Result r = backup(Repository.open(faulty, () -> "secret".toCharArray()), src);
        assertTrue(r.snapshot.summary.filesNew > 0);
        Check.Result c = fullCheck();
        assertTrue(c.ok(), c.errors + " " + c.affected);
        restore(Repository.open(mem, () -> "secret".toCharArray()), "latest", tmp.resolve("out"));
        assertArrayEquals(Files.readAllBytes(src.resolve("bin/f2.dat")), Files.readAllBytes(tmp.resolve("out/bin/f2.dat")));
    }

    @Test
    void diskFullFailsLoudlyAndLeavesARepositoryThatStillChecks() throws IOException {
        faulty.diskFullAfter(6 << 20);
        IOException e = assertThrows(IOException.class, () -> backup(repo, src));
        assertTrue(e.getMessage().contains("No space left"), e.getMessage());
        assertEquals(List.of(), mem.list(FileType.SNAPSHOT));
        assertTrue(fullCheck().ok());
    }

    @Test
    void silentlyTruncatedPackIsCaughtByCheckAndNamesTheFiles() throws IOException {
        faulty.shortWrite(faulty.writeCount() + 2); // +1 is the lock file, +2 the first pack
        Backup.Result r = backup(repo, src);
        Check.Result c = Check.run(Repository.open(mem, () -> "secret".toCharArray()), new Check.Options());
        assertFalse(c.ok());
        assertTrue(c.errors.get(0).contains("truncated"), c.errors.toString());
        assertFalse(c.affected.get(r.snapshot.shortId()).isEmpty());
    }

    @Test
    void corruptReadsOfTheRootListingFailTheRestoreWithOneClearMessage() throws IOException {
        backup(repo, src);
        faulty.corruptReads(FileType.DATA);
        dev.vault.engine.VaultException e = assertThrows(dev.vault.engine.VaultException.class,
                () -> restore(Repository.open(faulty, () -> "secret".toCharArray()), "latest", tmp.resolve("out")));
        assertTrue(e.getMessage().contains("check --read-data"), e.getMessage());
    }

    @Test
    void corruptDataReadsMakeRestoreFailLoudlyPerFile() throws IOException {
        backup(repo, src);
        Repository reader = Repository.open(faulty, () -> "secret".toCharArray());
        Listing.list(reader, reader.findSnapshot("latest"), ""); // every tree loads fine, and is now cached
        faulty.corruptReads(FileType.DATA);
        Restore.Result r = restoreWithCachedTrees(reader);
        assertFalse(r.errors.isEmpty());
        assertTrue(r.errors.stream().allMatch(e -> e.contains("fails authentication") || e.contains("damaged")), r.errors.toString());
        try (var s = Files.walk(tmp.resolve("out"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".vault-tmp")), "no temporary files left");
        }
        // a new folder: files are written under their final names, and a damaged one is removed again
        for (int i = 0; i < 4; i++) {
            assertFalse(Files.exists(tmp.resolve("out/bin/f" + i + ".dat")), "no partial file f" + i);
        }
        assertFalse(Files.exists(tmp.resolve("out/notes.txt")));
    }

    @Test
    void corruptDataReadsLeaveFilesAlreadyAtTheDestinationIntact() throws IOException {
        backup(repo, src);
        Path out = tmp.resolve("out");
        write(out.resolve("bin/f0.dat"), "old f0".getBytes());
        write(out.resolve("notes.txt"), "old notes".getBytes());
        Repository reader = Repository.open(faulty, () -> "secret".toCharArray());
        Listing.list(reader, reader.findSnapshot("latest"), "");
        faulty.corruptReads(FileType.DATA);
        Restore.Result r = restoreWithCachedTrees(reader);
        assertEquals(5, r.errors.size(), r.errors.toString());
        assertEquals("old f0", Files.readString(out.resolve("bin/f0.dat")));
        assertEquals("old notes", Files.readString(out.resolve("notes.txt")));
        assertFalse(Files.exists(out.resolve("bin/f1.dat")), "no partial file in a folder that existed");
        try (var s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".vault-tmp")), "no temporary files left");
        }
    }
}
