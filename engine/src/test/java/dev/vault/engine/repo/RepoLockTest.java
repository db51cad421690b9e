package dev.vault.engine.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.MachineId;
import dev.vault.engine.repo.storage.FaultyStorage;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.MutableClock;
import dev.vault.fixtures.OsLocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repository locks held for real: the OS lock survives everything this process does, and the lock rules of docs/FORMAT.md §6. */
class RepoLockTest {
    @TempDir
    Path tmp;

    Path root() throws IOException {
        Path r = tmp.resolve("repo");
        Files.createDirectories(r.resolve("locks"));
        return r;
    }

    static boolean osLockHeld(Path file) throws IOException {
        return OsLocks.heldByThisProcess(file);
    }

    static Path lockFile(Path root, RepoLock lock) {
        return root.resolve("locks").resolve(lock.handle().name());
    }

    /**
     * Everything that used to drop the OS lock right after acquire (reading the lock files, probing
     * them, a second storage on the same folder in this JVM, another lock taken and released, unlock)
     * leaves it held. Fails without the JVM-wide table of held lock files in LocalStorage.
     */
    @Test
    void theOsLockStaysHeldWhateverThisProcessDoesWithTheLockFiles() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux /proc/locks");
        Path root = root();
        LocalStorage a = new LocalStorage(root);
        try (RepoLock lock = RepoLock.acquire(a, false, "backup")) {
            Path file = lockFile(root, lock);
            assertTrue(osLockHeld(file), "held right after acquire");
            RepoLock.list(a);
            a.read(lock.handle());
            a.read(lock.handle(), 0, 4);
            assertEquals(Boolean.TRUE, a.isHeldByLiveProcess(lock.handle()));
            assertTrue(osLockHeld(file), "held after reads and probes through the same storage");
            LocalStorage b = new LocalStorage(root);
            assertEquals(1, RepoLock.list(b).size());
            assertEquals(Boolean.TRUE, b.isHeldByLiveProcess(lock.handle()));
            try (RepoLock second = RepoLock.acquire(b, false, "check")) {
                assertTrue(osLockHeld(lockFile(root, second)));
            }
            assertEquals(List.of(), RepoLock.removeStale(b, false));
            assertEquals(List.of(), RepoLock.removeStale(b, true), "--remove-all never removes a held lock");
            VaultException e = assertThrows(VaultException.class, () -> RepoLock.acquire(b, true, "prune"));
            assertEquals(ExitCodes.LOCKED, e.exitCode());
            assertTrue(osLockHeld(file), "held after another storage in this JVM read, probed, locked and unlocked");
            assertTrue(Files.exists(file));
        }
        assertEquals(List.of(), a.list(FileType.LOCK), "close removes the lock file");
    }

    /** A refresh writes a new lock file, held before it is visible, and removes the old one. */
    @Test
    void refreshReplacesTheLockFileAndKeepsItHeld() throws Exception {
        Path root = root();
        LocalStorage s = new LocalStorage(root);
        RepoLock.Timing fast = new RepoLock.Timing(Duration.ofMillis(50), RepoLock.STALE_AFTER, RepoLock.CLOCK_SKEW, java.time.Clock.systemUTC());
        try (RepoLock lock = RepoLock.acquire(s, true, "prune", fast)) {
            Handle first = lock.handle();
            while (lock.handle().equals(first)) {
                Thread.sleep(20);
            }
            lock.ensureHeld("testing");
            assertFalse(Files.exists(root.resolve("locks").resolve(first.name())), "the old file is removed");
            assertEquals(Boolean.TRUE, new LocalStorage(root).isHeldByLiveProcess(lock.handle()));
            if (Files.isReadable(Path.of("/proc/locks"))) {
                assertTrue(osLockHeld(lockFile(root, lock)));
            }
        }
    }

    /** Someone removed the lock file (a cloud client, another computer that judged it stale): the holder stops before committing. */
    @Test
    void aHolderWhoseLockFileWasRemovedStopsBeforeItCommits() throws IOException {
        Path root = root();
        try (RepoLock lock = RepoLock.acquire(new LocalStorage(root), false, "backup")) {
            lock.ensureHeld("writing its snapshot");
            Files.delete(lockFile(root, lock));
            LockLostException e = assertThrows(LockLostException.class, () -> lock.ensureHeld("writing its snapshot"));
            assertEquals(ExitCodes.FAILURE, e.exitCode());
            assertEquals("backup stopped before writing its snapshot: its lock file locks/" + lock.handle().name()
                    + " was removed by another process ('vault unlock --remove-all', or a computer that judged it stale)"
                    + " (repository " + root + "); nothing was committed, run it again.", e.getMessage());
        }
    }

    /** A refresh whose write fails leaves the holder unable to commit, saying why. */
    @Test
    void aHolderThatCannotRefreshItsLockStopsBeforeItCommits() throws Exception {
        FaultyStorage s = new FaultyStorage(new LocalStorage(root())).failWrite(2); // write 1: the lock; 2: its refresh
        RepoLock.Timing fast = new RepoLock.Timing(Duration.ofMillis(50), RepoLock.STALE_AFTER, RepoLock.CLOCK_SKEW, java.time.Clock.systemUTC());
        try (RepoLock lock = RepoLock.acquire(s, false, "backup", fast)) {
            while (s.writeCount() < 2) {
                Thread.sleep(20);
            }
            LockLostException e = assertThrows(LockLostException.class, () -> {
                while (true) { // the refresher records the failure right after the write fails
                    lock.ensureHeld("writing its snapshot");
                    Thread.sleep(20);
                }
            });
            assertTrue(e.getMessage().startsWith("backup stopped before writing its snapshot: its lock could not be refreshed"
                    + " (injected fault: write 2 of "), e.getMessage());
        }
    }

    /** Asleep or paused longer than others wait: the lock may have been judged stale elsewhere, so the holder stops. */
    @Test
    void aHolderUnrefreshedForLongerThanTheStaleTimeStopsBeforeItCommits() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        RepoLock.Timing noRefresh = new RepoLock.Timing(Duration.ofDays(1), RepoLock.STALE_AFTER, RepoLock.CLOCK_SKEW, clock);
        try (RepoLock lock = RepoLock.acquire(new LocalStorage(root()), false, "backup", noRefresh)) {
            clock.advance(Duration.ofMinutes(29));
            lock.ensureHeld("writing its snapshot");
            clock.advance(Duration.ofMinutes(2));
            LockLostException e = assertThrows(LockLostException.class, () -> lock.ensureHeld("writing its snapshot"));
            assertTrue(e.getMessage().contains("its lock went unrefreshed for 31 min"), e.getMessage());
        }
    }

    /** Anyone who can write a shared folder can drop junk into locks/: a huge or garbled file is not read whole and blocks nobody. */
    @Test
    void junkInTheLocksFolderIsIgnored() throws IOException {
        Path root = root();
        Files.write(root.resolve("locks").resolve("huge"), new byte[8 << 20]);
        Files.writeString(root.resolve("locks").resolve("garbled"), "{not json");
        LocalStorage s = new LocalStorage(root);
        assertEquals(List.of(), RepoLock.list(s));
        assertThrows(IOException.class, () -> s.read(new Handle(FileType.LOCK, "huge")));
        try (RepoLock lock = RepoLock.acquire(s, true, "prune")) {
            lock.ensureHeld("testing");
        }
    }

    static Handle writeForeign(LocalStorage s, String name, String machine, String host, long pid, Instant time) throws IOException {
        RepoLock.Info i = new RepoLock.Info();
        i.machine = machine;
        i.host = host;
        i.pid = pid;
        i.time = time.toString();
        i.exclusive = false;
        i.purpose = "backup";
        Handle h = new Handle(FileType.LOCK, name);
        s.write(h, Repository.GSON.toJson(i).getBytes(StandardCharsets.UTF_8)); // a plain write: no OS lock, as from another computer
        return h;
    }

    static RepoLock.Info info(LocalStorage s, String name) throws IOException {
        return RepoLock.list(s).stream().filter(i -> i.name.equals(name)).findFirst().orElseThrow();
    }

    /**
     * Another computer's lock (another machine id, the SAME host name and a pid that runs here) is
     * judged by its refresh age only; this computer's unheld lock is stale at once. Future dates are live.
     */
    @Test
    void machineIdNotHostNameDecidesHowALockIsJudged() throws IOException {
        LocalStorage s = new LocalStorage(root());
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        RepoLock.Timing t = new RepoLock.Timing(RepoLock.REFRESH, RepoLock.STALE_AFTER, RepoLock.CLOCK_SKEW, clock);
        String other = "0123456789abcdef0123456789abcdef";
        assertNotEquals(other, MachineId.current());
        long myPid = ProcessHandle.current().pid();
        Instant now = clock.instant();
        writeForeign(s, "fresh", other, Hosts.hostName(), 999_999, now.minus(Duration.ofMinutes(39)));
        writeForeign(s, "old", other, Hosts.hostName(), myPid, now.minus(Duration.ofMinutes(41)));
        writeForeign(s, "future", other, Hosts.hostName(), 999_999, now.plus(Duration.ofDays(2)));
        writeForeign(s, "mine", MachineId.current(), "some-other-name", myPid, now);
        writeForeign(s, "nomachine", null, Hosts.hostName(), 999_999, now.minus(Duration.ofMinutes(10)));
        assertTrue(RepoLock.isLive(s, info(s, "fresh"), t), "30 min stale time + 10 min skew margin not over");
        assertFalse(RepoLock.isLive(s, info(s, "old"), t), "not refreshed for 41 min: stale, though its pid runs here");
        assertTrue(RepoLock.isLive(s, info(s, "future"), t), "dated in the future: live");
        assertFalse(RepoLock.isLive(s, info(s, "mine"), t), "this computer, no OS lock: its process is gone");
        assertTrue(RepoLock.isLive(s, info(s, "nomachine"), t), "no machine id: judged as another computer's");
        // taking a lock clears this computer's dead locks (so other computers need not wait for them to age), and only those
        try (RepoLock lock = RepoLock.acquire(s, false, "check")) {
            assertEquals(List.of("fresh", "future", "nomachine", "old", lock.handle().name()).stream().sorted().toList(),
                    s.list(FileType.LOCK).stream().sorted().toList());
        }
    }
}
