package dev.vault.engine.repo;

/** The repository's {@code config} file (plain JSON; holds no secret): format version, id and fixed parameters. */
public final class RepoConfig {
    /**
     * The version new repositories get. 2 names packs by the SHA-256 of their header alone (docs/FORMAT.md
     * §3.4), so a backup no longer hashes every stored byte a second time; 1 named them by the whole file.
     */
    public static final int FORMAT_VERSION = 2;
    /** The oldest version this vault still reads and writes (in that version's own format). */
    public static final int OLDEST_VERSION = 1;

    /** 0 when the file does not say: such a config is refused as damaged. */
    public int version;
    public String id;
    public boolean encrypted;
    public Chunker chunker = new Chunker();
    public String compression = "zstd-3";
    public long packSize = 16L * 1024 * 1024;
    /**
     * Encrypted repositories made since 2026-12-04: hex HMAC-SHA256, under the repository's MAC key, of
     * {@link #macInput()}; null (absent) in unencrypted ones and in older encrypted ones.
     */
    public String mac;

    /** FastCDC parameters; the seed is replaced by a key-derived secret when the repository is encrypted. */
    public static final class Chunker {
        public String algorithm = "fastcdc-gear-v1";
        public int min;
        public int avg;
        public int max;
        public long seed;
    }

    /**
     * What the config MAC covers (docs/FORMAT.md §3.1): every field but the MAC itself, one per line in a
     * fixed order, so the MAC depends on the values and not on how the JSON was spaced or ordered.
     */
    public byte[] macInput() {
        Chunker c = chunker == null ? new Chunker() : chunker;
        String text = "vault config v1\n"
                + "version=" + version + "\n"
                + "id=" + id + "\n"
                + "encrypted=" + encrypted + "\n"
                + "chunker.algorithm=" + c.algorithm + "\n"
                + "chunker.min=" + c.min + "\n"
                + "chunker.avg=" + c.avg + "\n"
                + "chunker.max=" + c.max + "\n"
                + "chunker.seed=" + c.seed + "\n"
                + "compression=" + compression + "\n"
                + "packSize=" + packSize + "\n";
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** How this repository names its packs. */
    public dev.vault.engine.repo.pack.PackWriter.Naming packNaming() {
        return version >= 2 ? dev.vault.engine.repo.pack.PackWriter.Naming.HEADER : dev.vault.engine.repo.pack.PackWriter.Naming.WHOLE_FILE;
    }
}
