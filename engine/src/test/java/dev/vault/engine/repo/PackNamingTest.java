package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.assertSameTree;
import static dev.vault.engine.repo.BackupRestoreTest.backup;
import static dev.vault.engine.repo.BackupRestoreTest.init;
import static dev.vault.engine.repo.BackupRestoreTest.random;
import static dev.vault.engine.repo.BackupRestoreTest.restore;
import static dev.vault.engine.repo.BackupRestoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.pack.PackReader;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format 2 names packs by their trailer (header + length), format 1 by the whole file; both stay verifiable. */
class PackNamingTest {
    @TempDir
    Path tmp;

    LocalStorage local() {
        return new LocalStorage(tmp.resolve("repo"));
    }

    Repository reopen() throws IOException {
        return Repository.open(local(), () -> "secret".toCharArray());
    }

    Path workspace() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("a.bin"), random(3 << 20, 1));
        write(src.resolve("b.bin"), random(3 << 20, 2));
        write(src.resolve("notes.txt"), "note ".repeat(4000).getBytes(StandardCharsets.UTF_8));
        return src;
    }

    List<Path> packs() throws IOException {
        try (var s = Files.walk(tmp.resolve("repo/data"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    static String trailerHash(byte[] pack) throws Exception {
        int t = PackReader.trailerStart(pack);
        return Hashes.sha256Hex(Arrays.copyOfRange(pack, t, pack.length));
    }

    /** A new repository in the test's repository folder, replacing any earlier one. */
    Repository freshRepository(boolean encrypt) throws IOException {
        Path repoDir = tmp.resolve("repo");
        if (Files.exists(repoDir)) {
            try (var s = Files.walk(repoDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return init(local(), encrypt);
    }

    String configJson() throws IOException {
        return Files.readString(tmp.resolve("repo/config"));
    }

    /** Rewrites the config's format version (the config is plain JSON). */
    void setVersion(int v) throws IOException {
        // an encrypted config is authenticated: rewrite it as vault would have made it, MAC included
        Repository r = reopen();
        RepoConfig c = r.config();
        c.version = v;
        c.mac = c.mac == null ? null : Repository.configMac(r.crypto(), c);
        Files.writeString(tmp.resolve("repo/config"), Repository.GSON.toJson(c));
    }

    Check.Result fullCheck() throws IOException {
        Check.Options o = new Check.Options();
        o.readData = true;
        return Check.run(reopen(), o);
    }

    @Test
    void newRepositoriesAreFormatTwoAndNameEachPackByItsTrailer() throws Exception {
        Path src = workspace();
        for (boolean encrypt : new boolean[] {true, false}) {
            Repository repo = freshRepository(encrypt);
            assertTrue(configJson().contains("\"version\":2"), configJson());
            backup(repo, src);
            List<Path> packs = packs();
            assertEquals(2, packs.size(), "one data pack, one tree pack");
            for (Path p : packs) {
                byte[] b = Files.readAllBytes(p);
                String name = p.getFileName().toString();
                assertEquals(name, trailerHash(b), "encrypted=" + encrypt);
                assertNotEquals(name, Hashes.sha256Hex(b));
            }
            Check.Result r = fullCheck();
            assertTrue(r.ok(), r.errors.toString());
            restore(reopen(), "latest", tmp.resolve("out-" + encrypt));
            assertSameTree(src, tmp.resolve("out-" + encrypt));
        }
    }

    @Test
    void formatOneRepositoriesStillNameWholeFilesAlsoWhenPruneRepacks() throws Exception {
        init(local(), true);
        setVersion(1);
        Path src = workspace();
        Snapshot first = backup(reopen(), src).snapshot;
        Files.delete(src.resolve("b.bin"));
        backup(reopen(), src);
        // forget the first snapshot: b.bin's chunks become garbage in the data pack, which prune repacks
        local().delete(new Handle(FileType.SNAPSHOT, first.id));
        Prune.Result pr = Prune.run(reopen(), false);
        assertTrue(pr.packsRepacked > 0, "prune repacked the partly used data pack");
        for (Path p : packs()) {
            byte[] b = Files.readAllBytes(p);
            assertEquals(p.getFileName().toString(), Hashes.sha256Hex(b));
        }
        assertTrue(configJson().contains("\"version\":1"), "a format 1 repository is never upgraded behind the user's back");
        Check.Result r = fullCheck();
        assertTrue(r.ok(), r.errors.toString());
        restore(reopen(), "latest", tmp.resolve("out"));
        assertSameTree(src, tmp.resolve("out"));
    }

    Path dataPack() throws IOException {
        Path best = null;
        for (Path p : packs()) {
            if (best == null || Files.size(p) > Files.size(best)) {
                best = p;
            }
        }
        return best;
    }

    @Test
    void aChangedHeaderNoLongerMatchesThePackName() throws Exception {
        for (boolean encrypt : new boolean[] {true, false}) {
            Repository repo = freshRepository(encrypt);
            backup(repo, workspace());
            Path pack = dataPack();
            byte[] b = Files.readAllBytes(pack);
            b[b.length - 10] ^= 1; // inside the header (an entry's id when unencrypted)
            Files.write(pack, b);
            Check.Result r = fullCheck();
            assertFalse(r.ok());
            String err = String.join("\n", r.errors);
            assertTrue(err.contains(pack.getFileName().toString().substring(0, 12)) && err.contains("does not match its name"),
                    "encrypted=" + encrypt + ": " + err);
        }
    }

    @Test
    void bytesSlippedInBeforeTheHeaderAreFoundAlthoughTheNameStillMatches() throws Exception {
        Repository repo = init(local(), true);
        Snapshot s = backup(repo, workspace()).snapshot;
        Path pack = dataPack();
        byte[] b = Files.readAllBytes(pack);
        int t = PackReader.trailerStart(b);
        byte[] longer = new byte[b.length + 16];
        System.arraycopy(b, 0, longer, 0, t);
        System.arraycopy(b, t, longer, t + 16, b.length - t);
        Files.write(pack, longer);
        assertEquals(pack.getFileName().toString(), trailerHash(longer), "the trailer, and so the name, is unchanged");
        Check.Result r = fullCheck();
        assertFalse(r.ok());
        String err = String.join("\n", r.errors);
        assertTrue(err.contains("describes") && err.contains("bytes of blobs"), err);
        assertTrue(r.affected.get(s.shortId()).contains("a.bin"), r.affected.toString());
    }

    @Test
    void aConfigWithoutAKnownVersionIsRefused() throws Exception {
        init(local(), true);
        Files.writeString(tmp.resolve("repo/config"), configJson().replaceFirst("\"version\":\\d+,", ""));
        VaultException missing = assertThrows(VaultException.class, this::reopen);
        assertEquals(ExitCodes.NO_REPOSITORY, missing.exitCode());
        assertTrue(missing.getMessage().contains("no valid format version"), missing.getMessage());
        Files.writeString(tmp.resolve("repo/config"), configJson().replaceFirst("\\{", "{\"version\":3,"));
        VaultException newer = assertThrows(VaultException.class, this::reopen);
        assertEquals(ExitCodes.FAILURE, newer.exitCode());
        assertTrue(newer.getMessage().contains("newer than this vault understands"), newer.getMessage());
    }
}
