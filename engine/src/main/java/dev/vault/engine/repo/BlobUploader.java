package dev.vault.engine.repo;

import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The write half of the chunk pipeline: the caller (reading and chunking files on its own thread)
 * hands chunks over; worker threads hash them, compress and encrypt the new ones and append them to a
 * pack per blob type; full packs are written (tmp + fsync + rename), and after every few packs an index
 * file is written so that an interrupted run still leaves reusable, indexed data. Memory in flight is
 * bounded. Write order is packs, then the index files naming them (and the caller writes the snapshot last).
 */
final class BlobUploader implements AutoCloseable {
    private static final int PACKS_PER_INDEX = 8;
    private final Repository repo;
    private final MasterIndex index;
    private final Set<BlobId> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers;
    private final Semaphore budgetKiB;
    private final int budgetTotalKiB;
    private static final int MAX_TASKS = 4096;
    private final Semaphore tasks = new Semaphore(MAX_TASKS);
    private final Map<BlobType, PackWriter> packers = new EnumMap<>(BlobType.class);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ExecutorService finisher;
    private final java.util.List<java.util.concurrent.Future<?>> finishing = new java.util.ArrayList<>();
    private IndexFile indexBatch = new IndexFile();
    private int packsInBatch;
    private static final long INDEX_EVERY_NANOS = 2_000_000_000L;
    private long lastIndexNanos = System.nanoTime();
    final AtomicLong bytesAdded = new AtomicLong();
    final AtomicLong blobsAdded = new AtomicLong();

