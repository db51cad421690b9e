package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.assertSameTree;
import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.restore;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.storage.FaultyStorage;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup interrupted after writing packs but before the index naming them (as when the drive is
 * pulled or the process killed at that moment) leaves packs no index lists. The next backup verifies them and reuses their chunks instead of storing them again; a
 * damaged one is not reused, and prune removes it.
 */
class ResumeAfterInterruptionTest {
    @TempDir
    Path tmp;

    Path workspace() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 4; i++) {
            write(src.resolve("bin/f" + i + ".dat"), random(3 << 20, i));
        }
        for (int i = 0; i < 50; i++) {
            write(src.resolve("text/n" + i + ".txt"), ("note " + i + "\n").repeat(100 + i).getBytes(StandardCharsets.UTF_8));
        }
        return src;
    }

    LocalStorage local() {
        return new LocalStorage(tmp.resolve("repo"));
    }

    Repository open(boolean faulty) throws IOException {
        return Repository.open(faulty ? new FaultyStorage(local()).failWritesOf(FileType.SNAPSHOT) : local(),
                () -> "secret".toCharArray());
    }

    void freshRepository(boolean encrypt, int version) throws IOException {
        Path dir = tmp.resolve("repo");
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Repository.InitOptions o = new Repository.InitOptions();
        o.encrypt = encrypt;
        o.password = "secret".toCharArray();
        o.kdf = BackupRestoreTest.FAST_KDF;
        o.packSize = 2 << 20; // several packs for a small source
        Repository repo = Repository.init(local(), o);
        if (version != 2) {
            // an encrypted config is authenticated: rewrite it as vault would have made it, MAC included
            RepoConfig c = repo.config();
            c.version = version;
            c.mac = c.mac == null ? null : Repository.configMac(repo.crypto(), c);
            Files.writeString(dir.resolve("config"), Repository.GSON.toJson(c));
        }
    }

    /**
     * A backup that stores every pack and is then stopped before the index files naming them exist:
     * it fails at its snapshot write, and its index files are removed (as if it had been killed just
     * before writing them). Returns the packs it left.
     */
    List<String> interruptedBackup(Path src) throws IOException {
        assertThrows(IOException.class, () -> backup(open(true), src));
        for (String name : local().list(FileType.INDEX)) {
            local().delete(new Handle(FileType.INDEX, name));
        }
        assertEquals(List.of(), local().list(FileType.SNAPSHOT));
        List<String> packs = local().list(FileType.DATA);
        assertTrue(packs.size() >= 4, "the interrupted run stored several packs: " + packs);
        return packs;
    }

    Check.Result fullCheck() throws IOException {
        Check.Options o = new Check.Options();
        o.readData = true;
        return Check.run(open(false), o);
    }

    void assertRestoresExactly(Path src, String name) throws IOException {
        Path out = tmp.resolve(name);
        restore(open(false), "latest", out);
        assertSameTree(src, out); // nothing missing
        assertSameTree(out, src); // nothing extra
    }

    @Test
    void packsLeftUnindexedAreVerifiedAndReusedInEveryFormat() throws IOException {
        Path src = workspace();
        int round = 0;
        for (boolean encrypt : new boolean[] {true, false}) {
            for (int version : new int[] {2, 1}) {
                String what = (encrypt ? "encrypted" : "plain") + " format " + version;
                freshRepository(encrypt, version);
                List<String> left = interruptedBackup(src);
                Backup.Result r = backup(open(false), src);
                assertEquals(left.size(), r.packsAdopted, what + ": every intact pack is reused");
                long total = r.snapshot.summary.totalBytes;
                long added = r.snapshot.summary.bytesAdded;
                // without adoption the resumed backup stores everything again (about 100%)
                assertTrue(added < total / 20, what + ": the resumed backup added " + added + " of " + total + " bytes");
                Check.Result c = fullCheck();
                assertTrue(c.ok(), what + ": " + c.errors + " " + c.affected);
                assertEquals(List.of(), c.warnings, what + ": no pack is left unindexed");
                assertRestoresExactly(src, "out" + round++);
            }
        }
    }

    @Test
    void anUnindexedPackWithAForgedHeaderIsNotReused() throws IOException {
        // a plain repository's pack headers are not sealed: anyone who can write the folder can forge one
        Path src = workspace();
        freshRepository(false, 2);
        Repository repo = open(false);
        byte[] plain = "forged".getBytes(StandardCharsets.UTF_8);
        BlobId id = new BlobId(repo.crypto().id(plain, 0, plain.length));
        byte[] stored = Blobs.encode(repo.crypto(), BlobType.DATA, id, plain);
        PackWriter huge = new PackWriter(repo.storage(), repo.crypto(), repo.config().packNaming());
        huge.add(BlobType.DATA, id, stored, stored.length, Integer.MAX_VALUE); // claims a 2 GiB plaintext
        huge.finish();
        PackWriter lying = new PackWriter(repo.storage(), repo.crypto(), repo.config().packNaming());
        lying.add(BlobType.DATA, new BlobId(new byte[32]), stored, stored.length, plain.length); // id of other bytes
        lying.finish();
        assertEquals(2, local().list(FileType.DATA).size());

        Backup.Result r = backup(open(false), src);
        assertEquals(0, r.packsAdopted, "neither forged pack is reused");
        Check.Result c = fullCheck();
        assertTrue(c.ok(), c.errors + " " + c.affected);
        assertEquals(2, c.warnings.size(), c.warnings.toString());
        assertRestoresExactly(src, "out");
    }

    @Test
    void aDamagedUnindexedPackIsNotReusedAndPruneRemovesIt() throws IOException {
        Path src = workspace();
        freshRepository(true, 2);
        List<String> left = interruptedBackup(src);
        LocalStorage s = local();
        List<String> data = new ArrayList<>();
        for (String p : left) {
            if (s.size(new Handle(FileType.DATA, p)) > 1 << 20) {
                data.add(p); // big packs hold file data, so losing one matters to the restore
            }
        }
        Path flipped = s.path(new Handle(FileType.DATA, data.get(0)));
        byte[] b = Files.readAllBytes(flipped);
        b[b.length / 3] ^= 0x40; // a blob's bytes, not the header
        Files.write(flipped, b);
        Path truncated = s.path(new Handle(FileType.DATA, data.get(1)));
        byte[] t = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(t, t.length - 100));

        Backup.Result r = backup(open(false), src);
        assertEquals(left.size() - 2, r.packsAdopted, "the two damaged packs are not reused");
        assertTrue(r.snapshot.summary.bytesAdded > 2 << 20, "what they held is stored again");
        Check.Result c = fullCheck();
        assertTrue(c.ok(), c.errors + " " + c.affected);
        assertEquals(2, c.warnings.size(), "the damaged packs are reported as unindexed: " + c.warnings);
        assertRestoresExactly(src, "out1");

        Prune.run(open(false), false);
        c = fullCheck();
        assertTrue(c.ok(), c.errors + " " + c.affected);
        assertEquals(List.of(), c.warnings);
        assertTrue(!Files.exists(flipped) && !Files.exists(truncated), "prune removed the damaged packs");
        assertRestoresExactly(src, "out2");
    }
}
