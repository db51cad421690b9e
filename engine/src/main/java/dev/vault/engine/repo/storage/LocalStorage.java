package dev.vault.engine.repo.storage;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A repository in a local (or mounted network/USB) folder. Data files go into two-hex-digit shard
 * folders; every write goes to {@code tmp/} first, is fsynced and then renamed into place, so a crash
 * never leaves a half-written file under a real name. Works on FAT32/exFAT, NTFS and SMB (no symlinks,
 * short lowercase names). Files are created 0600 in folders created 0700 where POSIX permissions exist
 * (see {@link SecretFiles}): even an encrypted repository's files reveal sizes and times.
 */
public final class LocalStorage implements Storage {
    /**
     * Largest single read or write: the JDK copies heap buffers through a per-thread direct buffer of
     * the request's size, so 16 MiB pack writes would pin 16 MiB of native memory per thread.
     */
    private static final int IO_SLICE = 1 << 20;
    /**
     * The lock region: one byte far past any lock file's content. Windows locks are mandatory, so a
     * lock over the content would stop other processes from reading the file.
     */
    static final long LOCK_REGION = 1L << 30;
    /** Lock files are a few hundred bytes of JSON; a larger one is not read. */
    private static final long MAX_LOCK_FILE = 64 * 1024;
    /**
     * Every OS lock this JVM holds on a lock file, by {@link #fileKey}, whichever instance took it. On
     * POSIX systems closing ANY channel on a file drops all of the process's locks on it, so nothing in
     * this process may open and close a second channel on a held file: every read, probe and delete of
     * a lock file goes through this table, under its monitor (which also orders them against
     * {@link #writeLock}).
     */
    private static final Map<Object, Held> HELD = new HashMap<>();

    /**
     * A held lock file: its channel (used for nothing but holding: a thread interrupted in I/O on it
     * would close it) and its bytes (lock files are written once, so reads are served from them).
     */
    private record Held(FileChannel channel, byte[] content, LocalStorage owner) {
    }
    private final Path root;

    public LocalStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    /** The path of a handle: {@code config}, {@code data/3f/3f2a...}, {@code index/<id>}, ... */
    public Path path(Handle h) {
        switch (h.type()) {
            case CONFIG:
                return root.resolve("config");
            case DATA:
                String shard = h.name().length() >= 2 ? h.name().substring(0, 2) : "00";
                return root.resolve("data").resolve(shard).resolve(h.name());
            default:
                return root.resolve(h.type().folder()).resolve(h.name());
        }
    }

