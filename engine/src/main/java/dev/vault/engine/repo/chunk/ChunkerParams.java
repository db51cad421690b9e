package dev.vault.engine.repo.chunk;

/** Chunk size limits and gear-table seed, fixed per repository in its config. */
public record ChunkerParams(int minSize, int avgSize, int maxSize, long seed) {
    public static final int DEFAULT_MIN = 512 * 1024;
    public static final int DEFAULT_AVG = 1024 * 1024;
    public static final int DEFAULT_MAX = 8 * 1024 * 1024;

    /** Largest maximum chunk size: a backup buffers two maximum chunks per file being read. */
    public static final int LIMIT_MAX = 64 * 1024 * 1024;

    public ChunkerParams {
        if (minSize < 64 || minSize >= avgSize || avgSize >= maxSize || Integer.bitCount(avgSize) != 1 || maxSize > LIMIT_MAX) {
            throw new IllegalArgumentException("chunker sizes must satisfy 64 <= min < avg < max <= 64 MiB with avg a power of two: "
                    + minSize + "/" + avgSize + "/" + maxSize);
        }
    }

    public static ChunkerParams defaults(long seed) {
        return new ChunkerParams(DEFAULT_MIN, DEFAULT_AVG, DEFAULT_MAX, seed);
    }
}
