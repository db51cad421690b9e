package dev.vault.engine.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.crypto.KeyFile;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.InMemoryStorage;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.engine.repo.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreTest {
    @TempDir
    Path tmp;

    static final KeyFile.KdfParams FAST_KDF = new KeyFile.KdfParams(1 << 10, 8, 1);

    static Repository init(Storage s, boolean encrypt) throws IOException {
        Repository.InitOptions o = new Repository.InitOptions();
        o.encrypt = encrypt;
        o.password = "secret".toCharArray();
        o.kdf = FAST_KDF;
        return Repository.init(s, o);
    }

    static void write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Backup.Result backup(Repository repo, Path src) throws IOException {
        Backup.Options o = new Backup.Options();
        o.sources.add(src);
        return Backup.run(repo, o);
    }

    static Restore.Result restore(Repository repo, String snap, Path to) throws IOException {
        Restore.Options o = new Restore.Options();
        o.snapshot = snap;
        o.target = to;
        return Restore.run(repo, o);
    }

    static void assertSameTree(Path a, Path b) throws IOException {
        try (var s = Files.walk(a)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path rel = a.relativize(p);
                Path q = b.resolve(rel.toString());
                if (Files.isSymbolicLink(p)) {
                    assertEquals(Files.readSymbolicLink(p), Files.readSymbolicLink(q), rel.toString());
                } else if (Files.isRegularFile(p)) {
                    assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), rel.toString());
                    assertEquals(Files.getLastModifiedTime(p).toMillis(), Files.getLastModifiedTime(q).toMillis(), rel.toString());
                } else {
                    assertTrue(Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS), rel.toString());
                }
            }
        }
    }

    Path sampleWorkspace() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("README.md"), "hello vault\n".getBytes());
        write(src.resolve("docs/notes.txt"), "some notes ".repeat(10_000).getBytes());
        write(src.resolve("bin/big.dat"), random(5 << 20, 1));
        write(src.resolve("bin/copy.dat"), random(5 << 20, 1));
        write(src.resolve("empty.txt"), new byte[0]);
        Files.createDirectories(src.resolve("emptydir"));
        Files.createSymbolicLink(src.resolve("link-to-readme"), Path.of("README.md"));
        Files.setLastModifiedTime(src.resolve("README.md"), FileTime.fromMillis(1_600_000_000_000L));
        return src;
    }

    @Test
    void encryptedBackupRestoresByteIdenticalFilesTimesAndSymlinks() throws IOException {
        Path src = sampleWorkspace();
        Files.setPosixFilePermissions(src.resolve("README.md"), PosixFilePermissions.fromString("rwxr-x---"));
        // bits a usual umask (022) clears: restore must still set them (it creates files with their final
        // mode only when the umask keeps every bit, else it sets them afterwards)
        Path shared = src.resolve("shared.txt");
        Files.writeString(shared, "group and others may write");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw-rw-"));
        Repository repo = init(new LocalStorage(tmp.resolve("repo")), true);
        Backup.Result b = backup(repo, src);
        assertTrue(b.unreadable.isEmpty());
        Repository again = Repository.open(new LocalStorage(tmp.resolve("repo")), () -> "secret".toCharArray());
        Restore.Result r = restore(again, "latest", tmp.resolve("out"));
        assertEquals(List.of(), r.errors);
        assertSameTree(src, tmp.resolve("out"));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out/README.md"))));
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out/shared.txt"))));
        // the duplicated 5 MiB file is stored once
        long packBytes = 0;
        for (String p : repo.storage().list(FileType.DATA)) {
            packBytes += repo.storage().size(new dev.vault.engine.repo.storage.Handle(FileType.DATA, p));
        }
        assertTrue(packBytes < 6 << 20, "packs hold " + packBytes + " bytes");
    }

    @Test
    void treesSavedInBatchesMidWalkAreTheSameAsTreesSavedAtTheEnd() throws IOException {
        Path src = tmp.resolve("src");
        Random rnd = new Random(3);
        for (String a : List.of("a", "b", "c")) {
            for (String b : List.of("x", "y", "z", "w")) {
                for (int i = 0; i < 5; i++) {
                    write(src.resolve(a + "/" + b + "/f" + i + ".txt"), ("file " + a + b + i + " ").repeat(1 + rnd.nextInt(400)).getBytes());
                }
            }
            write(src.resolve(a + "/big.bin"), random((1 << 20) + rnd.nextInt(1 << 20), rnd.nextLong()));
        }
        Repository repo = init(new InMemoryStorage(), true);
        Backup.Options small = new Backup.Options();
        small.sources.add(src);
        small.useParent = false;
        small.maxDeferredEntries = 3; // saves the waiting trees after nearly every folder
        Backup.Result b1 = Backup.run(repo, small);
        Backup.Options whole = new Backup.Options();
        whole.sources.add(src);
        whole.useParent = false;
        Backup.Result b2 = Backup.run(repo, whole);
        assertEquals(b2.snapshot.tree, b1.snapshot.tree);
        Node a = repo.loadTree(BlobId.parse(b1.snapshot.tree)).find("a");
        assertNotNull(a.subtree);
        assertEquals(5, repo.loadTree(BlobId.parse(repo.loadTree(BlobId.parse(a.subtree)).find("x").subtree)).nodes.size());
        restore(repo, b1.snapshot.id, tmp.resolve("out"));
        assertSameTree(src, tmp.resolve("out"));
    }

    @Test
    void chunksOfALargeFileAreExactlyTheChunkersOverTheWholeFile() throws IOException {
        // larger than the 16 MiB read buffer, with a long run of zeros where no boundary is found (8 MiB
        // chunks): how the backup refills its buffer must never move a boundary, or dedup breaks
        byte[] data = new byte[(12 << 20) + (20 << 20) + (9 << 20) + 3];
        byte[] r1 = random(12 << 20, 7);
        byte[] r2 = random(9 << 20, 8);
        System.arraycopy(r1, 0, data, 0, r1.length);
        System.arraycopy(r2, 0, data, (32 << 20), r2.length);
        data[data.length - 1] = 42;
        Path src = tmp.resolve("src");
        write(src.resolve("large.bin"), data);
        Repository repo = init(new InMemoryStorage(), true);
        Backup.Result b = backup(repo, src);
        Node n = repo.loadTree(BlobId.parse(b.snapshot.tree)).find("large.bin");
        List<String> expected = new java.util.ArrayList<>();
        int zeroRunChunks = 0;
        for (int off = 0; off < data.length; ) {
            int len = repo.chunker().next(data, off, data.length, true);
            expected.add(new BlobId(repo.crypto().id(data, off, len)).hex());
            if (len == repo.chunker().maxSize()) {
                zeroRunChunks++;
            }
            off += len;
        }
        assertTrue(zeroRunChunks >= 2, "the zero run should give max-size chunks");
        assertEquals(expected, n.content);
        assertEquals(data.length, n.size);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void chunksSharingReadBuffersKeepTheirBytesUntilStored() throws IOException {
        // tiny chunks and two 32 KiB read buffers: the reader wraps around the buffers thousands of
        // times while the workers still hash and seal slices of them; a buffer reused too early would
        // give wrong ids or blobs that fail their ids, so chunk lists and restored bytes would differ.
        // The chunks are small, so they go to the workers in batches larger than both buffers: a batch
        // not handed over before the reader waits for a buffer would hang here
        Path src = tmp.resolve("src");
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 400; i++) {
            int size = i % 50 == 0 ? 150_000 + r.nextInt(100_000) : r.nextInt(40_000);
            write(src.resolve("d" + (i % 7) + "/f" + i + ".bin"), random(size, 1000 + i));
        }
        Repository.InitOptions io = new Repository.InitOptions();
        io.encrypt = true;
        io.password = "secret".toCharArray();
        io.kdf = FAST_KDF;
        io.chunkMin = 1024;
        io.chunkAvg = 4096;
        io.chunkMax = 16 * 1024;
        for (int threads : new int[] {1, 3}) {
            Repository repo = Repository.init(new InMemoryStorage(), io);
            Backup.Options o = new Backup.Options();
            o.sources.add(src);
            o.threads = threads;
            o.readBufferSize = 1; // two maximum chunks: 32 KiB
            Backup.Result b = Backup.run(repo, o);
            Tree d3 = repo.loadTree(BlobId.parse(repo.loadTree(BlobId.parse(b.snapshot.tree)).find("d3").subtree));
            for (Node n : d3.nodes) {
                byte[] data = Files.readAllBytes(src.resolve("d3").resolve(n.name));
                List<String> expected = new java.util.ArrayList<>();
                for (int off = 0; off < data.length; ) {
                    int len = repo.chunker().next(data, off, data.length, true);
                    expected.add(new BlobId(repo.crypto().id(data, off, len)).hex());
                    off += len;
                }
                assertEquals(expected, n.content, n.name);
            }
            Path out = tmp.resolve("out" + threads);
            assertEquals(List.of(), restore(repo, "latest", out).errors);
            assertSameTree(src, out);
        }
    }

    @Test
    void progressTotalsCountWhatIsBackedUpWithoutASecondWalk() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("a/one.txt"), "12345".getBytes());
        write(src.resolve("a/b/two.bin"), random(70_000, 3));
        write(src.resolve("a/skip.tmp"), random(1000, 4)); // excluded: not part of the totals
        Path single = tmp.resolve("single.dat");
        write(single, random(333, 5));
        Repository repo = init(new InMemoryStorage(), false);
        Backup.Options o = new Backup.Options();
        o.sources.add(src);
        o.sources.add(single);
        o.excludes.add("*.tmp");
        o.progress = new Backup.Progress();
        Backup.run(repo, o);
        assertTrue(o.progress.scanDone, "the listing finished, so the totals are final");
        assertEquals(3, o.progress.filesTotal.get());
        assertEquals(5 + 70_000 + 333, o.progress.bytesTotal.get());
        assertEquals(3, o.progress.filesDone.get());
        assertEquals(5 + 70_000 + 333, o.progress.bytesDone.get());
    }

    @Test
    void restoreOverAnEarlierRestoreReplacesChangedFilesAndKeepsOthers() throws IOException {
        Path src = sampleWorkspace();
        Files.setPosixFilePermissions(src.resolve("README.md"), PosixFilePermissions.fromString("rwxr-x---"));
        Repository repo = init(new InMemoryStorage(), true);
        backup(repo, src);
        Path out = tmp.resolve("out");
        Files.createDirectories(out); // an existing but empty folder
        assertEquals(List.of(), restore(repo, "latest", out).errors);
        assertSameTree(src, out);
        // edits after the first restore: a changed file, a changed mode, a file not in the snapshot,
        // a symlink and a read-only file where the snapshot has files
        Files.writeString(out.resolve("docs/notes.txt"), "edited");
        Files.setPosixFilePermissions(out.resolve("README.md"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(out.resolve("docs/extra.txt"), "mine");
        Files.delete(out.resolve("empty.txt"));
        Files.createSymbolicLink(out.resolve("empty.txt"), out.resolve("docs/extra.txt"));
        Files.setPosixFilePermissions(out.resolve("bin/copy.dat"), PosixFilePermissions.fromString("r--------"));
        assertEquals(List.of(), restore(repo, "latest", out).errors);
        assertSameTree(src, out);
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("README.md"))));
        assertEquals("mine", Files.readString(out.resolve("docs/extra.txt")), "files not in the snapshot are left alone");
        assertTrue(Files.isRegularFile(out.resolve("empty.txt"), LinkOption.NOFOLLOW_LINKS));
        try (var s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".vault-tmp")), "no temporary files left");
        }
    }

    @Test
    void manySmallFilesAndDuplicatesRestoreIdentically() throws IOException {
        // small files are restored in batches that share one pack read: several batches, duplicates
        // whose chunk lies behind the batch, files with damage-free gaps between them
        Path src = tmp.resolve("many");
        Random rnd = new Random(7);
        for (int i = 0; i < 700; i++) {
            byte[] data = i % 50 == 49 ? ("same content " + (i % 3)).getBytes() : random(100 + rnd.nextInt(8000), i);
            Path p = src.resolve("d" + (i % 3)).resolve("f" + i + ".txt");
            write(p, data);
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_500_000_000_000L + i * 1000L));
        }
        write(src.resolve("d0/big.dat"), random(3 << 20, 99));
        Repository repo = init(new InMemoryStorage(), true);
        backup(repo, src);
        Restore.Result r = restore(repo, "latest", tmp.resolve("out"));
        assertEquals(List.of(), r.errors);
        assertEquals(701, r.files);
        assertSameTree(src, tmp.resolve("out"));
    }

    @Test
    void unencryptedRepositoryRoundTripsToo() throws IOException {
        Path src = sampleWorkspace();
        Repository repo = init(new InMemoryStorage(), false);
        backup(repo, src);
        Restore.Result r = restore(repo, "latest", tmp.resolve("out"));
        assertEquals(List.of(), r.errors);
        assertSameTree(src, tmp.resolve("out"));
    }

    @Test
    void secondBackupReusesUnchangedFilesAndAddsLittle() throws IOException {
        Path src = sampleWorkspace();
        Repository repo = init(new InMemoryStorage(), true);
        Backup.Result first = backup(repo, src);
        Backup.Result second = backup(repo, src);
        assertEquals(0, second.snapshot.summary.bytesRead);
        assertEquals(first.snapshot.summary.totalFiles, second.snapshot.summary.filesUnchanged);
        assertEquals(first.snapshot.tree, second.snapshot.tree);
        assertEquals(first.snapshot.id, second.snapshot.parent);
        write(src.resolve("docs/new.txt"), "new".getBytes());
        Backup.Result third = backup(repo, src);
        assertEquals(1, third.snapshot.summary.filesNew);
        assertTrue(third.snapshot.summary.bytesAdded < 100_000, "added " + third.snapshot.summary.bytesAdded);
    }

    /** Unchanged folders keep their parent's tree ids; any change deep down must still reach the root. */
    @Test
    void aTimestampChangeDeepInsideChangesEveryTreeAboveIt() throws IOException {
        Path src = sampleWorkspace();
        write(src.resolve("a/b/c/deep.txt"), "deep".getBytes());
        Repository repo = init(new InMemoryStorage(), true);
        Backup.Result first = backup(repo, src);
        Files.setLastModifiedTime(src.resolve("a/b/c/deep.txt"), FileTime.fromMillis(1_500_000_000_000L));
        Backup.Result second = backup(repo, src);
        assertEquals(1, second.snapshot.summary.filesChanged, "only deep.txt is read again");
        assertEquals(0, second.snapshot.summary.filesNew);
        assertFalse(first.snapshot.tree.equals(second.snapshot.tree), "the root tree must change");
        Restore.Result r = restore(repo, second.snapshot.id, tmp.resolve("out"));
        assertEquals(List.of(), r.errors);
        assertSameTree(src, tmp.resolve("out"));
        assertEquals(1_500_000_000_000L, Files.getLastModifiedTime(tmp.resolve("out/a/b/c/deep.txt")).toMillis());
        // the first snapshot still restores the old time
        restore(repo, first.snapshot.id, tmp.resolve("old"));
        assertFalse(Files.getLastModifiedTime(tmp.resolve("old/a/b/c/deep.txt")).toMillis() == 1_500_000_000_000L);
    }

    /** A rewrite of the same size whose mtime was put back (cp -p, rsync -t, touch -r) is still noticed, by its ctime. */
    @Test
    void aRewriteWithTheOldMtimePutBackIsReadAgain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix"), "needs ctime");
        Path src = tmp.resolve("src");
        Path f = src.resolve("notes.txt");
        write(f, "version one".getBytes());
        FileTime mtime = Files.getLastModifiedTime(f);
        Repository repo = init(new InMemoryStorage(), true);
        backup(repo, src);
        Thread.sleep(20); // ctime granularity
        Files.write(f, "version two".getBytes()); // same size
        Files.setLastModifiedTime(f, mtime);
        Backup.Result second = backup(repo, src);
        assertEquals(1, second.snapshot.summary.filesChanged, "the rewritten file must be read again");
        restore(repo, second.snapshot.id, tmp.resolve("out"));
        assertEquals("version two", Files.readString(tmp.resolve("out/notes.txt")));
        Backup.Result third = backup(repo, src);
        assertEquals(0, third.snapshot.summary.bytesRead, "nothing changed since");
    }

    @Test
    void wrongPasswordIsRefusedWithItsExitCode() throws IOException {
        InMemoryStorage s = new InMemoryStorage();
        init(s, true);
        VaultException e = assertThrows(VaultException.class, () -> Repository.open(s, () -> "nope".toCharArray()));
        assertEquals(ExitCodes.WRONG_PASSWORD, e.exitCode());
    }

    @Test
    void missingRepositoryIsReportedAsNoRepository() {
        VaultException e = assertThrows(VaultException.class,
                () -> Repository.open(new LocalStorage(tmp.resolve("nothing")), () -> "x".toCharArray()));
        assertEquals(ExitCodes.NO_REPOSITORY, e.exitCode());
        assertTrue(e.getMessage().contains(tmp.resolve("nothing").toString()));
    }

    @Test
    void unreadableSourceFileIsNamedAndTheRestIsBackedUp() throws IOException {
        Path src = sampleWorkspace();
        Path secret = src.resolve("secret.txt");
        write(secret, "x".getBytes());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(secret), "running as a user who can read anything");
        Repository repo = init(new InMemoryStorage(), true);
        Backup.Result b = backup(repo, src);
        assertEquals(1, b.unreadable.size());
        assertTrue(b.unreadable.get(0).startsWith("secret.txt"));
        assertEquals(b.unreadable, b.snapshot.unreadable);
    }

    @Test
    void excludedFilesAreNotBackedUpAndRepositoryInsideSourceIsSkipped() throws IOException {
        Path src = sampleWorkspace();
        write(src.resolve("build/out.o"), "obj".getBytes());
        write(src.resolve("x.tmp"), "tmp".getBytes());
        Repository repo = init(new LocalStorage(src.resolve(".backup")), true);
        Backup.Options o = new Backup.Options();
        o.sources.add(src);
        o.excludes.add("*.tmp");
        o.excludes.add("build");
        o.skip.add(src.resolve(".backup"));
        Backup.run(repo, o);
        restore(repo, "latest", tmp.resolve("out"));
        assertFalse(Files.exists(tmp.resolve("out/x.tmp")));
        assertFalse(Files.exists(tmp.resolve("out/build")));
        assertFalse(Files.exists(tmp.resolve("out/.backup")));
        assertTrue(Files.exists(tmp.resolve("out/README.md")));
    }

    @Test
    void gitCommitOfTheWorkspaceIsRecorded() throws IOException {
        Path src = sampleWorkspace();
        write(src.resolve(".git/HEAD"), "ref: refs/heads/main\n".getBytes());
        String commit = "0123456789abcdef0123456789abcdef01234567";
        write(src.resolve(".git/refs/heads/main"), (commit + "\n").getBytes());
        Repository repo = init(new InMemoryStorage(), false);
        assertEquals(commit, backup(repo, src).snapshot.gitCommit);
        Path other = tmp.resolve("plain");
        write(other.resolve("a"), "a".getBytes());
        assertNull(backup(repo, other).snapshot.gitCommit);
        assertNotNull(repo.findSnapshot("latest"));
    }
}
