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

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.InMemoryStorage;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoMaintenanceTest {
    @TempDir
    Path tmp;

    Path workspace() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("README.md"), "hello\n".getBytes());
        write(src.resolve("bin/big.dat"), random(3 << 20, 11));
        write(src.resolve("docs/a.txt"), "text ".repeat(5000).getBytes());
        return src;
    }

    LocalStorage local() {
        return new LocalStorage(tmp.resolve("repo"));
    }

    Repository reopen() throws IOException {
        return Repository.open(local(), () -> "secret".toCharArray());
    }

    static Check.Result check(Repository repo, boolean readData) throws IOException {
        Check.Options o = new Check.Options();
        o.readData = readData;
        return Check.run(repo, o);
    }

    /** The largest pack: the one with file data (trees go to their own, small packs). */
    Path dataPack(Repository repo) throws IOException {
        Path best = null;
        for (String p : repo.storage().list(FileType.DATA)) {
            Path path = ((LocalStorage) repo.storage()).path(new Handle(FileType.DATA, p));
            if (best == null || Files.size(path) > Files.size(best)) {
                best = path;
            }
        }
        return best;
    }

    @Test
    void healthyRepositoryPassesFullCheck() throws IOException {
        Repository repo = init(local(), true);
        backup(repo, workspace());
        Check.Result r = check(reopen(), true);
        assertTrue(r.ok(), r.errors + " " + r.affected);
        assertEquals(2, r.packsRead);
    }

    @Test
    void flippedBitIsNamedWithEveryAffectedFileAndTheRestStillRestores() throws IOException {
        Repository repo = init(local(), true);
        Snapshot s = backup(repo, workspace()).snapshot;
        Path pack = dataPack(repo);
        byte[] b = Files.readAllBytes(pack);
        b[1000] ^= 1;
        Files.write(pack, b);
        Check.Result quick = check(reopen(), false);
        assertTrue(quick.errors.isEmpty(), "structure is still fine: " + quick.errors);
        Check.Result r = check(reopen(), true);
        assertFalse(r.ok());
        assertTrue(r.errors.get(0).contains(pack.getFileName().toString()), r.errors.toString());
        assertTrue(r.affected.get(s.shortId()).contains("bin/big.dat"), r.affected.toString());
        Restore.Result rr = restore(reopen(), "latest", tmp.resolve("out"));
        assertEquals(1, rr.errors.size(), rr.errors.toString());
        assertTrue(rr.errors.get(0).startsWith("bin/big.dat"), rr.errors.toString());
        assertFalse(Files.exists(tmp.resolve("out/bin/big.dat")));
        assertArrayEquals("hello\n".getBytes(), Files.readAllBytes(tmp.resolve("out/README.md")));
        try (var left = Files.list(tmp.resolve("out/bin"))) {
            assertEquals(0, left.count(), "no temporary file is left behind");
        }
    }

    @Test
    void truncatedPackIsFoundWithoutReadingData() throws IOException {
        Repository repo = init(local(), true);
        Snapshot s = backup(repo, workspace()).snapshot;
        Path pack = dataPack(repo);
        byte[] b = Files.readAllBytes(pack);
        Files.write(pack, Arrays.copyOf(b, b.length / 2));
        Check.Result r = check(reopen(), false);
        assertTrue(r.errors.get(0).contains("truncated"), r.errors.toString());
        assertTrue(r.affected.get(s.shortId()).contains("bin/big.dat"));
    }

    @Test
    void damagedIndexAndSnapshotFilesAreNamed() throws IOException {
        Repository repo = init(local(), true);
        backup(repo, workspace());
        String idx = repo.storage().list(FileType.INDEX).get(0);
        Path ip = local().path(new Handle(FileType.INDEX, idx));
        Files.write(ip, Arrays.copyOf(Files.readAllBytes(ip), 20));
        String snap = repo.storage().list(FileType.SNAPSHOT).get(0);
        Path sp = local().path(new Handle(FileType.SNAPSHOT, snap));
        byte[] sb = Files.readAllBytes(sp);
        sb[sb.length / 2] ^= 4;
        Files.write(sp, sb);
        Check.Result r = check(reopen(), false);
        String all = String.join("\n", r.errors);
        assertTrue(all.contains("index/" + idx), all);
        assertTrue(all.contains("snapshots/" + snap), all);
    }

    @Test
    void indexFilesReadInParallelKeepEveryEntryAndNameTheDamagedOne() throws IOException {
        Repository repo = init(local(), true);
        Path ws = workspace();
        for (int i = 0; i < 4; i++) {
            Files.writeString(ws.resolve("round.txt"), "round " + i);
            backup(repo, ws);
        }
        List<String> names = repo.storage().list(FileType.INDEX);
        assertTrue(names.size() >= 4, names.toString());
        int entries = 0;
        for (String n : names) {
            entries += repo.readDocument(FileType.INDEX, n, IndexFile.class).packs.stream()
                    .mapToInt(pk -> pk.blobs.size()).sum();
        }
        assertEquals(entries, reopen().loadIndex(null).blobCount());
        String bad = names.get(2);
        Path ip = local().path(new Handle(FileType.INDEX, bad));
        Files.write(ip, Arrays.copyOf(Files.readAllBytes(ip), 30));
        List<String> errors = new java.util.ArrayList<>();
        reopen().loadIndex(errors);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("index/" + bad), errors.toString());
        VaultException e = assertThrows(VaultException.class, () -> reopen().loadIndex(null));
        assertTrue(e.getMessage().contains("index file " + bad), e.getMessage());
    }

    @Test
    void peekingForAFirstBackupNeedsNoKeyAndIsOnlyTrueForAnEmptyEncryptedRepository() throws IOException {
        assertFalse(Repository.peekEncryptedAndEmpty(local()), "no repository yet");
        Repository repo = init(local(), true);
        assertTrue(Repository.peekEncryptedAndEmpty(local()));
        backup(repo, workspace());
        assertFalse(Repository.peekEncryptedAndEmpty(local()), "it has a snapshot");
        InMemoryStorage plain = new InMemoryStorage();
        init(plain, false);
        assertFalse(Repository.peekEncryptedAndEmpty(plain), "not encrypted");
    }

    @Test
    void swappedBlobFailsAuthentication() throws IOException {
        InMemoryStorage mem = new InMemoryStorage();
        Repository repo = init(mem, true);
        Path src = tmp.resolve("two");
        write(src.resolve("a.txt"), "content of a".getBytes());
        write(src.resolve("b.txt"), "content of b".getBytes());
        backup(repo, src);
        // point a.txt's chunk at b.txt's stored bytes, as an attacker with write access could
        String idxName = mem.list(FileType.INDEX).get(0);
        IndexFile f = repo.readDocument(FileType.INDEX, idxName, IndexFile.class);
        List<IndexFile.Blob> data = new ArrayList<>();
        for (IndexFile.Blob b : f.packs.get(0).blobs) {
            data.add(b);
        }
        for (IndexFile.Pack p : f.packs) {
            if (p.blobs.size() == 2 && p.blobs.get(0).t == 0) {
                IndexFile.Blob x = p.blobs.get(0);
                IndexFile.Blob y = p.blobs.get(1);
                long o = x.o;
                int l = x.l;
                x.o = y.o;
                x.l = y.l;
                y.o = o;
                y.l = l;
            }
        }
        mem.delete(new Handle(FileType.INDEX, idxName));
        repo.writeDocument(FileType.INDEX, f);
        Repository again = Repository.open(mem, () -> "secret".toCharArray());
        Restore.Result r = restore(again, "latest", tmp.resolve("out"));
        assertEquals(2, r.errors.size(), r.errors.toString());
        assertTrue(r.errors.get(0).contains("fails authentication"), r.errors.toString());
    }

    @Test
    void forgetKeepsThePolicyAndPruneFreesSpaceSafely() throws IOException {
        Repository repo = init(local(), true);
        Path src = workspace();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        for (int day = 0; day < 5; day++) {
            write(src.resolve("daily.bin"), random(1 << 20, 100 + day));
            Backup.Options o = new Backup.Options();
            o.sources.add(src);
            o.clock = Clock.fixed(t.plusSeconds(86400L * day), ZoneOffset.UTC);
            Backup.run(repo, o);
        }
        Forget.Policy p = new Forget.Policy();
        p.keepLast = 2;
        p.zone = ZoneOffset.UTC;
        Forget.Result dry = Forget.run(repo, p, true);
        assertEquals(3, dry.remove.size());
        assertEquals(5, repo.snapshots(null).size());
        Forget.run(repo, p, false);
        assertEquals(2, repo.snapshots(null).size());
        long before = dirSize(tmp.resolve("repo"));
        Prune.Result pr = Prune.run(repo, false);
        long after = dirSize(tmp.resolve("repo"));
        assertTrue(pr.bytesFreed > 2_500_000, "freed " + pr.bytesFreed);
        assertTrue(after < before - 2_500_000, before + " -> " + after);
        Check.Result c = check(reopen(), true);
        assertTrue(c.ok(), c.errors + " " + c.affected + " " + c.warnings);
        assertTrue(c.warnings.isEmpty(), c.warnings.toString());
        Restore.Result r = restore(reopen(), "latest", tmp.resolve("out"));
        assertEquals(List.of(), r.errors);
        assertArrayEquals(Files.readAllBytes(src.resolve("daily.bin")), Files.readAllBytes(tmp.resolve("out/daily.bin")));
    }

    @Test
    void retentionBucketsKeepTheNewestPerDayWeekMonth() {
        List<Snapshot> snaps = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T12:00:00Z");
        for (int i = 0; i < 60; i++) {
            for (int h = 0; h < 2; h++) {
                Snapshot s = new Snapshot();
                s.time = t.plusSeconds(86400L * i + 3600L * h).toString();
                s.host = "h";
                s.id = String.format("%064x", i * 2 + h);
                snaps.add(s);
            }
        }
        Forget.Policy p = new Forget.Policy();
        p.zone = ZoneOffset.UTC;
        p.keepDaily = 7;
        p.keepMonthly = 3;
        Forget.Result r = Forget.plan(snaps, p);
        // 7 days (the later snapshot of each) + March's newest; April's newest is already the newest day
        assertEquals(8, r.keep.size(), r.keep.stream().map(s -> s.time).toList().toString());
        assertEquals("2026-04-29T13:00:00Z", r.keep.get(0).time);
        assertEquals("2026-03-31T13:00:00Z", r.keep.get(7).time);
    }

    static long dirSize(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void pruneRefusesWhileABackupHoldsItsLockAndStaleLocksAreCleared() throws IOException {
        Repository repo = init(local(), true);
        backup(repo, workspace());
        try (RepoLock running = RepoLock.acquire(local(), false, "backup")) {
            VaultException e = assertThrows(VaultException.class, () -> Prune.run(reopen(), false));
            assertEquals(ExitCodes.LOCKED, e.exitCode());
            assertTrue(e.getMessage().contains("'backup'"), e.getMessage());
            // a second backup runs alongside the first
            backup(reopen(), tmp.resolve("src"));
        }
        // a lock file left by a process that died (no OS lock held on it): stale
        RepoLock.Info dead = new RepoLock.Info();
        dead.machine = dev.vault.engine.config.MachineId.current(); // this computer: its OS lock decides
        dead.host = Hosts.hostName();
        dead.pid = 999_999;
        dead.time = Instant.now().toString();
        dead.exclusive = true;
        dead.purpose = "prune";
        local().write(new Handle(FileType.LOCK, "deadbeef"), Repository.GSON.toJson(dead).getBytes(StandardCharsets.UTF_8));
        assertEquals(1, RepoLock.removeStale(local(), false).size());
        assertEquals(List.of(), local().list(FileType.LOCK));
        local().write(new Handle(FileType.LOCK, "deadbeef"), Repository.GSON.toJson(dead).getBytes(StandardCharsets.UTF_8));
        Prune.run(reopen(), false); // not blocked, and it clears this computer's dead lock on the way
        assertEquals(List.of(), local().list(FileType.LOCK));
    }

    /** A lock written on another computer (its OS lock does not reach this one) is trusted until it is 30 + 10 min old. */
    @Test
    void aLockFromAnotherComputerIsLiveUntilItIsTooOldToBeRefreshed() throws IOException {
        Repository repo = init(local(), true);
        backup(repo, workspace());
        RepoLock.Info other = new RepoLock.Info();
        other.host = "the-other-laptop";
        other.pid = 4242;
        other.time = Instant.now().minus(java.time.Duration.ofMinutes(20)).toString();
        other.exclusive = false;
        other.purpose = "backup";
        Handle h = new Handle(FileType.LOCK, "0ther");
        local().write(h, Repository.GSON.toJson(other).getBytes(StandardCharsets.UTF_8));
        VaultException e = assertThrows(VaultException.class, () -> Prune.run(reopen(), false));
        assertEquals(ExitCodes.LOCKED, e.exitCode());
        assertTrue(e.getMessage().contains("the-other-laptop"), e.getMessage());
        assertEquals(0, RepoLock.removeStale(local(), false).size(), "a live lock is not stale");

        local().delete(h);
        other.time = Instant.now().minus(RepoLock.STALE_AFTER).minus(RepoLock.CLOCK_SKEW).minusSeconds(60).toString();
        local().write(h, Repository.GSON.toJson(other).getBytes(StandardCharsets.UTF_8));
        Prune.run(reopen(), false); // not refreshed for over 30 min plus the skew margin: that backup is gone
        assertEquals(1, RepoLock.removeStale(local(), false).size());
        assertEquals(List.of(), local().list(FileType.LOCK));
    }

    @Test
    void concurrentBackupsBothSucceed() throws Exception {
        Repository repo = init(local(), true);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        write(a.resolve("x.bin"), random(4 << 20, 1));
        write(b.resolve("y.bin"), random(4 << 20, 2));
        CompletableFuture<Backup.Result> fa = CompletableFuture.supplyAsync(() -> run(a));
        CompletableFuture<Backup.Result> fb = CompletableFuture.supplyAsync(() -> run(b));
        fa.get();
        fb.get();
        assertEquals(2, reopen().snapshots(null).size());
        assertTrue(check(reopen(), true).ok());
    }

    private Backup.Result run(Path src) {
        try {
            return backup(reopen(), src);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void passwordsCanBeAddedChangedAndRemovedWithoutRewritingData() throws IOException {
        Repository repo = init(local(), true);
        backup(repo, workspace());
        List<String> packs = local().list(FileType.DATA);
        String second = Keys.add(repo, "other".toCharArray(), BackupRestoreTest.FAST_KDF);
        Repository viaOther = Repository.open(local(), () -> "other".toCharArray());
        assertEquals(second, viaOther.keyName());
        assertEquals(2, Keys.list(viaOther).size());
        Keys.remove(viaOther, repo.keyName().substring(0, 8));
        assertEquals(ExitCodes.WRONG_PASSWORD,
                assertThrows(VaultException.class, () -> reopen()).exitCode());
        Keys.changePassword(viaOther, "third".toCharArray(), BackupRestoreTest.FAST_KDF);
        Repository viaThird = Repository.open(local(), () -> "third".toCharArray());
        assertEquals(1, Keys.list(viaThird).size());
        assertEquals(ExitCodes.USAGE, assertThrows(VaultException.class,
                () -> Keys.remove(viaThird, viaThird.keyName().substring(0, 8))).exitCode());
        assertEquals(packs, local().list(FileType.DATA));
        assertTrue(check(viaThird, true).ok());
    }
}
