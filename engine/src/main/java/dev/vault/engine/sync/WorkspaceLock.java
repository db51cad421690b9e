package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.ProcessLocks;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The workspace lock ({@code .git/vault/lock}): an OS file lock held for a whole round, so two vault
 * processes never sync one workspace at once. The lock dies with its process; the pid written into
 * the file is only for the message.
 */
public final class WorkspaceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Path key;

    private WorkspaceLock(FileChannel channel, FileLock lock, Path key) {
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    /** Takes the lock or throws exit 11 naming the holder's pid. */
    public static WorkspaceLock acquire(Workspace ws) {
        Path file = ws.vaultDir().resolve("lock");
        try {
            Files.createDirectories(file.getParent());
            synchronized (ProcessLocks.monitor()) {
                return acquire(ws, file);
            }
        } catch (IOException e) {
            throw new VaultException("cannot lock workspace " + ws.root() + " (" + file + "): " + e.getMessage(), e);
        }
    }

    private static WorkspaceLock acquire(Workspace ws, Path file) throws IOException {
        if (ProcessLocks.heldHere(file)) {
            // another task of this process syncs it; opening a second channel would drop that task's lock
            throw new VaultException(ExitCodes.LOCKED, "another vault process (pid " + ProcessHandle.current().pid()
                    + ") is syncing " + ws.root() + "; wait for it to finish and try again");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String holder = readHolder(ch);
            ch.close();
            throw new VaultException(ExitCodes.LOCKED, "another vault process (pid " + holder + ") is syncing "
                    + ws.root() + "; wait for it to finish and try again");
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(pid), 0);
        Path key = ProcessLocks.key(file);
        ProcessLocks.add(key);
        return new WorkspaceLock(ch, l, key);
    }

    /** The pid of the process holding the lock, or null when nobody holds it. */
    public static Long holder(Workspace ws) {
        Path file = ws.vaultDir().resolve("lock");
        if (!Files.exists(file)) {
            return null;
        }
        synchronized (ProcessLocks.monitor()) {
            if (ProcessLocks.heldHere(file)) {
                return ProcessHandle.current().pid();
            }
            return probe(file);
        }
    }

    private static Long probe(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return ProcessHandle.current().pid();
            }
            if (l != null) {
                l.release();
                return null;
            }
            String h = readHolder(ch);
            try {
                return Long.parseLong(h);
            } catch (NumberFormatException e) {
                return -1L;
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String readHolder(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            int n = ch.read(buf, 0);
            String s = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.US_ASCII).strip();
            return s.isEmpty() ? "unknown" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        synchronized (ProcessLocks.monitor()) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // closing the channel releases the lock anyway
            } finally {
                ProcessLocks.remove(key);
            }
        }
    }
}
