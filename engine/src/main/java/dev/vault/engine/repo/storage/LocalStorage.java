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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A repository in a local (or mounted network/USB) folder. Data files go into two-hex-digit shard
 * folders; every write goes to {@code tmp/} first, is fsynced and then renamed into place, so a crash
 * never leaves a half-written file under a real name. Works on FAT32/exFAT, NTFS and SMB (no symlinks,
 * short lowercase names).
 */
public final class LocalStorage implements Storage {
    /**
     * Largest single read or write: the JDK copies heap buffers through a per-thread direct buffer of
     * the request's size, so 16 MiB pack writes would pin 16 MiB of native memory per thread.
     */
    private static final int IO_SLICE = 1 << 20;
    private final Path root;
    private final Map<Path, FileChannel> held = new ConcurrentHashMap<>();

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
    public byte[] read(Handle h) throws IOException {
        long size = Files.size(path(h));
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException(h + " is too large to read at once (" + size + " bytes)");
        }
        return read(h, 0, (int) size);
    }

    @Override
    public byte[] read(Handle h, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(path(h), StandardOpenOption.READ)) {
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
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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
        Files.createDirectories(root);
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
                Files.createDirectory(cur);
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
        FileChannel ch = held.remove(p);
        if (ch != null) {
            ch.close();
        }
        Files.delete(p);
    }

    @Override
    public Closeable holdLiveness(Handle h) throws IOException {
        Path p = path(h);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock(0, Long.MAX_VALUE, false);
        } catch (IOException | OverlappingFileLockException e) {
            ch.close();
            return null; // filesystem without locks (some SMB/FUSE mounts): callers fall back to timestamps
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        held.put(p, ch);
        return () -> {
            FileChannel c = held.remove(p);
            if (c != null) {
                c.close();
            }
        };
    }

    @Override
    public Boolean isHeldByLiveProcess(Handle h) {
        Path p = path(h);
        if (held.containsKey(p)) {
            return Boolean.TRUE;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
            if (lock == null) {
                return Boolean.TRUE;
            }
            lock.release();
            return Boolean.FALSE;
        } catch (OverlappingFileLockException e) {
            return Boolean.TRUE; // held by this JVM
        } catch (NoSuchFileException e) {
            return Boolean.FALSE;
        } catch (IOException e) {
            return null;
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

    @Override
    public void close() throws IOException {
        for (FileChannel ch : held.values()) {
            ch.close();
        }
        held.clear();
    }
}
