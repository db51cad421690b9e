package dev.vault.engine.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ReadArenasTest {
    @Test
    void aBufferComesBackOnlyAfterTheReaderAndEveryChunkReleasedIt() throws Exception {
        ReadArenas pool = new ReadArenas(2, 16);
        ReadArenas.Arena a = pool.take();
        ReadArenas.Arena b = pool.take();
        assertNotSame(a, b);
        assertEquals(16, a.data.length);
        a.retain(); // a chunk in flight
        a.release(); // the reader moves on
        CompletableFuture<ReadArenas.Arena> next = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.take();
            } catch (java.io.InterruptedIOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> next.get(200, TimeUnit.MILLISECONDS), "the chunk still holds it");
        assertFalse(next.isDone());
        a.release(); // the chunk is stored
        assertSame(a, next.get(5, TimeUnit.SECONDS));
        // a buffer taken again is held once, by the reader
        a.release();
        assertSame(a, pool.take());
    }

    @Test
    void releasingMoreThanHeldIsABug() throws Exception {
        ReadArenas pool = new ReadArenas(1, 8);
        ReadArenas.Arena a = pool.take();
        a.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::release);
        assertTrue(e.getMessage().contains("released more often"));
    }
}
