package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.CorruptDataException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a snapshot (or parts of it) into a destination folder. Every chunk is authenticated and
 * re-hashed before it is written. A file in a folder that existed before goes to a temporary name in
 * its folder and is renamed into place (what was there stays intact until then); in a folder this
 * restore created it is created exclusively under its final name. Whatever the snapshot contains, nothing is written outside the destination: names that are
 * not exactly one path element here (see {@link #safeName}) are refused; folders are entered only when
 * they are real folders (a symlink in the way is replaced, never followed); only files, folders and
 * symlinks are created, never devices. A file whose data is damaged is reported and skipped; the rest
 * is restored.
 */
public final class Restore {
    /** What to restore. */
    public static final class Options {
        public String snapshot = "latest";
        public Path target;
        /** Sub-paths inside the snapshot ("src/main"), empty for everything. */
        public List<String> paths = new ArrayList<>();
        /** Files restored at once; more than cores, since creating, renaming and timestamping files waits on the OS. */
        public int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        /** Live counters for a progress display; may be null. */
        public Progress progress;
    }

    /** Live counters. */
    public static final class Progress {
        public final AtomicLong files = new AtomicLong();
        public final AtomicLong bytes = new AtomicLong();
    }

    /** What was restored, and every path that could not be. */
    public static final class Result {
        public Snapshot snapshot;
        public long files;
        public long dirs;
        public long symlinks;
        public long bytes;
        public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    }

    private final Repository repo;
    private final Options o;
    private final Result r = new Result();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final List<Future<?>> pending = new ArrayList<>();
    private final List<Object[]> dirMeta = new ArrayList<>();
    /**
     * Files of several chunks, started after all others: their chunks are restored in parallel, so
     * they keep both cores busy at the end; and by then the JIT has compiled the decrypt and hash
     * paths, which run several times slower before (a 512 MiB file met early in the walk ran its
     * first chunks through them).
     */
    private final List<Runnable> large = new ArrayList<>();
    private ExecutorService pool;
    private ExecutorService chunkPool;
    private final Semaphore chunkSlots = new Semaphore(4);
    /** Access time given to everything restored: when this restore started (what creating them gave them before). */
    private final FileTime accessTime = FileTime.from(java.time.Instant.now());

    private Restore(Repository repo, Options o) {
        this.repo = repo;
        this.o = o;
    }

    public static Result run(Repository repo, Options o) throws IOException {
        RepoLock lock;
        try {
            lock = RepoLock.acquire(repo.storage(), false, "restore");
        } catch (VaultException e) {
            throw e; // locked by prune: wait for it
        } catch (IOException e) {
            lock = null; // a read-only medium: nobody can prune it under us either
        }
        try {
            return new Restore(repo, o).run();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private static final boolean WINDOWS = java.io.File.separatorChar == '\\';

    /**
     * Whether a name from a snapshot is exactly one path element here: never empty, "." or "..", never
     * with '/' or NUL; on Windows also never with '\\' (a separator) or ':' (drive-relative paths and
     * alternate data streams). Elsewhere those two are ordinary characters and restore as such.
     */
    public static boolean safeName(String name) {
        return safeName(name, WINDOWS);
    }

    static boolean safeName(String name, boolean windows) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            return false;
        }
        return !windows || (name.indexOf('\\') < 0 && name.indexOf(':') < 0);
    }

    private Result run() throws IOException {
        if (o.target == null) {
            throw new VaultException(ExitCodes.USAGE, "restore needs a destination folder (--to <dir>).");
        }
        Snapshot snap = repo.findSnapshot(o.snapshot);
        r.snapshot = snap;
        Path root = o.target.toAbsolutePath().normalize();
        boolean rootFresh = !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
        Files.createDirectories(root);
        if (!rootFresh && Files.isDirectory(root)) {
            try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                rootFresh = !ds.iterator().hasNext(); // an empty folder: nothing in it to keep safe
            }
        }
        probeUmask(root);
        Tree tree;
        try {
            tree = repo.loadTree(BlobId.parse(snap.tree));
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "the top folder listing of snapshot " + snap.shortId() + " in "
                    + repo.location() + " is damaged (" + e.getMessage() + "); nothing was restored; run 'vault check --read-data'.", e);
        }
        pool = Executors.newFixedThreadPool(o.threads, rr -> {
            Thread t = new Thread(rr, "vault-restore");
            t.setDaemon(true);
            return t;
        });
        chunkPool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors() + 1, rr -> {
            Thread t = new Thread(rr, "vault-restore-chunk");
            t.setDaemon(true);
            return t;
        });
        try {
            if (o.paths.isEmpty()) {
                restoreTree(tree, root, "", rootFresh);
            } else {
                for (String sub : o.paths) {
                    restoreSubPath(tree, root, sub, rootFresh);
                    rootFresh = false; // the first path may have put things there
                }
            }
            flushBatch();
            for (Runnable task : large) {
                pending.add(pool.submit(task));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    r.errors.add("unexpected: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("restore interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
            chunkPool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // folder times last (deepest first), since creating entries changes them
        Collections.reverse(dirMeta);
        for (Object[] dm : dirMeta) {
            applyMeta((Path) dm[0], (Node) dm[1], false);
        }
        r.files = files.get();
        r.bytes = bytes.get();
        return r;
    }

    private void restoreSubPath(Tree tree, Path root, String sub, boolean rootFresh) throws IOException {
        String[] parts = sub.replace('\\', '/').split("/");
        Tree t = tree;
        Path dir = root;
        boolean fresh = rootFresh;
        String rel = "";
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            Node n = t.find(part);
            if (n == null || !safeName(part)) {
                throw new VaultException(ExitCodes.FAILURE, "'" + sub + "' is not in snapshot " + r.snapshot.shortId()
                        + "; list its contents with 'vault ls " + r.snapshot.shortId() + "'.");
            }
            rel = rel.isEmpty() ? part : rel + "/" + part;
            boolean last = i == parts.length - 1 || allEmpty(parts, i + 1);
            if (last) {
                restoreNode(n, dir, rel, fresh);
                return;
            }
            if (!n.isDir()) {
                throw new VaultException(ExitCodes.FAILURE, "'" + rel + "' in snapshot " + r.snapshot.shortId() + " is not a folder.");
            }
            Boolean created = ensureDir(dir.resolve(part), rel, fresh);
            if (created == null) {
                return;
            }
            dir = dir.resolve(part);
            fresh = created;
            t = repo.loadTree(BlobId.parse(n.subtree));
        }
        restoreTree(t, dir, rel, fresh);
    }

    private static boolean allEmpty(String[] parts, int from) {
        for (int i = from; i < parts.length; i++) {
            if (!parts[i].isEmpty() && !parts[i].equals(".")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Restores a folder's entries into {@code dir}. {@code fresh}: this restore created {@code dir}
     * (or found the top folder empty), so nothing but its own entries can be there.
     */
    private void restoreTree(Tree t, Path dir, String rel, boolean fresh) {
        Set<String> seen = new HashSet<>();
        for (Node n : t.nodes) {
            String childRel = rel.isEmpty() ? String.valueOf(n.name) : rel + "/" + n.name;
            if (!safeName(n.name)) {
                r.errors.add(childRel + ": unsafe name in snapshot, not restored");
                continue;
            }
            if (!seen.add(n.name)) {
                r.errors.add(childRel + ": appears twice in the snapshot, second copy not restored");
                continue;
            }
            restoreNode(n, dir, childRel, fresh);
        }
    }

    private void restoreNode(Node n, Path dir, String rel, boolean fresh) {
        Path dest = dir.resolve(n.name);
        try {
            if (n.isDir()) {
                Boolean created = ensureDir(dest, rel, fresh);
                if (created == null) {
                    return;
                }
                r.dirs++;
                dirMeta.add(new Object[] {dest, n});
                Tree sub;
                try {
                    sub = repo.loadTree(BlobId.parse(n.subtree));
                } catch (IOException | RuntimeException e) {
                    r.errors.add(rel + "/: folder listing is damaged (" + e.getMessage() + "); its contents were not restored");
                    return;
                }
                restoreTree(sub, dest, rel, created);
            } else if (n.isFile()) {
                if (n.content != null && n.content.size() > 1) {
                    large.add(() -> restoreFile(n, dir, dest, rel, fresh, null));
                } else if (!addToBatch(n, dir, dest, rel, fresh)) {
                    pending.add(pool.submit(() -> restoreFile(n, dir, dest, rel, fresh, null)));
                }
            } else if (n.isSymlink()) {
                boolean made = false;
                if (fresh) {
                    try {
                        Files.createSymbolicLink(dest, Path.of(n.target));
                        made = true;
                    } catch (FileAlreadyExistsException e) {
                        // something is there after all (a name differing only in case?): the careful way below
                    } catch (UnsupportedOperationException | IOException e) {
                        r.errors.add(rel + ": cannot create symlink here (" + e.getMessage() + ")");
                        return;
                    }
                }
                if (!made) {
                    removeNonDir(dest);
                    if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                        r.errors.add(rel + ": a folder is in the way of this symlink; not restored");
                        return;
                    }
                }
                try {
                    if (!made) {
                        Files.createSymbolicLink(dest, Path.of(n.target));
                    }
                    r.symlinks++;
                    applyMeta(dest, n, true);
                } catch (UnsupportedOperationException | IOException e) {
                    r.errors.add(rel + ": cannot create symlink here (" + e.getMessage() + ")");
                }
            } else {
                r.errors.add(rel + ": entry of type '" + n.type + "' is never restored");
            }
        } catch (IOException e) {
            r.errors.add(rel + ": " + e.getMessage());
        }
    }

    /**
     * Makes {@code p} a real folder (replacing a file or symlink that is in the way): true when this
     * call created it (so it is empty), false when a folder was already there, null after an error.
     * In a {@code fresh} parent the folder is simply created; the checks run only if that fails.
     */
    private Boolean ensureDir(Path p, String rel, boolean parentFresh) {
        try {
            if (parentFresh) {
                try {
                    Files.createDirectory(p);
                    return Boolean.TRUE;
                } catch (FileAlreadyExistsException e) {
                    // something is there after all: the careful way below
                }
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return Boolean.FALSE;
            }
            removeNonDir(p);
            Files.createDirectory(p);
            return Boolean.TRUE;
        } catch (IOException e) {
            r.errors.add(rel + "/: cannot create folder (" + e.getMessage() + ")");
            return null;
        }
    }

    private static void removeNonDir(Path p) throws IOException {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p); // deletes a symlink itself, never its target
        }
    }

    /**
     * The permission bits this process's umask clears from new files, found once with a probe file
     * (-1: unknown, or not a POSIX filesystem). A file whose mode keeps clear of them is created with
     * its final permissions and needs no chmod afterwards (which in Java costs an open, an fchmod and
     * a close per file).
     */
    private int umaskBits = -1;

    private void probeUmask(Path root) {
        if (!Posix.SUPPORTED) {
            return;
        }
        Path probe = root.resolve(".vault-umask-probe-" + UUID.randomUUID() + ".vault-tmp");
        try {
            Files.createFile(probe, PosixFilePermissions.asFileAttribute(Posix.fromMode(0777)));
            int got = Posix.toMode(Files.getPosixFilePermissions(probe, LinkOption.NOFOLLOW_LINKS));
            umaskBits = ~got & 0777;
        } catch (IOException | UnsupportedOperationException e) {
            umaskBits = -1;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * Restores one file. In a {@code fresh} folder (created by this restore) it is written straight
     * under its final name, created exclusively (never opening anything already there, such as a
     * symlink); elsewhere it goes to a temporary name and is renamed over whatever is at {@code dest},
     * so an existing file stays intact until its replacement is complete.
     */
    private void restoreFile(Node n, Path dir, Path dest, String rel, boolean fresh, byte[] data) {
        boolean modeSet = n.mode != null && umaskBits >= 0 && (n.mode & 0777 & umaskBits) == 0 && (n.mode & ~0777) == 0;
        if (fresh) {
            FileChannel ch;
            try {
                ch = create(dest, n, modeSet);
            } catch (FileAlreadyExistsException e) {
                ch = null; // something is there after all (a name differing only in case?): the careful way below
            } catch (IOException | RuntimeException e) {
                r.errors.add(rel + ": not restored: " + e.getMessage());
                return;
            }
            if (ch != null) {
                boolean complete = false;
                try {
                    try (FileChannel c = ch) {
                        writeContent(n, c, data);
                    }
                    complete = true;
                    restored(dest, n, modeSet);
                } catch (IOException | RuntimeException e) {
                    r.errors.add(rel + ": not restored: " + e.getMessage());
                } finally {
                    if (!complete) {
                        deleteQuietly(dest); // the partial file this call created
                    }
                }
                return;
            }
        }
        Path tmp = dir.resolve("." + n.name.substring(0, Math.min(n.name.length(), 40)) + "." + UUID.randomUUID() + ".vault-tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = create(tmp, n, modeSet)) {
                writeContent(n, ch, data);
            }
            if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(dest + " is a folder");
            }
            // replaces a file or a symlink at dest (the link itself, never what it points to)
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            restored(dest, n, modeSet);
        } catch (IOException | RuntimeException e) {
            r.errors.add(rel + ": not restored: " + e.getMessage());
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover is reported by the caller's error already
        }
    }

    /** A new file at {@code p} (failing if anything is there), with its final permissions when {@code modeSet}. */
    private static FileChannel create(Path p, Node n, boolean modeSet) throws IOException {
        return modeSet
                ? FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(Posix.fromMode(n.mode)))
                : FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Writes the file's chunks; {@code data}: its only chunk, already read and verified (or null). */
    private void writeContent(Node n, FileChannel ch, byte[] data) throws IOException {
        if (data != null) {
            writeAt(ch, data, -1);
        } else if (n.content != null && n.content.size() > 1) {
            writeChunksInParallel(n.content, ch);
        } else if (n.content != null) {
            for (String c : n.content) {
                writeAt(ch, repo.readBlob(BlobType.DATA, BlobId.parse(c)), -1);
            }
        }
    }

    /** Largest pack range read at once for a batch of small files, and the most unused bytes skipped inside one. */
    private static final int BATCH_SPAN = 1 << 20;
    private static final int BATCH_GAP = 64 << 10;
    private static final int BATCH_FILES = 256;

    /** A one-chunk file waiting in {@link #batch}. */
    private record Small(Node n, Path dir, Path dest, String rel, boolean fresh, BlobId id, MasterIndex.Location loc) {
    }

    /**
     * One-chunk files whose chunks lie close together in one pack (small files are stored in the order
     * they are listed, so neighbours in a folder are usually neighbours in a pack): restored by one
     * task that reads their pack range once, instead of one task, one open and one read per file.
     * Touched by the tree walk (one thread) only.
     */
    private final List<Small> batch = new ArrayList<>();
    private long batchStart;
    private long batchEnd;

    /** Adds a one-chunk file to the current batch (submitting the batch first if the file's chunk is not near it); false if it does not qualify. */
    private boolean addToBatch(Node n, Path dir, Path dest, String rel, boolean fresh) {
        if (n.content == null || n.content.size() != 1) {
            return false;
        }
        BlobId id;
        try {
            id = BlobId.parse(n.content.get(0));
        } catch (RuntimeException e) {
            return false; // restoreFile reports it
        }
        MasterIndex.Location loc;
        try {
            loc = repo.index().get(id);
        } catch (IOException e) {
            return false; // restoreFile reports it
        }
        if (loc == null || loc.entry().length() > BATCH_SPAN / 4) {
            return false;
        }
        long start = loc.entry().offset();
        long end = start + loc.entry().length();
        if (!batch.isEmpty()) {
            Small first = batch.get(0);
            if (!first.loc().pack().equals(loc.pack()) || start < batchStart || start > batchEnd + BATCH_GAP
                    || Math.max(end, batchEnd) - batchStart > BATCH_SPAN || batch.size() >= BATCH_FILES) {
                flushBatch();
            }
        }
        if (batch.isEmpty()) {
            batchStart = start;
            batchEnd = end;
        }
        batchEnd = Math.max(batchEnd, end);
        batch.add(new Small(n, dir, dest, rel, fresh, id, loc));
        return true;
    }

    /** Submits the current batch as one task. */
    private void flushBatch() {
        if (batch.isEmpty()) {
            return;
        }
        List<Small> files = new ArrayList<>(batch);
        long start = batchStart;
        int length = (int) (batchEnd - batchStart);
        batch.clear();
        pending.add(pool.submit(() -> restoreBatch(files, start, length)));
    }

    private void restoreBatch(List<Small> files, long start, int length) {
        byte[] range;
        try {
            range = repo.readPackRange(files.get(0).loc().pack(), start, length);
        } catch (IOException | RuntimeException e) {
            // the range cannot be read: each file on its own, which names the damage per file
            for (Small f : files) {
                restoreFile(f.n(), f.dir(), f.dest(), f.rel(), f.fresh(), null);
            }
            return;
        }
        for (Small f : files) {
            byte[] data;
            try {
                data = repo.decodeBlob(BlobType.DATA, f.id(), f.loc(), range, start);
            } catch (IOException | RuntimeException e) {
                data = null; // on its own: readBlob tries the chunk's other copies, and names the damage if none is intact
            }
            restoreFile(f.n(), f.dir(), f.dest(), f.rel(), f.fresh(), data);
        }
    }

    /** Sets the metadata of a file now complete at {@code dest}, and counts it. */
    private void restored(Path dest, Node n, boolean modeSet) {
        applyMeta(dest, n, modeSet ? MetaKind.TIMES_ONLY : MetaKind.FILE);
        files.incrementAndGet();
        if (o.progress != null) {
            o.progress.files.incrementAndGet();
        }
    }

    private void writeAt(FileChannel ch, byte[] data, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.position() < data.length) {
            b.limit(Math.min(data.length, b.position() + (1 << 20))); // small native staging buffers
            if (pos < 0) {
                ch.write(b);
            } else {
                ch.write(b, pos + b.position());
            }
        }
        bytes.addAndGet(data.length);
        if (o.progress != null) {
            o.progress.bytes.addAndGet(data.length);
        }
    }

    /** A large file's chunks are fetched, verified and written at their offsets by several threads at once. */
    private void writeChunksInParallel(List<String> content, FileChannel ch) throws IOException {
        List<Future<?>> parts = new ArrayList<>();
        List<java.util.concurrent.atomic.AtomicBoolean> slotFreed = new ArrayList<>();
        long pos = 0;
        try {
            for (String c : content) {
                BlobId id = BlobId.parse(c);
                MasterIndex.Location loc = repo.index().get(id);
                if (loc == null) {
                    throw new CorruptDataException("chunk " + id.shortHex() + " is missing from the index");
                }
                long at = pos;
                pos += loc.entry().rawLength();
                chunkSlots.acquire();
                // the slot is given back exactly once: by the task, or below when the task is cancelled
                // before it ran (else every cancelled task would keep its slot and later restores hang)
                java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();
                try {
                    parts.add(chunkPool.submit(() -> {
                        try {
                            byte[] data = repo.readBlob(BlobType.DATA, id); // fetched, decrypted and verified in parallel
                            // written one at a time: writes to one file serialize on its inode lock anyway,
                            // and threads waiting in the kernel spin on it (~0.4 s of CPU per 512 MiB here)
                            synchronized (ch) {
                                writeAt(ch, data, at);
                            }
                            return null;
                        } finally {
                            if (freed.compareAndSet(false, true)) {
                                chunkSlots.release();
                            }
                        }
                    }));
                    slotFreed.add(freed);
                } catch (RuntimeException e) {
                    chunkSlots.release();
                    throw e;
                }
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("restore interrupted");
        } catch (ExecutionException e) {
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i).cancel(false) && slotFreed.get(i).compareAndSet(false, true)) {
                    chunkSlots.release();
                }
            }
            Throwable c = e.getCause();
            throw c instanceof IOException ? (IOException) c : new IOException(c);
        }
    }

    /** Which metadata {@link #applyMeta} sets. */
    private enum MetaKind {
        /** permissions (or the read-only flag) and times */
        FILE,
        /** times only: a symlink, or a file created with its final permissions */
        TIMES_ONLY
    }

    private void applyMeta(Path p, Node n, boolean symlink) {
        applyMeta(p, n, symlink ? MetaKind.TIMES_ONLY : MetaKind.FILE);
    }

    private void applyMeta(Path p, Node n, MetaKind kind) {
        try {
            if (kind == MetaKind.FILE) {
                if (n.mode != null && Posix.SUPPORTED) {
                    PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    if (v != null) {
                        v.setPermissions(Posix.fromMode(n.mode));
                    }
                } else if (!Posix.SUPPORTED) {
                    DosFileAttributeView v = Files.getFileAttributeView(p, DosFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    boolean ro = Boolean.TRUE.equals(n.readOnly) || (n.mode != null && (n.mode & 0200) == 0);
                    if (v != null && n.isFile()) {
                        v.setReadOnly(ro);
                    }
                }
            }
            FileTime t = FileTime.from(n.mtime, TimeUnit.NANOSECONDS);
            BasicFileAttributeView bv = Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            // both times given: with only one the JDK first reads the file's attributes for the other
            bv.setTimes(t, accessTime, null);
        } catch (IOException | UnsupportedOperationException e) {
            // metadata is best effort where the filesystem lacks it (FAT has no permissions, some no symlink times)
        }
    }
}
