package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A lock file in {@code locks/} (plain JSON: host, pid, process start, time, exclusive, purpose).
 * Shared locks (backup, check, restore) coexist; an exclusive lock (forget, prune) excludes all.
 * Liveness: on storages with OS file locks the holder keeps one on its lock file, which the OS
 * releases when the process dies (so a zombie or a reused pid never looks alive); otherwise a lock
 * is live while its process (same host, same pid and start time) runs. A lock from another host is
 * live while that host's OS lock is seen held or while it is younger than {@link #STALE_AFTER}
 * (holders refresh it every {@link #REFRESH}): OS locks do not cross every shared or synced folder.
 */
public final class RepoLock implements Closeable {
    public static final Duration STALE_AFTER = Duration.ofMinutes(30);
    public static final Duration REFRESH = Duration.ofMinutes(5);

    /** The JSON of a lock file. */
    public static final class Info {
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
    }

    private final Storage storage;
    private final Info info;
    private volatile Handle handle;
    private volatile Closeable liveness;
    private final Thread refresher;
    private volatile boolean closed;

    private RepoLock(Storage storage, Info info, Handle handle, Closeable liveness) {
        this.storage = storage;
        this.info = info;
        this.handle = handle;
        this.liveness = liveness;
        this.refresher = new Thread(this::refreshLoop, "vault-lock-refresh");
        this.refresher.setDaemon(true);
        this.refresher.start();
    }

    /** Takes a lock or throws VaultException(LOCKED) naming the holder of a conflicting live lock. */
    public static RepoLock acquire(Storage storage, boolean exclusive, String purpose) throws IOException {
        Info me = new Info();
        me.host = Hosts.hostName();
        me.user = System.getProperty("user.name", "");
        ProcessHandle self = ProcessHandle.current();
        me.pid = self.pid();
        me.processStart = self.info().startInstant().map(Instant::toString).orElse(null);
        me.time = Instant.now().toString();
        me.exclusive = exclusive;
        me.purpose = purpose;
        Handle h = write(storage, me);
        Closeable live = storage.holdLiveness(h);
        try {
            for (Info other : list(storage)) {
                if (other.name.equals(h.name())) {
                    continue;
                }
                if ((exclusive || other.exclusive) && isLive(storage, other)) {
                    throw new VaultException(ExitCodes.LOCKED, "repository " + storage.location() + " is locked: "
                            + other.describe() + "; wait for it to finish, or run 'vault unlock' if that process is gone.");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (live != null) {
                live.close();
            }
            storage.delete(h);
            throw e;
        }
        return new RepoLock(storage, me, h, live);
    }

    private static Handle write(Storage storage, Info info) throws IOException {
        byte[] json = Repository.GSON.toJson(info).getBytes(StandardCharsets.UTF_8);
        byte[] rnd = new byte[8];
        new SecureRandom().nextBytes(rnd);
        // random part: two locks with identical content must still get distinct names
        String name = Hashes.sha256Hex((new String(json, StandardCharsets.UTF_8) + HexFormat.of().formatHex(rnd))
                .getBytes(StandardCharsets.UTF_8));
        Handle h = new Handle(FileType.LOCK, name);
        storage.write(h, json);
        return h;
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

    /** Whether the process holding {@code other} is still running (see class comment). */
    public static boolean isLive(Storage storage, Info other) {
        Boolean held = storage.isHeldByLiveProcess(new Handle(FileType.LOCK, other.name));
        if (Boolean.TRUE.equals(held)) {
            return true;
        }
        if (Hosts.hostName().equals(other.host)) {
            if (held != null) {
                return false; // this computer's OS lock died with its process
            }
            Optional<ProcessHandle> ph = ProcessHandle.of(other.pid);
            if (ph.isEmpty() || !ph.get().isAlive()) {
                return false;
            }
            String start = ph.get().info().startInstant().map(Instant::toString).orElse(null);
            return other.processStart == null || start == null || other.processStart.equals(start);
        }
        // Another computer's OS lock may not reach this one (a cloud-synced folder, some network
        // filesystems): an unheld lock from there is live until it is too old to be refreshed.
        try {
            return Instant.parse(other.time).isAfter(Instant.now().minus(STALE_AFTER));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Removes lock files of processes that are gone (or all of them); returns the removed ones. */
    public static List<Info> removeStale(Storage storage, boolean all) throws IOException {
        List<Info> removed = new ArrayList<>();
        for (Info i : list(storage)) {
            if (all || !isLive(storage, i)) {
                try {
                    storage.delete(new Handle(FileType.LOCK, i.name));
                    removed.add(i);
                } catch (java.nio.file.NoSuchFileException ignored) {
                    // someone else removed it
                }
            }
        }
        return removed;
    }

    private void refreshLoop() {
        while (!closed) {
            try {
                Thread.sleep(REFRESH.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    info.time = Instant.now().toString();
                    Handle fresh = write(storage, info);
                    Closeable freshLive = storage.holdLiveness(fresh);
                    Handle old = handle;
                    Closeable oldLive = liveness;
                    handle = fresh;
                    liveness = freshLive;
                    if (oldLive != null) {
                        oldLive.close();
                    }
                    storage.delete(old);
                } catch (IOException | RuntimeException e) {
                    // keep the old lock; it stays valid for same-host checks
                }
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        refresher.interrupt();
        if (liveness != null) {
            liveness.close();
        }
        try {
            storage.delete(handle);
        } catch (java.nio.file.NoSuchFileException ignored) {
            // removed by 'vault unlock --remove-all'
        }
    }
}
