package dev.vault.cli.daemon;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.ProcessLocks;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * One daemon per workspace: an OS file lock on {@code .git/vault/daemon.lock}, held for the daemon's
 * life. The OS drops it when the process dies however it dies, so liveness never rests on a pid
 * check; the pid in {@code daemon.pid} beside it is only for messages (a separate file because
 * Windows locks are mandatory: nobody else could read the locked file).
 */
public final class DaemonLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Path key;

    private DaemonLock(FileChannel channel, FileLock lock, Path key) {
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    public static Path file(Path workspace) {
        return workspace.resolve(".git").resolve("vault").resolve("daemon.lock");
    }

    static Path pidFile(Path workspace) {
        return workspace.resolve(".git").resolve("vault").resolve("daemon.pid");
    }

    /** Takes the lock or fails with exit 11 naming the running daemon's pid. */
    public static DaemonLock acquire(Path workspace) {
        Path f = file(workspace);
        try {
            Files.createDirectories(f.getParent());
            synchronized (ProcessLocks.monitor()) {
                return acquire(workspace, f);
            }
        } catch (IOException e) {
            throw new VaultException("cannot lock " + f + ": " + e.getMessage(), e);
        }
    }

    private static DaemonLock acquire(Path workspace, Path f) throws IOException {
        // a second channel on a file this JVM holds would drop its lock when closed: ask first
        FileChannel ch = ProcessLocks.heldHere(f) ? null
                : FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch == null ? null : ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            if (ch != null) {
                ch.close();
            }
            OptionalLong pid = holder(workspace);
            throw new VaultException(ExitCodes.LOCKED, "a vault daemon is already running for " + workspace
                    + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "")
                    + "; stop it first or leave it running.");
        }
        Files.writeString(pidFile(workspace), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        Path key = ProcessLocks.key(f);
        ProcessLocks.add(key);
        return new DaemonLock(ch, l, key);
    }

    /** The pid of the running daemon, if one holds the lock now. */
    public static OptionalLong running(Path workspace) {
        Path f = file(workspace);
        if (!Files.exists(f)) {
            return OptionalLong.empty();
        }
        synchronized (ProcessLocks.monitor()) {
            if (ProcessLocks.heldHere(f)) {
                return OptionalLong.of(ProcessHandle.current().pid());
            }
            return probe(workspace, f);
        }
    }

    private static OptionalLong probe(Path workspace, Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return OptionalLong.of(ProcessHandle.current().pid());
            }
            if (l != null) {
                l.release();
                return OptionalLong.empty();
            }
            OptionalLong pid = holder(workspace);
            return pid.isPresent() ? pid : OptionalLong.of(-1);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong holder(Path workspace) {
        try {
            String s = Files.readString(pidFile(workspace), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (ProcessLocks.monitor()) {
            try {
                lock.release();
            } finally {
                try {
                    channel.close();
                } finally {
                    ProcessLocks.remove(key);
                }
            }
        }
    }
}
