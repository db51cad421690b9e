package dev.vault.engine.repo.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FastCdcTest {
    static List<byte[]> chunks(FastCdc c, byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = c.next(data, off, data.length, true);
            out.add(java.util.Arrays.copyOfRange(data, off, off + n));
            off += n;
        }
        return out;
    }

    @Test
    void chunksRespectLimitsAndAverageNearTheTarget() {
        FastCdc c = new FastCdc(ChunkerParams.defaults(42));
        byte[] data = new byte[64 << 20];
        new Random(1).nextBytes(data);
        List<byte[]> cs = chunks(c, data);
        long total = 0;
        for (int i = 0; i < cs.size(); i++) {
            int n = cs.get(i).length;
            total += n;
            assertTrue(n <= ChunkerParams.DEFAULT_MAX);
            if (i < cs.size() - 1) {
                assertTrue(n >= ChunkerParams.DEFAULT_MIN, "chunk " + i + " has " + n + " bytes");
            }
        }
        assertEquals(data.length, total);
        double avg = (double) total / cs.size();
        assertTrue(avg > 700_000 && avg < 1_600_000, "average chunk size " + avg);
    }

    @Test
    void insertingBytesInTheMiddleChangesOnlyNearbyChunks() {
        FastCdc c = new FastCdc(ChunkerParams.defaults(7));
        byte[] data = new byte[32 << 20];
        new Random(2).nextBytes(data);
        byte[] edited = new byte[data.length + 1000];
        int at = data.length / 2;
        System.arraycopy(data, 0, edited, 0, at);
        byte[] inserted = new byte[1000];
        new Random(3).nextBytes(inserted);
        System.arraycopy(inserted, 0, edited, at, 1000);
        System.arraycopy(data, at, edited, at + 1000, data.length - at);
        Set<String> before = new HashSet<>();
        for (byte[] b : chunks(c, data)) {
            before.add(b.length + ":" + java.util.Arrays.hashCode(b));
        }
        int changed = 0;
        List<byte[]> after = chunks(c, edited);
        for (byte[] b : after) {
            if (!before.contains(b.length + ":" + java.util.Arrays.hashCode(b))) {
                changed++;
            }
        }
        assertTrue(changed <= 2, changed + " of " + after.size() + " chunks changed");
    }

    @Test
    void differentSeedsGiveDifferentBoundaries() {
        byte[] data = new byte[16 << 20];
        new Random(4).nextBytes(data);
        List<byte[]> a = chunks(new FastCdc(ChunkerParams.defaults(1)), data);
        List<byte[]> b = chunks(new FastCdc(ChunkerParams.defaults(2)), data);
        assertTrue(a.get(0).length != b.get(0).length || a.get(1).length != b.get(1).length);
    }

    @Test
    void needsMoreDataUntilItCanDecide() {
        FastCdc c = new FastCdc(ChunkerParams.defaults(5));
        byte[] data = new byte[600_000];
        assertEquals(-1, c.next(data, 0, 100, false));
        assertEquals(100, c.next(data, 0, 100, true));
        assertEquals(0, c.next(data, 0, 0, true));
    }
}
