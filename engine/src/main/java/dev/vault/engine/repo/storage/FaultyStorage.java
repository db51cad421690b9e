package dev.vault.engine.repo.storage;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps any storage and injects faults, configured fluently:
 * {@code new FaultyStorage(s).failWrite(3).corruptReads(FileType.DATA)}. Write (and delete) numbers
 * count every write (delete) through this wrapper, starting at 1.
 */
public final class FaultyStorage extends ForwardingStorage {
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private volatile int failDelete = -1;
    private volatile FileType failWriteType;
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile int failWrite = -1;
    private volatile int shortWrite = -1;
    private volatile long diskFullAfter = -1;
    private volatile FileType corruptType;
    private volatile long delayMillis;
    private volatile FileType failListType;

    public FaultyStorage(Storage inner) {
        super(inner);
    }

    /** The n-th write (1-based) fails with an IOException and stores nothing. */
    public FaultyStorage failWrite(int n) {
        this.failWrite = n;
        return this;
    }

    /** Every write of this file type fails with an IOException and stores nothing (e.g. index files). */
    public FaultyStorage failWritesOf(FileType type) {
        this.failWriteType = type;
        return this;
    }

    /** The n-th delete (1-based) fails with an IOException and deletes nothing. */
    public FaultyStorage failDelete(int n) {
        this.failDelete = n;
        return this;
    }

    /** The n-th write silently stores only the first half of the data and reports success. */
    public FaultyStorage shortWrite(int n) {
        this.shortWrite = n;
        return this;
    }

    /** Once this many bytes have been written, further writes fail with "No space left on device". */
    public FaultyStorage diskFullAfter(long bytes) {
        this.diskFullAfter = bytes;
        return this;
    }

    /** Every read of this file type returns data with one bit flipped in the middle. */
    public FaultyStorage corruptReads(FileType type) {
        this.corruptType = type;
        return this;
    }

    /** Listing this type fails with an IOException (an unreachable share). */
    public FaultyStorage failList(FileType type) {
        this.failListType = type;
        return this;
    }

    /** Every read and write waits this long first (a slow USB stick or network share). */
    public FaultyStorage delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** Removes all configured faults. */
    public FaultyStorage heal() {
        failWrite = -1;
        failDelete = -1;
        failWriteType = null;
        shortWrite = -1;
        diskFullAfter = -1;
        corruptType = null;
        failListType = null;
        delayMillis = 0;
        return this;
    }

    public int writeCount() {
        return writes.get();
    }

    public int deleteCount() {
        return deletes.get();
    }

    private void pause() throws IOException {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
    }

    @Override
    public List<String> list(FileType type) throws IOException {
        pause();
        if (type == failListType) {
            throw new IOException("injected fault: cannot list " + type.folder());
        }
        return inner.list(type);
    }

    private byte[] maybeCorrupt(Handle h, byte[] data) {
        if (h.type() == corruptType && data.length > 0) {
            byte[] c = Arrays.copyOf(data, data.length);
            c[c.length / 2] ^= 0x10;
            return c;
        }
        return data;
    }

    @Override
    public byte[] read(Handle h) throws IOException {
        pause();
        return maybeCorrupt(h, inner.read(h));
    }

    @Override
    public byte[] read(Handle h, long offset, int length) throws IOException {
        pause();
        return maybeCorrupt(h, inner.read(h, offset, length));
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        inner.write(h, faulted(h, data));
    }

    /** Lock files count as writes too (so a lock refresh can be made to fail). */
    @Override
    public java.io.Closeable writeLock(Handle h, byte[] data) throws IOException {
        return inner.writeLock(h, faulted(h, data));
    }

    /** Applies the configured write faults: throws, or returns what the write stores. */
    private byte[] faulted(Handle h, byte[] data) throws IOException {
        pause();
        int n = writes.incrementAndGet();
        if (n == failWrite || h.type() == failWriteType) {
            throw new IOException("injected fault: write " + n + " of " + h + " failed");
        }
        long total = bytesWritten.addAndGet(data.length);
        if (diskFullAfter >= 0 && total > diskFullAfter) {
            throw new IOException("No space left on device (injected) writing " + h);
        }
        return n == shortWrite ? Arrays.copyOf(data, data.length / 2) : data;
    }

    @Override
    public void delete(Handle h) throws IOException {
        pause();
        int n = deletes.incrementAndGet();
        if (n == failDelete) {
            throw new IOException("injected fault: delete " + n + " of " + h + " failed");
        }
        inner.delete(h);
    }

}
