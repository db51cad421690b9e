package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.MachineId;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A lock file in {@code locks/} (plain JSON: machine id, host, pid, process start, time, exclusive,
 * purpose), held for the whole life of the operation that took it. Shared locks (backup, check,
 * restore) coexist; an exclusive lock (forget, prune) excludes all. Liveness (docs/FORMAT.md §6):
 * a lock whose OS file lock is seen held is live; a lock of this computer (same machine id, see
 * {@link MachineId}) is live exactly while its OS lock is held (where the filesystem has none: while
 * its process runs); a lock of another computer is live until it has gone unrefreshed for
 * {@link #STALE_AFTER} plus {@link #CLOCK_SKEW} (a lock dated in the future is live). The holder
 * rewrites its lock every {@link #REFRESH}, and {@link #ensureHeld} stops it before it commits
 * anything once it can no longer be sure others see it as live.
 */
public final class RepoLock implements Closeable {
    public static final Duration REFRESH = Duration.ofMinutes(5);
    public static final Duration STALE_AFTER = Duration.ofMinutes(30);
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    /** The lock rules' times (tests shorten them) and the clock they are read on. */
    public record Timing(Duration refresh, Duration staleAfter, Duration clockSkew, Clock clock) {
        public static final Timing DEFAULT = new Timing(REFRESH, STALE_AFTER, CLOCK_SKEW, Clock.systemUTC());
    }

    /** The JSON of a lock file. */
    public static final class Info {
        public String machine;
        public String host;
        public String user;
        public long pid;
        public String processStart;
        public String time;
        public boolean exclusive;
        public String purpose;
        public transient String name;

        public String describe() {
            return (exclusive ? "exclusive" : "shared") + " lock by '" + purpose + "' (pid " + pid + " on " + host
                    + ", since " + time + ")";
        }

        Info copy() {
            return Repository.GSON.fromJson(Repository.GSON.toJson(this), Info.class);
        }
    }

    private final Storage storage;
    private final Timing timing;
    private Info info;
    private Handle handle;
    private Closeable hold;
    private Instant refreshedAt;
    private long refreshedNanos;
    /** Why this process can no longer count on its lock, or null while it can. */
    private String lost;
    private final Thread refresher;
    private boolean closed;

    private RepoLock(Storage storage, Timing timing, Info info, Handle handle, Closeable hold, Instant at, long nanos) {
        this.storage = storage;
        this.timing = timing;
        this.info = info;
        this.handle = handle;
        this.hold = hold;
        this.refreshedAt = at;
        this.refreshedNanos = nanos;
        this.refresher = new Thread(this::refreshLoop, "vault-lock-refresh");
        this.refresher.setDaemon(true);
        this.refresher.start();
    }

    /** Takes a lock or throws VaultException(LOCKED) naming the holder of a conflicting live lock. */
    public static RepoLock acquire(Storage storage, boolean exclusive, String purpose) throws IOException {
        return acquire(storage, exclusive, purpose, Timing.DEFAULT);
    }

    public static RepoLock acquire(Storage storage, boolean exclusive, String purpose, Timing timing) throws IOException {
        Info me = new Info();
        me.machine = MachineId.current();
        me.host = Hosts.hostName();
        me.user = System.getProperty("user.name", "");
        ProcessHandle self = ProcessHandle.current();
        me.pid = self.pid();
        me.processStart = self.info().startInstant().map(Instant::toString).orElse(null);
        long nanos = System.nanoTime();
        Instant at = timing.clock().instant();
        me.time = at.toString();
        me.exclusive = exclusive;
        me.purpose = purpose;
        Handle h = newHandle(me);
        Closeable hold = storage.writeLock(h, json(me));
        try {
            for (Info other : list(storage)) {
                if (other.name.equals(h.name())) {
                    continue;
                }
                if (leftHere(storage, other)) {
                    // a crashed process of this computer: clear it now, or other computers wait 40 min for it to age
                    try {
                        storage.delete(new Handle(FileType.LOCK, other.name));
                    } catch (IOException e) {
                        // someone else cleared it, or the folder is read-only: it blocks nobody either way
                    }
                    continue;
                }
                if ((exclusive || other.exclusive) && isLive(storage, other, timing)) {
                    throw new VaultException(ExitCodes.LOCKED, "repository " + storage.location() + " is locked: "
                            + other.describe() + "; wait for it to finish, or run 'vault unlock' if that process is gone.");
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                storage.delete(h);
            } catch (IOException | RuntimeException ignored) {
                // already removed by someone else; the first failure is the one to report
            } finally {
                closeQuietly(hold);
            }
            throw e;
        }
        return new RepoLock(storage, timing, me, h, hold, at, nanos);
    }

    private static byte[] json(Info info) {
        return Repository.GSON.toJson(info).getBytes(StandardCharsets.UTF_8);
    }

    private static Handle newHandle(Info info) {
        byte[] rnd = new byte[8];
        new SecureRandom().nextBytes(rnd);
        // random part: two locks with identical content must still get distinct names
        String name = Hashes.sha256Hex((Repository.GSON.toJson(info) + HexFormat.of().formatHex(rnd)).getBytes(StandardCharsets.UTF_8));
        return new Handle(FileType.LOCK, name);
    }

    /** Every readable lock file in the repository. */
    public static List<Info> list(Storage storage) throws IOException {
        List<Info> out = new ArrayList<>();
        for (String n : storage.list(FileType.LOCK)) {
            try {
                Info i = Repository.GSON.fromJson(new String(storage.read(new Handle(FileType.LOCK, n)), StandardCharsets.UTF_8), Info.class);
                if (i != null) {
                    i.name = n;
                    out.add(i);
                }
            } catch (IOException | RuntimeException e) {
                // vanished or half-visible lock file: ignore, it is not ours to judge
            }
        }
        return out;
    }

    /** Whether {@code other} belongs to a live process (see the class comment), with the default timing. */
    public static boolean isLive(Storage storage, Info other) {
        return isLive(storage, other, Timing.DEFAULT);
    }

    public static boolean isLive(Storage storage, Info other, Timing timing) {
        Boolean held = storage.isHeldByLiveProcess(new Handle(FileType.LOCK, other.name));
        if (Boolean.TRUE.equals(held)) {
            return true;
        }
        if (MachineId.current().equals(other.machine)) {
            if (held != null) {
                return false; // this computer's OS lock died with its process
            }
            // a filesystem without OS locks: the process itself, identified by pid and start time
            Optional<ProcessHandle> ph = ProcessHandle.of(other.pid);
            if (ph.isEmpty() || !ph.get().isAlive()) {
                return false;
            }
            String start = ph.get().info().startInstant().map(Instant::toString).orElse(null);
            return other.processStart == null || start == null || other.processStart.equals(start);
        }
        // Another computer (or a lock without a machine id): its OS lock may not reach this one (a
        // cloud-synced folder, some network filesystems), so only the age of its last refresh counts.
        // A lock dated in the future is live: the clocks differ, it is not old.
        Instant time;
        try {
            time = Instant.parse(other.time);
        } catch (RuntimeException e) {
            return false; // no time at all: nothing a holder would write
        }
        return !timing.clock().instant().isAfter(time.plus(timing.staleAfter()).plus(timing.clockSkew()));
    }

    /** A lock of this computer whose OS lock is provably not held: its process is gone. */
    private static boolean leftHere(Storage storage, Info other) {
        return MachineId.current().equals(other.machine)
                && Boolean.FALSE.equals(storage.isHeldByLiveProcess(new Handle(FileType.LOCK, other.name)));
    }

    /** Whether this process holds {@code other} itself (it must never be judged or removed as stale). */
    private static boolean heldHere(Storage storage, Info other) {
        return MachineId.current().equals(other.machine) && other.pid == ProcessHandle.current().pid()
                && Boolean.TRUE.equals(storage.isHeldByLiveProcess(new Handle(FileType.LOCK, other.name)));
    }

    /**
     * Removes lock files of processes that are gone; returns the removed ones. With {@code all}, also
     * those that only look live (another computer's, judged by age), but never one whose OS lock is
     * seen held: that process provably runs.
     */
    public static List<Info> removeStale(Storage storage, boolean all) throws IOException {
        List<Info> removed = new ArrayList<>();
        for (Info i : list(storage)) {
            Handle h = new Handle(FileType.LOCK, i.name);
            boolean remove = all ? !Boolean.TRUE.equals(storage.isHeldByLiveProcess(h)) && !heldHere(storage, i)
                    : !isLive(storage, i);
            if (remove) {
                try {
                    storage.delete(h);
                    removed.add(i);
                } catch (NoSuchFileException ignored) {
                    // someone else removed it
                }
            }
        }
        return removed;
    }

    /**
     * Throws {@link LockLostException} unless this process can still count on its lock: call it before
     * committing anything (a snapshot, deletions). {@code before} says what would come next, e.g.
     * "writing its snapshot".
     */
    public void ensureHeld(String before) {
        String why;
        synchronized (this) {
            if (lost == null) {
                lost = problem();
            }
            why = lost;
        }
        if (why != null) {
            throw new LockLostException(info.purpose + " stopped before " + before + ": " + why + " (repository "
                    + storage.location() + "); nothing was committed, run it again.");
        }
    }

    /** Why the lock cannot be counted on now, or null. Called with this object's monitor held. */
    private String problem() {
        Duration since = sinceRefresh();
        if (since.compareTo(timing.staleAfter()) > 0) {
            return "its lock went unrefreshed for " + since.toMinutes() + " min (the computer slept or the process was"
                    + " paused), so other computers may have judged it stale";
        }
        try {
            if (!storage.exists(handle)) {
                return "its lock file locks/" + handle.name() + " was removed by another process ('vault unlock"
                        + " --remove-all', or a computer that judged it stale)";
            }
        } catch (IOException | RuntimeException e) {
            return "its lock file locks/" + handle.name() + " could not be checked (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Time since the last refresh: the longer of the wall clock's (it runs on in sleep) and the monotonic clock's (it never jumps back). */
    private Duration sinceRefresh() {
        Duration wall = Duration.between(refreshedAt, timing.clock().instant());
        Duration mono = Duration.ofNanos(System.nanoTime() - refreshedNanos);
        return wall.compareTo(mono) > 0 ? wall : mono;
    }

    private void refreshLoop() {
        while (true) {
            try {
                Thread.sleep(timing.refresh().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed || lost != null) {
                    return;
                }
                refresh();
            }
        }
    }

    /** Writes a new lock file with the current time (files are written once), then removes the old one. */
    private void refresh() {
        lost = problem();
        if (lost != null) {
            return;
        }
        Info next = info.copy();
        long nanos = System.nanoTime();
        Instant at = timing.clock().instant();
        next.time = at.toString();
        Handle fresh = newHandle(next);
        Closeable freshHold;
        try {
            freshHold = storage.writeLock(fresh, json(next));
        } catch (IOException | RuntimeException e) {
            lost = "its lock could not be refreshed (" + e.getMessage() + ")";
            return;
        }
        Handle old = handle;
        Closeable oldHold = hold;
        info = next;
        handle = fresh;
        hold = freshHold;
        refreshedAt = at;
        refreshedNanos = nanos;
        try {
            storage.delete(old);
        } catch (IOException | RuntimeException e) {
            // an extra lock file of a live process; it is removed as stale once this one ends
        } finally {
            closeQuietly(oldHold);
        }
    }

    /** The lock file's current name (it changes at each refresh). */
    public synchronized Handle handle() {
        return handle;
    }

    /** Deletes the lock file while still holding it, then releases the OS lock. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            refresher.interrupt();
            try {
                storage.delete(handle);
            } catch (NoSuchFileException ignored) {
                // removed by 'vault unlock --remove-all' or another computer
            } finally {
                closeQuietly(hold);
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // releasing an OS lock cannot fail in a way anyone could act on
            }
        }
    }
}
