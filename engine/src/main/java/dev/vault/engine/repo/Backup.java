package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.chunk.FastCdc;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes a snapshot of one or more source folders or files. Unchanged files (same size, mtime and
 * ctime as in the parent snapshot, with all their chunks still indexed) are not read again. Files are
 * read and chunked (FastCDC) on the calling thread; {@link BlobUploader}'s workers hash every chunk and
 * compress, encrypt and pack the new ones. The snapshot is written last, after every pack and index file it
 * needs, so a crash at any point leaves no snapshot pointing at missing data.
 */
public final class Backup {
    /** What to back up and how. */
    public static final class Options {
        public List<Path> sources = new ArrayList<>();
        public List<String> excludes = new ArrayList<>();
        public List<String> tags = new ArrayList<>();
        public String host = Hosts.hostName();
        public String user = System.getProperty("user.name", "");
        public boolean useParent = true;
        public Clock clock = Clock.systemUTC();
        /** Live counters for a progress display; may be null. */
        public Progress progress;
        public int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        /** Paths never backed up (e.g. the repository itself when it sits inside a source). */
        public List<Path> skip = new ArrayList<>();
        /** Folder entries held back before their trees are saved (bounds memory; see deferTree). */
        public int maxDeferredEntries = 50_000;
        /** Size of each read buffer; raised to two maximum chunks when smaller (tests use small ones). */
        public int readBufferSize = 16 * 1024 * 1024;
    }

    /** Counters updated while the backup runs; the totals come from a scan running alongside. */
    public static final class Progress {
        public final AtomicLong filesDone = new AtomicLong();
        public final AtomicLong bytesDone = new AtomicLong();
        public final AtomicLong filesTotal = new AtomicLong();
        public final AtomicLong bytesTotal = new AtomicLong();
        public volatile boolean scanDone;
        public volatile String current = "";
    }

    /** What the backup did. */
    public static final class Result {
        public Snapshot snapshot;
        public List<String> unreadable = new ArrayList<>();
        /** Packs an interrupted backup left unindexed, verified and reused by this one (and their bytes). */
        public int packsAdopted;
        public long bytesAdopted;

        public boolean hasWarnings() {
            return !unreadable.isEmpty();
        }
    }

    /**
     * A backup whose sources are checked and whose source folders are already being listed (see
     * {@link SourceScan}) while the caller opens the repository: listing overlaps deriving the key.
     * Close it when done (or when the repository cannot be opened) to stop the listing.
     */
    public static final class Prepared implements AutoCloseable {
        private final Options o;
        private final List<Path> sources;
        private final List<PathMatcher> excludes = new ArrayList<>();
        private final Set<Path> skip = new HashSet<>();
        private final SourceScan scan;
        /** One source folder: the snapshot's root is that folder; else each source is a top-level entry. */
        private final boolean single;
        /** The top-level names of the sources when not {@link #single} (a repeated name gets "-2"...). */
        private final List<String> names = new ArrayList<>();