    BlobUploader(Repository repo, MasterIndex index, int threads, long budgetBytes) {
        this.repo = repo;
        this.index = index;
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vault-pack");
            t.setDaemon(true);
            return t;
        });
        this.finisher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vault-pack-finish");
            t.setDaemon(true);
            return t;
        });
        this.budgetTotalKiB = (int) Math.max(1, budgetBytes / 1024);
        this.budgetKiB = new Semaphore(budgetTotalKiB);
        this.onExit = new Thread(this::stopForExit, "vault-pack-exit");
        try {
            Runtime.getRuntime().addShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: nothing to tidy up later
        }
    }

    /** Runs when the JVM exits mid-backup (Ctrl-C, SIGTERM); see {@link #stopForExit}. */
    private final Thread onExit;
    /** Packs started and not yet committed (or abandoned), wherever they are being filled or finished. */
    private final Set<PackWriter> unfinished = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Set when the JVM exits mid-backup: no new pack (and no pending file) is started. */
    private volatile boolean exiting;

    /**
     * On Ctrl-C or SIGTERM: lets the packs already full finish (renamed into place, so the next backup
     * adopts them; at most a few seconds), and removes the temporary files of the packs still being
     * filled, so an interrupted backup leaves no pending file behind. A kill -9 cannot run this: its
     * pending files stay in {@code tmp/} until the next prune.
     */
    private void stopForExit() {
        exiting = true;
        finisher.shutdown();
        try {
            finisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (packers) {
            packers.clear();
        }
        List<PackWriter> left;
        synchronized (unfinished) {
            left = new ArrayList<>(unfinished);
        }
        for (PackWriter pw : left) {
            pw.abort(); // being filled, or finished on the caller's thread: its temporary file goes
        }
    }

    /** Chunks below this size are handed to the workers in batches (one task, one wake-up, per batch). */
    static final int SMALL_CHUNK = 64 * 1024;
    private static final int BATCH_BYTES = 256 * 1024;
    private static final int BATCH_COUNT = 32;

    /** A chunk handed over by the caller, with its reservations; see {@link #hashAndSave}. */
    private record Chunk(byte[] data, int off, int len, Runnable release, CompletableFuture<BlobId> result, int kib) {
    }

    /** Small chunks not yet given to a worker; only the caller's thread touches it. */
    private List<Chunk> batch = new ArrayList<>();
    private int batchBytes;

    /**
     * Hashes the data chunk {@code data[off, off+len)} on a worker (so the caller can go on chunking),
     * then stores it unless the repository has it already; blocks while too much data is in flight. The
     * future completes with the chunk's id as soon as it is known, before the chunk is compressed and
     * packed. {@code release} runs exactly once, when the chunk's bytes are no longer needed (also when
     * this method throws): until then the caller must leave them unchanged.
     *
     * <p>Small chunks (a folder of source files) wait in a batch that goes to a worker as one task when
     * it is full; a task per file cost a queue hand-over and a thread wake-up per 5 KB. Call
     * {@link #flushSmall} before waiting for a future, or for any chunk's {@code release}.
     */
    CompletableFuture<BlobId> hashAndSave(byte[] data, int off, int len, Runnable release) throws IOException {
        int kib;
        try {
            if (len >= SMALL_CHUNK) {
                flushSmall();
            }
            check();
            kib = reserve(len);
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
        Chunk c = new Chunk(data, off, len, release, new CompletableFuture<>(), kib);
        if (len < SMALL_CHUNK) {
            batch.add(c);
            batchBytes += len;
            if (batch.size() >= BATCH_COUNT || batchBytes >= BATCH_BYTES) {
                flushSmall();
            }
        } else {
            submit(List.of(c));
        }
        return c.result;
    }

    /** Hands the waiting small chunks to a worker. */
    void flushSmall() {
        if (batch.isEmpty()) {
            return;
        }
        List<Chunk> b = batch;
        batch = new ArrayList<>();
        batchBytes = 0;
        submit(b);
    }

    private void submit(List<Chunk> chunks) {
        try {
            workers.execute(() -> {
                for (Chunk c : chunks) {
                    hashAndStore(c);
                }
            });
        } catch (RuntimeException e) { // rejected: the uploader is closing
            for (Chunk c : chunks) {
                c.result.completeExceptionally(e);
                c.release.run();
                budgetKiB.release(c.kib);
                tasks.release();
            }
            throw e;
        }
    }

    private void hashAndStore(Chunk c) {
        try {
            BlobId id = new BlobId(repo.crypto().id(c.data, c.off, c.len));
            boolean store = !index.has(id) && pending.add(id);
            c.result.complete(id);
            if (store && failure.get() == null) {
                // sealed into this worker's buffer, which add() has written out when it returns
                Blobs.Encoded e = Blobs.encodeInto(repo.crypto(), BlobType.DATA, id, c.data, c.off, c.len);
                add(BlobType.DATA, id, e.buf(), e.length(), c.len);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            c.result.completeExceptionally(t);
        } finally {
            c.release.run();
            budgetKiB.release(c.kib);
            tasks.release();
        }
    }

    /**
     * Takes a task slot and the blob's share of the in-flight budget (KiB, returned), waiting for both;
     * before waiting, the batch goes to the workers (what it holds may be what the wait is for).
     */
    private int reserve(int length) throws IOException {
        int kib = Math.min(budgetTotalKiB, length / 1024 + 1);
        try {
            if (!tasks.tryAcquire()) {
                flushSmall();
                tasks.acquire();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
        try {
            if (!budgetKiB.tryAcquire(kib)) {
                flushSmall();
                budgetKiB.acquire(kib);
            }
        } catch (InterruptedException e) {
            tasks.release();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
        return kib;
    }

    /** Queues a blob unless the repository already has it; blocks while too much data is in flight. */
    void save(BlobType type, BlobId id, byte[] plain) throws IOException {
        check();
        if (index.has(id) || !pending.add(id)) {
            return;
        }
        int kib = reserve(plain.length);
        workers.execute(() -> {
            try {
                if (failure.get() == null) {
                    byte[] stored = Blobs.encode(repo.crypto(), type, id, plain);
                    add(type, id, stored, stored.length, plain.length);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                budgetKiB.release(kib);
                tasks.release();
            }
        });
    }

    /** Appends {@code stored[0, storedLength)} to the type's pack; the bytes are written out before it returns. */
    private void add(BlobType type, BlobId id, byte[] stored, int storedLength, int rawLength) throws IOException {
        PackWriter full = null;
        synchronized (packers) {
            if (exiting) {
                throw new InterruptedIOException("backup interrupted");
            }
            PackWriter pw = packers.computeIfAbsent(type, t -> {
                PackWriter w = new PackWriter(repo.storage(), repo.crypto(), repo.config().packNaming());
                synchronized (unfinished) {
                    unfinished.add(w);
                }
                return w;
            });
            pw.add(type, id, stored, storedLength, rawLength);
            if (pw.size() >= repo.config().packSize) {
                full = pw;
                packers.remove(type);
            }
        }
        if (full != null) {
            PackWriter done = full;
            // header, fsync, rename and index on their own thread: workers never wait for the disk
            synchronized (finishing) {
                finishing.add(finisher.submit(() -> {
                    try {
                        writePack(done);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
        }
        blobsAdded.incrementAndGet();
    }

    private void writePack(PackWriter pw) throws IOException {
        PackWriter.Finished f;
        try {
            f = pw.finish();
        } finally {
            synchronized (unfinished) {
                unfinished.remove(pw);
            }
        }
        bytesAdded.addAndGet(f.size());
        IndexFile toWrite = null;
        synchronized (this) {
            indexBatch.add(f.name(), f.size(), f.entries());
            // every few packs, and at least every few seconds: what an interrupted run stored stays reusable
            if (++packsInBatch >= PACKS_PER_INDEX || System.nanoTime() - lastIndexNanos > INDEX_EVERY_NANOS) {
                lastIndexNanos = System.nanoTime();
                toWrite = indexBatch;
                indexBatch = new IndexFile();
                packsInBatch = 0;
            }
        }
        if (toWrite != null) {
            writeIndex(toWrite);
        }
    }

    private void writeIndex(IndexFile f) throws IOException {
        String name = repo.writeDocument(FileType.INDEX, f);
        synchronized (index) {
            index.add(name, f);
        }
        bytesAdded.addAndGet(repo.storage().size(new Handle(FileType.INDEX, name)));
    }

    private void check() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            if (t instanceof IOException) {
                throw (IOException) t;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            throw new IOException(t);
        }
    }

    /** Waits for all queued blobs, writes the last packs and the index naming them. */
    void finish() throws IOException {
        flushSmall();
        try {
            tasks.acquire(MAX_TASKS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
        tasks.release(MAX_TASKS);
        java.util.List<java.util.concurrent.Future<?>> pendingPacks;
        synchronized (finishing) {
            pendingPacks = new java.util.ArrayList<>(finishing);
        }
        for (java.util.concurrent.Future<?> f : pendingPacks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("backup interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        check();
        for (BlobType t : BlobType.values()) {
            PackWriter pw;
            synchronized (packers) {
                pw = packers.remove(t);
            }
            if (pw != null && pw.count() > 0) {
                writePack(pw);
            }
        }
        IndexFile last;
        synchronized (this) {
            last = indexBatch;
            indexBatch = new IndexFile();
            packsInBatch = 0;
        }
        if (!last.packs.isEmpty()) {
            writeIndex(last);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // exiting: the hook runs (or ran) on its own
        }
        workers.shutdownNow();
        finisher.shutdownNow();
        synchronized (packers) {
            for (PackWriter pw : packers.values()) {
                pw.abort(); // an unfinished pack of a failed run: its temporary file goes
            }
            packers.clear();
        }
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
            finisher.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