    @Override
    public List<String> list(FileType type) throws IOException {
        List<String> names = new ArrayList<>();
        if (type == FileType.CONFIG) {
            if (Files.isRegularFile(root.resolve("config"))) {
                names.add("config");
            }
            return names;
        }
        Path dir = root.resolve(type.folder());
        if (!Files.isDirectory(dir)) {
            return names;
        }
        if (type == FileType.DATA) {
            try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir)) {
                for (Path shard : shards) {
                    if (Files.isDirectory(shard)) {
                        addFiles(shard, names);
                    }
                }
            }
        } else {
            addFiles(dir, names);
        }
        return names;
    }

    private static void addFiles(Path dir, List<String> names) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.startsWith(".") && Files.isRegularFile(f)) {
                    names.add(n);
                }
            }
        }
    }

    @Override
    public boolean exists(Handle h) {
        return Files.exists(path(h));
    }

    @Override
    public long size(Handle h) throws IOException {
        return Files.size(path(h));
    }

    @Override
    public String stamp(Handle h) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(path(h),
                java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return a.size() + ":" + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + ":" + a.fileKey();
    }

    @Override
    public byte[] read(Handle h) throws IOException {
        if (h.type() == FileType.LOCK) {
            return readLockFile(h, 0, 0, true);
        }
        long size = Files.size(path(h));
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(h + " is too large to read at once (" + size + " bytes)");
        }
        return read(h, 0, (int) size);
    }

    @Override
    public byte[] read(Handle h, long offset, int length) throws IOException {
        if (h.type() == FileType.LOCK) {
            return readLockFile(h, offset, length, false);
        }
        try (FileChannel ch = FileChannel.open(path(h), StandardOpenOption.READ)) {
            return readFrom(ch, h, offset, length);
        }
    }

    private static byte[] readFrom(FileChannel ch, Handle h, long offset, int length) throws IOException {
        byte[] out = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(out);
        long pos = offset;
        while (buf.position() < out.length) {
            buf.limit(Math.min(out.length, buf.position() + IO_SLICE));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new EOFException(h + " is shorter than expected (wanted " + length + " bytes at " + offset + ")");
            }
            pos += n;
        }
        return out;
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        Path target = path(h);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmpDir = folderInRoot(root.resolve("tmp"));
        folderInRoot(target.getParent());
        Path tmp = tmpDir.resolve(h.name() + "-" + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = SecretFiles.createNew(tmp)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.position() < data.length) {
                    buf.limit(Math.min(data.length, buf.position() + IO_SLICE));
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target); // no REPLACE_EXISTING: write-once
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    @Override
    public PendingFile create() throws IOException {
        Path tmpDir = folderInRoot(root.resolve("tmp"));
        Path tmp = tmpDir.resolve("pending-" + UUID.randomUUID() + ".tmp");
        FileChannel ch = SecretFiles.createNew(tmp);
        return new PendingFile() {
            private long size;
            private boolean done;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                int end = off + len;
                while (buf.position() < end) {
                    buf.limit(Math.min(end, buf.position() + IO_SLICE));
                    ch.write(buf);
                }
                size += len;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public void commit(Handle h) throws IOException {
                Path target = path(h);
                try {
                    ch.force(true);
                    ch.close();
                    if (Files.exists(target)) {
                        throw new FileAlreadyExistsException(target.toString());
                    }
                    folderInRoot(target.getParent());
                    Files.move(tmp, target);
                } finally {
                    done = true;
                    Files.deleteIfExists(tmp);
                }
                syncDirectory(target.getParent());
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    done = true;
                    ch.close();
                    Files.deleteIfExists(tmp);
                }
            }
        };
    }

    /**
     * Creates the repository folder itself (and its parents). Only {@code repo init} calls this:
     * every other write creates folders strictly below an existing root, one level at a time, so a
     * pulled drive (its mount point now an empty folder on the computer's own disk) or a path that was
     * never initialised makes the write fail instead of quietly growing a repository there.
     */
    @Override
    public void createRoot() throws IOException {
        if (!Files.isDirectory(root)) {
            Path parent = root.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                SecretFiles.createDirectory(root); // 0700, like every folder inside it
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(root)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Makes sure {@code dir}, a folder below the root, exists, creating each missing level with a
     * single mkdir. The root is never created: if it is gone, mkdir of its child fails atomically,
     * which closes the window between checking the root and writing below it.
     */
    private Path folderInRoot(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return dir;
        }
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw new IllegalArgumentException(dir + " is not below " + root);
        }
        Path rel = root.relativize(dir);
        Path cur = root;
        for (Path part : rel) {
            cur = cur.resolve(part);
            try {
                SecretFiles.createDirectory(cur);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(cur + " is in the way: a repository folder must be a real folder");
                }
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(root.toString(), null,
                        "the repository folder is gone (drive removed or unmounted?); nothing was written");
            }
        }
        return dir;
    }

    /** Makes the rename durable where the OS allows opening a directory (not on Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Windows and some network filesystems cannot fsync a directory; the rename is still atomic there.
        }
    }

    @Override
    public void delete(Handle h) throws IOException {
        Path p = path(h);
        if (h.type() != FileType.LOCK) {
            Files.delete(p);
            return;
        }
        synchronized (HELD) {
            Object key = fileKey(p);
            Files.delete(p); // while still held: nobody sees this file unheld before it is gone
            Held held = HELD.remove(key);
            if (held != null) {
                held.channel().close();
            }
        }
    }

    /**
     * Writes the lock file with an OS lock taken on it before it becomes visible under its name (in
     * {@code tmp/}, then renamed: the lock stays with the file), so no other process can ever see it
     * unheld. The channel goes into the JVM-wide {@link #HELD} table, through which every read, probe
     * and delete of that file in this process passes.
     */
    @Override
    public Closeable writeLock(Handle h, byte[] data) throws IOException {
        if (h.type() != FileType.LOCK) {
            throw new IllegalArgumentException("not a lock file: " + h);
        }
        Path target = path(h);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmpDir = folderInRoot(root.resolve("tmp")); // never the root itself (see folderInRoot)
        folderInRoot(target.getParent());
        Path tmp = tmpDir.resolve(h.name() + "-" + UUID.randomUUID() + ".tmp");
        synchronized (HELD) {
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            Object key;
            try {
                try {
                    lock = ch.tryLock(LOCK_REGION, 1, false);
                } catch (IOException | UnsupportedOperationException e) {
                    lock = null; // a filesystem without locks (some SMB/FUSE mounts): others judge by the refresh time
                }
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
                // the key before the rename: once renamed, the file can be removed by anyone at any moment
                key = lock == null ? null : lockKey(tmp, target);
                Files.move(tmp, target); // no REPLACE_EXISTING: write-once
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
            syncDirectory(target.getParent());
            if (lock == null) {
                ch.close();
                return null;
            }
            Held held = new Held(ch, data.clone(), this);
            HELD.put(key, held);
            return () -> release(key, held);
        }
    }

    private static void release(Object key, Held held) throws IOException {
        synchronized (HELD) {
            if (HELD.remove(key, held)) {
                held.channel().close();
            }
        }
    }

    /**
     * TRUE when an OS lock is held on the lock file: by this JVM (see {@link #HELD}) or by another
     * process, seen through a shared probe lock on the same region (the probe never takes the
     * holder's place: holders lock before the file is visible). FALSE when nobody holds it or it is
     * gone, null when the filesystem has no locks.
     */
    @Override
    public Boolean isHeldByLiveProcess(Handle h) {
        Path p = path(h);
        synchronized (HELD) {
            try {
                if (HELD.containsKey(fileKey(p))) {
                    return Boolean.TRUE;
                }
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    FileLock probe = ch.tryLock(LOCK_REGION, 1, true);
                    if (probe == null) {
                        return Boolean.TRUE;
                    }
                    probe.release();
                    return Boolean.FALSE;
                }
            } catch (OverlappingFileLockException e) {
                return Boolean.TRUE; // held by this JVM
            } catch (NoSuchFileException e) {
                return Boolean.FALSE;
            } catch (IOException | UnsupportedOperationException e) {
                return null;
            }
        }
    }

    /** {@link #fileKey} of {@code target} once {@code tmp} is renamed to it (the inode stays; a real path is the parent's plus the name). */
    private static Object lockKey(Path tmp, Path target) throws IOException {
        Object key = Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null ? key : target.getParent().toRealPath().resolve(target.getFileName());
    }

    /** What identifies a file to the OS's locks: its inode where there is one, else its real path (Windows). */
    private static Object fileKey(Path p) throws IOException {
        Object key = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null ? key : p.toRealPath(LinkOption.NOFOLLOW_LINKS);
    }

    /** Reads a lock file; one this JVM holds is never opened again (closing that second channel would drop the OS lock). */
    private byte[] readLockFile(Handle h, long offset, int length, boolean whole) throws IOException {
        Path p = path(h);
        synchronized (HELD) {
            Held held = HELD.get(fileKey(p));
            if (held != null) {
                byte[] c = held.content();
                if (whole) {
                    return c.clone();
                }
                if (offset < 0 || offset + length > c.length) {
                    throw new EOFException(h + " is shorter than expected (wanted " + length + " bytes at " + offset + ")");
                }
                return java.util.Arrays.copyOfRange(c, (int) offset, (int) offset + length);
            }
            try (FileChannel own = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long size = own.size();
                if (size > MAX_LOCK_FILE) {
                    // anyone who can write the shared folder can put a huge file here: never read it into memory
                    throw new IOException(h + " is too large to be a lock file (" + size + " bytes)");
                }
                return readFrom(own, h, offset, whole ? (int) size : length);
            }
        }
    }

    @Override
    public int removeLeftoverTemporaryFiles() throws IOException {
        Path tmpDir = root.resolve("tmp");
        if (!Files.isDirectory(tmpDir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmpDir)) {
            for (Path f : files) {
                if (Files.deleteIfExists(f)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Releases the OS locks this instance still holds (their owners should have released them first). */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            for (var it = HELD.values().iterator(); it.hasNext();) {
                Held held = it.next();
                if (held.owner() == this) {
                    it.remove();
                    held.channel().close();
                }
            }
        }
    }
}
