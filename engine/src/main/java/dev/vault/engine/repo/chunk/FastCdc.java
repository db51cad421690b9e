package dev.vault.engine.repo.chunk;

/**
 * FastCDC (Xia et al., 2016/2020): a gear rolling hash {@code h = (h << 1) + gear[b]} checked against
 * a stricter mask before the average size and a looser one after it (normalized chunking, level 2),
 * so chunk sizes cluster around the average. The first {@code min} bytes of a chunk are skipped.
 * The gear table comes from the repository's seed, so boundaries differ between repositories.
 * Instances are immutable and thread-safe.
 */
public final class FastCdc {
    private final long[] gear = new long[256];
    private final int min;
    private final int avg;
    private final int max;
    private final long maskS;
    private final long maskL;

    public FastCdc(ChunkerParams p) {
        this.min = p.minSize();
        this.avg = p.avgSize();
        this.max = p.maxSize();
        int bits = Integer.numberOfTrailingZeros(avg);
        // masks use the high bits, which depend on the last 64 bytes (the low bits only on the last few)
        this.maskS = highBits(bits + 2);
        this.maskL = highBits(bits - 2);
        long x = p.seed();
        for (int i = 0; i < 256; i++) {
            x += 0x9E3779B97F4A7C15L; // SplitMix64
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            gear[i] = z ^ (z >>> 31);
        }
    }

    private static long highBits(int n) {
        return n <= 0 ? 0 : -1L << (64 - n);
    }

    public int minSize() {
        return min;
    }

    public int maxSize() {
        return max;
    }

    /**
     * Length of the next chunk in {@code buf[off, end)}, or -1 if more data is needed to decide
     * (only when {@code eof} is false and fewer than {@code max} bytes are available).
     */
    public int next(byte[] buf, int off, int end, boolean eof) {
        int n = end - off;
        if (n <= min) {
            return eof ? n : -1;
        }
        int limit = Math.min(n, max);
        int normal = Math.min(limit, avg);
        long h = 0;
        final long[] g = gear;
        int i = off + min;
        final long ms = maskS;
        for (int stop = off + normal; i < stop; i++) {
            h = (h << 1) + g[buf[i] & 0xff];
            if ((h & ms) == 0) {
                return i - off + 1;
            }
        }
        final long ml = maskL;
        for (int stop = off + limit; i < stop; i++) {
            h = (h << 1) + g[buf[i] & 0xff];
            if ((h & ml) == 0) {
                return i - off + 1;
            }
        }
        if (limit == max || eof) {
            return limit;
        }
        return -1;
    }
}
