package dev.vault.engine.repo;

import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffers a backup reads files into. Chunks go to the pack workers as slices of these buffers
 * instead of copies (a first backup of 1 GiB copied 1 GiB and allocated as much, for nothing). A
 * buffer returns to the pool once the reading thread has moved on from it and every chunk cut from it
 * has been released. Only the reading thread writes into a buffer, and only into one it holds from
 * {@link #take}; so bytes it has not handed out stay as they were while it waits for a buffer.
 * Buffers are allocated on first use (a backup where nothing changed needs none).
 */
final class ReadArenas {
    /** One buffer and its holds: the reader's (from take) plus one per chunk still in flight. */
    static final class Arena {
        final byte[] data;
        private final ReadArenas pool;
        private final AtomicInteger holds = new AtomicInteger();

        private Arena(ReadArenas pool, int size) {
            this.pool = pool;
            this.data = new byte[size];
        }

        /** Adds a hold for a chunk about to be handed out. */
        void retain() {
            holds.incrementAndGet();
        }

        /** Drops one hold; the last one returns the buffer to the pool. */
        void release() {
            int left = holds.decrementAndGet();
            if (left == 0) {
                pool.free.add(this);
            } else if (left < 0) {
                throw new IllegalStateException("read buffer released more often than held");
            }
        }
    }

    private final int count;
    private final int size;
    private final LinkedBlockingQueue<Arena> free = new LinkedBlockingQueue<>();
    private int created; // only the reading thread takes

    ReadArenas(int count, int size) {
        if (count < 1 || size < 1) {
            throw new IllegalArgumentException("need at least one buffer of at least one byte");
        }
        this.count = count;
        this.size = size;
    }

    int size() {
        return size;
    }

    /**
     * A buffer for the reader, held once (release it when moving on). Waits while every buffer still
     * has chunks in flight. May return the buffer the caller just released, unchanged.
     */
    Arena take() throws InterruptedIOException {
        Arena a = free.poll();
        if (a == null && created < count) {
            created++;
            a = new Arena(this, size);
        }
        if (a == null) {
            try {
                a = free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("backup interrupted");
            }
        }
        a.holds.set(1);
        return a;
    }
}
