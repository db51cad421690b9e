package dev.vault.engine.repo;

/** The repository's {@code config} file (plain JSON; holds no secret): format version, id and fixed parameters. */
public final class RepoConfig {
    public static final int FORMAT_VERSION = 1;

    public int version = FORMAT_VERSION;
    public String id;
    public boolean encrypted;
    public Chunker chunker = new Chunker();
    public String compression = "zstd-3";
    public long packSize = 16L * 1024 * 1024;

    /** FastCDC parameters; the seed is replaced by a key-derived secret when the repository is encrypted. */
    public static final class Chunker {
        public String algorithm = "fastcdc-gear-v1";
        public int min;
        public int avg;
        public int max;
        public long seed;
    }
}