        private Prepared(Options o) throws IOException {
            this.o = o;
            for (String pattern : o.excludes) {
                try {
                    excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
                } catch (IllegalArgumentException e) {
                    throw new VaultException(ExitCodes.USAGE, "exclude pattern '" + pattern + "' is not a valid glob ("
                            + e.getMessage().lines().findFirst().orElse("") + "); fix it, e.g. '*.tmp' or 'build/**'.");
                }
            }
            for (Path p : o.skip) {
                skip.add(p.toAbsolutePath().normalize());
            }
            if (o.sources.isEmpty()) {
                throw new VaultException(ExitCodes.USAGE, "nothing to back up: name a folder or file.");
            }
            sources = new ArrayList<>();
            for (Path s : o.sources) {
                Path p = s.toAbsolutePath().normalize();
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new VaultException(ExitCodes.FAILURE, "backup source " + p + " does not exist; check the path.");
                }
                if (Files.isSymbolicLink(p) && Files.isDirectory(p)) {
                    p = p.toRealPath(); // a source named through a symlink means the folder it points to
                }
                sources.add(p);
            }
            single = sources.size() == 1 && Files.isDirectory(sources.get(0), LinkOption.NOFOLLOW_LINKS);
            Set<String> used = new HashSet<>();
            for (Path s : sources) {
                String name = s.getFileName() == null ? "root" : s.getFileName().toString();
                String unique = name;
                for (int i = 2; !used.add(unique); i++) {
                    unique = name + "-" + i;
                }
                names.add(unique);
            }
            List<Map.Entry<Path, String>> roots = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                if (Files.isDirectory(sources.get(i), LinkOption.NOFOLLOW_LINKS)) {
                    roots.add(Map.entry(sources.get(i), single ? "" : names.get(i)));
                }
            }
            if (o.progress != null) {
                // the scan counts what it lists; sources that are files are counted here
                for (Path s : sources) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(s, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (a.isRegularFile()) {
                            o.progress.filesTotal.incrementAndGet();
                            o.progress.bytesTotal.addAndGet(a.size());
                        }
                    } catch (IOException e) {
                        // the backup reports it; the totals only feed the ETA
                    }
                }
            }
            scan = SourceScan.start(roots, this::excluded, o.progress);
        }

        /** Takes the snapshot into {@code repo}. */
        public Result run(Repository repo) throws IOException {
            try (RepoLock lock = RepoLock.acquire(repo.storage(), false, "backup")) {
                return new Backup(repo, this, lock).run();
            }
        }

        boolean excluded(Path p, String rel) {
            if (skip.contains(p)) {
                return true;
            }
            if (excludes.isEmpty()) {
                return false;
            }
            Path relPath = Path.of(rel);
            Path name = p.getFileName();
            for (PathMatcher m : excludes) {
                if (m.matches(relPath) || (name != null && m.matches(name))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            scan.close();
        }
    }

    private final Repository repo;
    /** Held for the whole run; checked before the snapshot is written (docs/FORMAT.md §6). */
    private final RepoLock lock;
    private final Options o;
    private final Prepared prep;
    private final FastCdc chunker;
    /** Read buffers (created on the first file read: a backup where nothing changed needs none). */
    private ReadArenas arenas;
    /** The buffer being read into, held by this thread, and its first byte not handed out yet. */
    private ReadArenas.Arena cur;
    private int pos;
    private final Snapshot.Summary sum = new Snapshot.Summary();
    private final List<String> unreadable = new ArrayList<>();
    private MasterIndex index;
    private BlobUploader up;
    /** Files read but whose chunk ids the workers may still be computing (see {@link #readFile}). */
    private final Map<Node, List<CompletableFuture<BlobId>>> hashing = new IdentityHashMap<>();
    /** Finished folders whose trees are not saved yet, children before parents (see {@link #deferTree}). */
    private final ArrayDeque<DeferredTree> deferred = new ArrayDeque<>();
    private int deferredEntries;

    private record DeferredTree(Tree tree, Tree parent, String parentId, Node owner) {
    }

    private Backup(Repository repo, Prepared prep, RepoLock lock) {
        this.repo = repo;
        this.lock = lock;
        this.o = prep.o;
        this.prep = prep;
        this.chunker = repo.chunker();
    }

    /** Checks the sources and starts listing them; see {@link Prepared}. */
    public static Prepared prepare(Options o) throws IOException {
        return new Prepared(o);
    }

    public static Result run(Repository repo, Options o) throws IOException {
        try (Prepared p = prepare(o)) {
            return p.run(repo);
        }
    }

    private Result run() throws IOException {
        long t0 = System.nanoTime();
        List<Path> sources = prep.sources;
        index = repo.index();
        // packs an interrupted run stored but did not index yet: verified and reused, not stored again
        UnindexedPacks.Adopted adopted = UnindexedPacks.adopt(repo, index);
        Snapshot parent = o.useParent ? findParent(sources) : null;
        if (parent == null && repo.crypto().encrypted()) {
            // no parent: every byte will be hashed and most sealed; get the JIT to compile those paths early
            dev.vault.engine.repo.crypto.MasterKey.warmUpInBackground(true);
        }
        Tree parentRoot = null;
        if (parent != null) {
            try {
                parentRoot = repo.loadTree(BlobId.parse(parent.tree));
            } catch (IOException e) {
                parent = null; // a damaged parent only costs speed: read everything again
            }
        }
        up = new BlobUploader(repo, index, o.threads, 6L * 1024 * 1024);
        String rootId;
        try {
            Tree root;
            if (prep.single) {
                root = dirTree(sources.get(0), "", parentRoot);
            } else {
                root = new Tree();
                for (int i = 0; i < sources.size(); i++) {
                    Path s = sources.get(i);
                    String unique = prep.names.get(i);
                    Node prev = parentRoot == null ? null : parentRoot.find(unique);
                    Node n = node(s, unique, unique, prev, null, null, null);
                    if (n != null) {
                        root.nodes.add(n);
                    }
                }
            }
            saveDeferredTrees();
            rootId = saveTree(root, parentRoot, parent == null ? null : parent.tree);
            up.finish();
        } finally {
            up.close();
        }
        Snapshot snap = new Snapshot();
        snap.time = o.clock.instant().toString();
        snap.host = o.host;
        snap.user = o.user;
        for (Path s : sources) {
            snap.paths.add(s.toString());
        }
        snap.tree = rootId;
        snap.tags.addAll(o.tags);
        snap.excludes.addAll(o.excludes);
        snap.parent = parent == null ? null : parent.id;
        snap.gitCommit = sources.size() == 1 ? GitHead.commitOf(sources.get(0)) : null;
        snap.unreadable.addAll(unreadable);
        sum.bytesAdded = up.bytesAdded.get() + adopted.indexBytes();
        sum.seconds = (System.nanoTime() - t0) / 1e9;
        snap.summary = sum;
        lock.ensureHeld("writing its snapshot");
        String id = repo.writeDocument(FileType.SNAPSHOT, snap);
        sum.bytesAdded += repo.storage().size(new Handle(FileType.SNAPSHOT, id));
        if (repo.storage().cacheDir() != null && (up.blobsAdded.get() > 0 || adopted.packs() > 0)) {
            // the index now includes this backup's files: the next command opens without parsing them
            dev.vault.engine.repo.index.IndexCache.write(repo.storage(), index);
        }
        snap.id = id;
        Result r = new Result();
        r.snapshot = snap;
        r.unreadable.addAll(unreadable);
        r.packsAdopted = adopted.packs();
        r.bytesAdopted = adopted.bytes();
        return r;
    }

    private Snapshot findParent(List<Path> sources) throws IOException {
        List<String> want = new ArrayList<>();
        for (Path p : sources) {
            want.add(p.toString());
        }
        Snapshot best = null;
        for (Snapshot s : repo.snapshots(null)) {
            if (o.host.equals(s.host) && want.equals(s.paths)) {
                best = s; // sorted oldest first: the last match is the newest
            }
        }
        return best;
    }

    private Tree dirTree(Path dir, String rel, Tree parent) throws IOException {
        SourceScan.Listing listing;
        try {
            listing = prep.scan.take(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
        if (listing == null) {
            listing = SourceScan.list(dir, rel, prep::excluded);
        }
        if (listing.error() != null) {
            throw listing.error();
        }
        Tree t = new Tree();
        for (SourceScan.Entry e : listing.entries()) {
            String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            Node prev = parent == null ? null : parent.find(e.name());
            Node n = node(e.path(), e.name(), childRel, prev, e.attrs(), e.ctime(), e.error());
            if (n != null) {
                t.nodes.add(n);
            }
        }
        return t;
    }

    /** {@code attrs} (and {@code ctime}) or {@code error} come from the folder's listing; both null: read them here. */
    private Node node(Path p, String name, String rel, Node prev, BasicFileAttributes attrs, Long ctime, IOException error)
            throws IOException {
        BasicFileAttributes a = attrs;
        Long ct = ctime;
        Node n = new Node();
        n.name = name;
        try {
            if (error != null) {
                throw error;
            }
            if (a == null) {
                a = SourceScan.attributes(p);
                ct = a.isRegularFile() ? SourceScan.ctime(p) : null;
            }
        } catch (NoSuchFileException e) {
            return null; // vanished since the listing: not an error
        } catch (IOException e) {
            unreadable.add(rel + ": " + reason(e));
            return null;
        }
        if (a instanceof PosixFileAttributes pa) {
            n.mode = Posix.toMode(pa.permissions());
        } else if (a instanceof DosFileAttributes da) {
            n.readOnly = da.isReadOnly() ? Boolean.TRUE : null;
        }
        n.mtime = TimeUnit.SECONDS.toNanos(a.lastModifiedTime().toInstant().getEpochSecond())
                + a.lastModifiedTime().toInstant().getNano();
        if (a.isSymbolicLink()) {
            n.type = Node.SYMLINK;
            try {
                n.target = Files.readSymbolicLink(p).toString();
            } catch (IOException e) {
                unreadable.add(rel + ": " + reason(e));
                return null;
            }
            return n;
        }
        if (a.isDirectory()) {
            n.type = Node.DIR;
            Tree parentSub = null;
            if (prev != null && prev.isDir() && prev.subtree != null) {
                try {
                    parentSub = repo.loadTree(BlobId.parse(prev.subtree));
                } catch (IOException e) {
                    parentSub = null;
                }
            }
            Tree sub;
            try {
                sub = dirTree(p, rel, parentSub);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                unreadable.add(rel + "/: " + reason(e));
                return null;
            }
            deferTree(sub, parentSub, prev == null ? null : prev.subtree, n); // a failure to save is the repository's: fatal
            sum.dirs++;
            return n;
        }
        if (!a.isRegularFile()) {
            return null; // devices, sockets, pipes are never backed up (and never restored)
        }
        n.type = Node.FILE;
        n.size = a.size();
        n.ctime = ct;
        sum.totalFiles++;
        sum.totalBytes += n.size;
        // unchanged: same size, mtime and ctime (a rewrite that put the mtime back still moves the ctime;
        // a parent without ctime, from an older vault, is read once more)
        if (prev != null && prev.isFile() && prev.size == n.size && prev.mtime == n.mtime
                && java.util.Objects.equals(prev.ctime, n.ctime) && prev.content != null
                && allIndexed(prev.content)) {
            n.content = prev.content;
            sum.filesUnchanged++;
            if (o.progress != null) {
                o.progress.filesDone.incrementAndGet();
                o.progress.bytesDone.addAndGet(n.size);
            }
            return n;
        }
        try {
            long before = sum.bytesRead;
            hashing.put(n, readFile(p, rel, n.size)); // content is filled in before the folder's tree is saved
            n.size = sum.bytesRead - before; // what was stored, even if the file grew or shrank meanwhile
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            unreadable.add(rel + ": " + reason(e));
            return null;
        }
        if (prev == null) {
            sum.filesNew++;
        } else {
            sum.filesChanged++;
        }
        if (o.progress != null) {
            o.progress.filesDone.incrementAndGet();
        }
        return n;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private boolean allIndexed(List<String> content) {
        for (String c : content) {
            if (!index.has(BlobId.parse(c))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads and chunks a file on this thread; the workers hash each chunk (and store it unless the
     * repository has it), so this thread never waits for a hash. The ids arrive as futures, which
     * {@link #resolve} waits for only when the file's folder tree is saved (see {@link #deferTree}).
     */
    private List<CompletableFuture<BlobId>> readFile(Path p, String rel, long size) throws IOException {
        if (o.progress != null) {
            o.progress.current = rel;
        }
        List<CompletableFuture<BlobId>> hashed = new ArrayList<>();
        int max = chunker.maxSize();
        if (arenas == null) {
            int bufSize = Math.max(2 * max, o.readBufferSize);
            // two buffers let the reader go on while the last one's chunks are still in flight; with huge
            // chunk limits one must do (the reader then waits for them when it moves on)
            arenas = new ReadArenas(bufSize <= 32 * 1024 * 1024 ? 2 : 1, bufSize);
        }
        if (cur == null) {
            cur = arenas.take();
            pos = 0;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            // the file's bytes follow the previous file's in the same buffer: its chunks may still be in flight
            byte[] buf = cur.data;
            int start = pos;
            int end = pos;
            boolean eof = false;
            try {
                while (true) {
                    int len = chunker.next(buf, start, end, eof);
                    if (len < 0) {
                        // the chunker needs more bytes; when the buffer cannot take a whole chunk more, move the
                        // undecided tail (usually about one chunk) to the front of a free buffer, then fill it
                        if (buf.length - end < max) {
                            up.flushSmall(); // a waiting batch may hold the very buffer take() waits for
                            ReadArenas.Arena old = cur;
                            cur = null;
                            old.release(); // first: with one buffer, take() waits for exactly this one
                            ReadArenas.Arena next = arenas.take();
                            System.arraycopy(buf, start, next.data, 0, end - start); // may be the same array
                            cur = next;
                            buf = next.data;
                            end -= start;
                            start = 0;
                        }
                        while (!eof && end < buf.length) {
                            // at most 1 MiB per call: the JDK stages heap reads through a direct buffer of that size
                            int r = ch.read(ByteBuffer.wrap(buf, end, Math.min(buf.length - end, 1 << 20)));
                            if (r < 0) {
                                eof = true;
                            } else {
                                end += r;
                            }
                        }
                        continue;
                    }
                    if (len == 0) {
                        break;
                    }
                    cur.retain();
                    hashed.add(up.hashAndSave(buf, start, len, cur::release));
                    sum.bytesRead += len;
                    if (o.progress != null) {
                        o.progress.bytesDone.addAndGet(len);
                    }
                    start += len;
                }
            } finally {
                pos = start; // bytes after it were handed to no one: the next file may overwrite them
            }
        }
        return hashed;
    }

    /** Fills in the content of the folder's files whose chunks the workers were still hashing. */
    private void resolve(Tree t) throws IOException {
        if (hashing.isEmpty()) {
            return;
        }
        up.flushSmall(); // the futures waited for below may be in the batch not yet handed over
        for (Node n : t.nodes) {
            List<CompletableFuture<BlobId>> f = hashing.remove(n);
            if (f != null) {
                List<String> ids = new ArrayList<>(f.size());
                for (CompletableFuture<BlobId> c : f) {
                    ids.add(await(c).hex());
                }
                n.content = ids;
            }
        }
    }

    private static BlobId await(CompletableFuture<BlobId> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    /**
     * Queues a finished folder's tree to be saved later, when the workers have (almost surely) hashed
     * its files' chunks: saving it now would make this thread wait for the last of them, queued behind
     * up to the whole in-flight budget of compression work, at the end of every folder. Folders are
     * queued children first, so each is saved after its subfolders' ids are set; the queue is drained
     * when it holds many entries (bounding memory) and before the root is saved.
     */
    private void deferTree(Tree t, Tree parent, String parentId, Node owner) throws IOException {
        deferred.add(new DeferredTree(t, parent, parentId, owner));
        deferredEntries += t.nodes.size() + 1;
        if (deferredEntries > o.maxDeferredEntries) {
            saveDeferredTrees();
        }
    }

    private void saveDeferredTrees() throws IOException {
        for (DeferredTree d; (d = deferred.poll()) != null; ) {
            d.owner().subtree = saveTree(d.tree(), d.parent(), d.parentId());
        }
        deferredEntries = 0;
    }

    /** Saves a folder's tree; an unchanged folder keeps its parent's tree id without serializing it again. */
    private String saveTree(Tree t, Tree parent, String parentId) throws IOException {
        resolve(t);
        if (parentId != null && t.sameAs(parent)) {
            try {
                if (index.has(BlobId.parse(parentId))) {
                    return parentId;
                }
            } catch (IllegalArgumentException e) {
                // a malformed id in a damaged parent: store the tree afresh
            }
        }
        return saveTree(t);
    }

    private String saveTree(Tree t) throws IOException {
        byte[] bytes = Repository.treeBytes(t);
        BlobId id = new BlobId(repo.crypto().id(bytes, 0, bytes.length));
        up.save(BlobType.TREE, id, bytes);
        return id.hex();
    }
}
