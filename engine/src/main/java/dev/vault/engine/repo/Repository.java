package dev.vault.engine.repo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.chunk.ChunkerParams;
import dev.vault.engine.repo.chunk.FastCdc;
import dev.vault.engine.repo.crypto.Crypto;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.crypto.KeyFile;
import dev.vault.engine.repo.crypto.MasterKey;
import dev.vault.engine.repo.crypto.PlainCrypto;
import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.CorruptDataException;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An open backup repository: its config, keys (crypto), chunker, and typed access to its stored
 * documents (index and snapshot files) and blobs. Operations (Backup, Restore, Check, ...) use it.
 */
public final class Repository implements Closeable {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** Largest plaintext a tree, index or snapshot file may decode to (guards against decompression bombs). */
    static final int MAX_DOCUMENT = 512 * 1024 * 1024;

    private final Storage storage;
    private final RepoConfig config;
    private final Crypto crypto;
    private final String keyName;
    private final FastCdc chunker;
    /** Problems found while opening that did not stop it (e.g. a damaged key file skipped); callers show them. */
    private final List<String> openWarnings = new ArrayList<>();
    private volatile MasterIndex index;
    /** Trees are immutable and named by content: keep recently read ones (callers must not modify them). */
    private final Map<BlobId, Tree> treeCache = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<BlobId, Tree> eldest) {
            return size() > 20_000;
        }
    };

    private Repository(Storage storage, RepoConfig config, Crypto crypto, String keyName) {
        this.storage = storage;
        this.config = config;
        this.crypto = crypto;
        this.keyName = keyName;
        RepoConfig.Chunker c = config.chunker;
        this.chunker = new FastCdc(new ChunkerParams(c.min, c.avg, c.max, crypto.chunkerSeed(c.seed)));
    }

    /** Options for a new repository. */
    public static final class InitOptions {
        public boolean encrypt = true;
        public char[] password;
        public KeyFile.KdfParams kdf = KeyFile.DEFAULT_KDF;
        public int chunkMin = ChunkerParams.DEFAULT_MIN;
        public int chunkAvg = ChunkerParams.DEFAULT_AVG;
        public int chunkMax = ChunkerParams.DEFAULT_MAX;
        public long packSize = 16L * 1024 * 1024;
        public String host = Hosts.hostName();
        public String user = System.getProperty("user.name", "");
    }

    /** Creates a repository in an empty storage: config, then (when encrypted) the first key file. */
    public static Repository init(Storage storage, InitOptions o) throws IOException {
        if (storage.exists(Handle.config())) {
            throw new VaultException(ExitCodes.FAILURE, "a repository already exists at " + storage.location()
                    + "; use it, or pick an empty folder.");
        }
        if (!storage.list(FileType.DATA).isEmpty() || !storage.list(FileType.KEY).isEmpty()) {
            throw new VaultException(ExitCodes.FAILURE, storage.location()
                    + " holds repository files but no config; pick an empty folder.");
        }
        SecureRandom rnd = new SecureRandom();
        byte[] idb = new byte[32];
        rnd.nextBytes(idb);
        RepoConfig cfg = new RepoConfig();
        cfg.version = RepoConfig.FORMAT_VERSION;
        cfg.id = HexFormat.of().formatHex(idb);
        cfg.encrypted = o.encrypt;
        cfg.chunker.min = o.chunkMin;
        cfg.chunker.avg = o.chunkAvg;
        cfg.chunker.max = o.chunkMax;
        cfg.chunker.seed = rnd.nextLong();
        cfg.packSize = o.packSize;
        new ChunkerParams(cfg.chunker.min, cfg.chunker.avg, cfg.chunker.max, 0); // validates
        if (cfg.packSize < 64 * 1024 || cfg.packSize > MAX_PACK_SIZE) {
            throw new VaultException(ExitCodes.USAGE, "pack size " + cfg.packSize + " is outside 64 KiB-1 GiB.");
        }
        storage.createRoot(); // the only place a repository's root is ever created
        Crypto crypto;
        String keyName = null;
        if (o.encrypt) {
            if (o.password == null || o.password.length == 0) {
                throw new VaultException(ExitCodes.USAGE, "an encrypted repository needs a password: set VAULT_PASSWORD, "
                        + "pass --password-file, or use --no-encrypt.");
            }
            MasterKey key = MasterKey.generate();
            cfg.mac = configMac(key, cfg);
            // version 2: this repository's config is authenticated, and the key file says so in a way
            // that cannot be edited back (see KeyFile)
            byte[] kf = KeyFile.create(key, o.password, o.kdf, o.host, o.user, 2);
            keyName = Hashes.sha256Hex(kf);
            // key first, then config: a config without a key would be an unusable repository
            storage.write(new Handle(FileType.KEY, keyName), kf);
            crypto = key;
        } else {
            crypto = new PlainCrypto();
        }
        storage.write(Handle.config(), GSON.toJson(cfg).getBytes(StandardCharsets.UTF_8));
        return new Repository(storage, cfg, crypto, keyName);
    }

    /** Largest config file a reader accepts (real ones are ~0.3 KiB). */
    private static final int MAX_CONFIG = 64 * 1024;
    /** The file in the local cache folder that records that this repository was opened encrypted (see open). */
    static final String ENCRYPTED_MARKER = "encrypted";

    /** Opens an existing repository; {@code password} is asked for only if the repository is encrypted. */
    public static Repository open(Storage storage, Supplier<char[]> password) throws IOException {
        byte[] raw;
        try {
            if (storage.size(Handle.config()) > MAX_CONFIG) {
                throw new VaultException(ExitCodes.NO_REPOSITORY, "the config file of " + storage.location()
                        + " is far too large for a vault config: it is damaged or not a vault repository config.");
            }
            raw = storage.read(Handle.config());
        } catch (NoSuchFileException e) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "no vault repository at " + storage.location()
                    + ": check the path, or create one with 'vault repo init " + storage.location() + "'.");
        }
        RepoConfig cfg;
        try {
            cfg = GSON.fromJson(new String(raw, StandardCharsets.UTF_8), RepoConfig.class);
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            cfg = null;
        }
        if (cfg == null || cfg.id == null || cfg.chunker == null) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "the config file of " + storage.location()
                    + " is damaged or not a vault repository config.");
        }
        if (cfg.version < RepoConfig.OLDEST_VERSION) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "the config file of " + storage.location()
                    + " has no valid format version (" + cfg.version + "): it is damaged or not a vault repository config.");
        }
        if (cfg.version > RepoConfig.FORMAT_VERSION) {
            throw new VaultException(ExitCodes.FAILURE, "repository " + storage.location() + " uses format version "
                    + cfg.version + ", newer than this vault understands (" + RepoConfig.FORMAT_VERSION + "); update vault.");
        }
        checkParameters(storage, cfg);
        if (!cfg.encrypted) {
            refuseDowngrade(storage, cfg);
            return new Repository(storage, cfg, new PlainCrypto(), null);
        }
        char[] pw = password == null ? null : password.get();
        if (pw == null || pw.length == 0) {
            throw new VaultException(ExitCodes.USAGE, "repository " + storage.location() + " is encrypted: set VAULT_PASSWORD, "
                    + "pass --password-file, or run on a terminal to be asked.");
        }
        List<String> keys = storage.list(FileType.KEY);
        keys.sort(null);
        List<String> warnings = new ArrayList<>();
        int damaged = 0;
        for (String k : keys) {
            Handle h = new Handle(FileType.KEY, k);
            byte[] kf;
            try {
                if (storage.size(h) > KeyFile.MAX_FILE) {
                    warnings.add("key file keys/" + k + " is skipped: it is far too large for a key file (damaged or not vault's)");
                    damaged++;
                    continue;
                }
                kf = storage.read(h);
            } catch (IOException e) {
                warnings.add("key file keys/" + k + " is skipped: it cannot be read (" + e.getMessage() + ")");
                damaged++;
                continue;
            }
            if (!Hashes.sha256Hex(kf).equals(k)) {
                // still tried: a damaged copy of the only key may yet open, and check names it
                warnings.add("key file keys/" + k + " is damaged (its content does not match its name); run 'vault check'");
            }
            KeyFile.Unlocked u;
            try {
                u = KeyFile.open(kf, pw);
            } catch (KeyFile.DamagedKeyFileException e) {
                warnings.add("key file keys/" + k + " is skipped: " + e.getMessage());
                damaged++;
                continue;
            } catch (GeneralSecurityException e) {
                continue; // not this key file
            }
            verifyConfigMac(storage, cfg, u);
            Repository repo = new Repository(storage, cfg, u.key(), k);
            repo.openWarnings.addAll(warnings);
            markEncrypted(storage);
            return repo;
        }
        if (keys.isEmpty()) {
            throw new VaultException(ExitCodes.FAILURE, "repository " + storage.location()
                    + " has no key files left (keys/ is empty); it cannot be opened.");
        }
        if (damaged == keys.size()) {
            throw new VaultException(ExitCodes.FAILURE, "repository " + storage.location() + " has no usable key file: "
                    + String.join("; ", warnings) + ". Put back a key file from a copy of the repository.");
        }
        throw new VaultException(ExitCodes.WRONG_PASSWORD, "wrong password for repository " + storage.location()
                + " (no key file opens with it); try again or use another password.");
    }

    /** Hex HMAC of the config's fields under the repository's MAC key (docs/FORMAT.md §3.1). */
    static String configMac(Crypto key, RepoConfig cfg) {
        byte[] in = cfg.macInput();
        return HexFormat.of().formatHex(key.id(in, 0, in.length));
    }

    /**
     * The config of an encrypted repository is authenticated when it carries a MAC, and it must carry
     * one when the key file that opened it is version 2 (every repository made since the MAC exists):
     * removing the MAC, or editing any field, is refused.
     */
    private static void verifyConfigMac(Storage storage, RepoConfig cfg, KeyFile.Unlocked u) {
        if (cfg.mac == null && u.version() < 2) {
            return; // made before configs were authenticated (docs/FORMAT.md §3.1)
        }
        byte[] want = HexFormat.of().parseHex(configMac(u.key(), cfg));
        byte[] have;
        try {
            have = cfg.mac == null ? new byte[0] : HexFormat.of().parseHex(cfg.mac);
        } catch (IllegalArgumentException e) {
            have = new byte[0];
        }
        if (!java.security.MessageDigest.isEqual(want, have)) {
            throw new VaultException(ExitCodes.FAILURE, "the config file of " + storage.location() + " was changed or damaged "
                    + (cfg.mac == null ? "(its MAC is missing)" : "(its MAC does not match)")
                    + ": vault will not use it. Put back the original config from a copy of the repository.");
        }
    }

    /** Records in the local cache folder (if any) that this repository is encrypted; best effort. */
    private static void markEncrypted(Storage storage) {
        java.nio.file.Path dir = storage.cacheDir();
        if (dir == null) {
            return;
        }
        java.nio.file.Path m = dir.resolve(ENCRYPTED_MARKER);
        if (!java.nio.file.Files.exists(m)) {
            try {
                dev.vault.engine.repo.storage.SecretFiles.write(m, "this repository was encrypted when last opened here\n"
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException ignored) {
                // only a tripwire: open still refuses a downgrade that the repository's own files show
            }
        }
    }

    /**
     * An unencrypted config is not authenticated, so it is believed only when nothing says the repository
     * is encrypted: no key file, no record in this computer's cache that it was opened encrypted, and the
     * stored files read as plaintext (someone who deleted keys/ and rewrote the config must not get the
     * next backup written in plaintext).
     */
    private static void refuseDowngrade(Storage storage, RepoConfig cfg) throws IOException {
        String why = null;
        if (!storage.list(FileType.KEY).isEmpty()) {
            why = "it has key files (keys/)";
        } else if (storage.cacheDir() != null && java.nio.file.Files.exists(storage.cacheDir().resolve(ENCRYPTED_MARKER))) {
            why = "this computer opened it as an encrypted repository before";
        } else {
            why = encryptedFileIn(storage);
        }
        if (why != null) {
            throw new VaultException(ExitCodes.FAILURE, "the config of " + storage.location() + " says the repository is not "
                    + "encrypted, but " + why + ": the config was changed or damaged. vault will not write "
                    + "unencrypted data into it; put back the original config (with \"encrypted\": true) and its key files.");
        }
    }

    /**
     * Null when the repository's stored files read as plaintext (or it holds none), else which one does
     * not. One intact snapshot, index file or pack trailer is enough: a plaintext repository with one
     * damaged file still opens (so check can name it); an encrypted one has no plaintext file at all.
     */
    private static String encryptedFileIn(Storage storage) throws IOException {
        Crypto plain = new PlainCrypto();
        String first = null;
        for (FileType type : new FileType[] {FileType.SNAPSHOT, FileType.INDEX}) {
            List<String> names = storage.list(type);
            names.sort(null);
            for (String name : names.subList(0, Math.min(3, names.size()))) {
                try {
                    byte[] stored = storage.read(new Handle(type, name));
                    byte[] p = Blobs.decompress(plain.open(stored, documentAd(type)), MAX_DOCUMENT);
                    com.google.gson.JsonElement e = com.google.gson.JsonParser.parseString(new String(p, StandardCharsets.UTF_8));
                    if (e.isJsonObject()) {
                        return null;
                    }
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    // not plaintext (or damaged): try another
                }
                if (first == null) {
                    first = type.folder() + "/" + name + " is not plaintext";
                }
            }
        }
        List<String> packs = storage.list(FileType.DATA);
        packs.sort(null);
        for (String name : packs.subList(0, Math.min(3, packs.size()))) {
            Handle h = new Handle(FileType.DATA, name);
            try {
                long size = storage.size(h);
                int hlen = java.nio.ByteBuffer.wrap(storage.read(h, size - 4, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                if (hlen > 0 && hlen <= size - 4 && hlen <= 64 * 1024 * 1024) {
                    byte[] header = storage.read(h, size - 4 - hlen, hlen);
                    if (plainPackHeader(header)) {
                        return null;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // damaged or not plaintext: try another
            }
            if (first == null) {
                first = "pack " + name + " has no plaintext header";
            }
        }
        return first;
    }

    /** True when {@code header} parses as a plaintext pack header (41-byte entries of known types). */
    private static boolean plainPackHeader(byte[] header) {
        if (header.length == 0 || header.length % PackWriter.ENTRY_SIZE != 0) {
            return false;
        }
        for (int i = 0; i < header.length; i += PackWriter.ENTRY_SIZE) {
            if (header[i] != 0 && header[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Problems found while opening that did not stop it (e.g. damaged key files skipped), for the user to read. */
    public List<String> openWarnings() {
        return java.util.Collections.unmodifiableList(openWarnings);
    }

    /** Largest pack size a config may ask for: packs must stay far below FAT32's 4 GiB file limit. */
    static final long MAX_PACK_SIZE = 1L << 30;

    /**
     * Refuses a config whose parameters no vault writes (an unencrypted config is not authenticated, and
     * an encrypted one is checked before its MAC can be): chunk sizes outside {@link ChunkerParams}'s
     * limits would make every backup allocate huge buffers or store millions of tiny chunks, a pack size
     * outside 64 KiB-1 GiB would break FAT32 or flood the folder with files, and an unknown chunker or
     * compression, or an id that is not 64 hex digits, is not a vault config.
     */
    private static void checkParameters(Storage storage, RepoConfig cfg) {
        String bad = null;
        RepoConfig.Chunker c = cfg.chunker;
        try {
            new ChunkerParams(c.min, c.avg, c.max, 0);
        } catch (IllegalArgumentException e) {
            bad = e.getMessage();
        }
        if (bad == null && (cfg.packSize < 64 * 1024 || cfg.packSize > MAX_PACK_SIZE)) {
            bad = "pack size " + cfg.packSize + " is outside 64 KiB-1 GiB";
        }
        if (bad == null && !"fastcdc-gear-v1".equals(c.algorithm)) {
            bad = "chunker \"" + c.algorithm + "\" is unknown (only fastcdc-gear-v1 exists)";
        }
        if (bad == null && !"zstd-3".equals(cfg.compression)) {
            bad = "compression \"" + cfg.compression + "\" is unknown (only zstd-3 exists)";
        }
        if (bad == null && !cfg.id.matches("[0-9a-f]{64}")) {
            bad = "the repository id is not 64 lowercase hex digits";
        }
        if (bad != null) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "the config file of " + storage.location()
                    + " is damaged or was changed: " + bad + "; put back the original config.");
        }
    }

    /** The repository id from the config, or null when there is no readable config (open() then explains). */
    public static String peekId(Storage storage) {
        RepoConfig cfg = peekConfig(storage);
        return cfg != null && cfg.id != null && cfg.id.matches("[0-9a-f]{16,64}") ? cfg.id : null;
    }

    /** The config as stored (plain JSON, read without the key), or null when there is none or it is unreadable. */
    private static RepoConfig peekConfig(Storage storage) {
        try {
            return GSON.fromJson(new String(storage.read(Handle.config()), StandardCharsets.UTF_8), RepoConfig.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True when the repository in {@code storage} says it is encrypted and holds no snapshot yet, so
     * the coming backup is its first and will seal every byte; read without the key (a hint only:
     * false whenever anything cannot be read).
     */
    public static boolean peekEncryptedAndEmpty(Storage storage) {
        RepoConfig cfg = peekConfig(storage);
        try {
            return cfg != null && cfg.encrypted && storage.list(FileType.SNAPSHOT).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    public Storage storage() {
        return storage;
    }

    public RepoConfig config() {
        return config;
    }

    public Crypto crypto() {
        return crypto;
    }

    public FastCdc chunker() {
        return chunker;
    }

    /** Name of the key file that opened this repository (null when not encrypted). */
    public String keyName() {
        return keyName;
    }

    public String location() {
        return storage.location();
    }

    // ---- documents: index and snapshot files, named by the SHA-256 of their stored bytes ----

    private static byte[] documentAd(FileType type) {
        return ("vault " + type.folder()).getBytes(StandardCharsets.US_ASCII);
    }

    public String writeDocument(FileType type, Object json) throws IOException {
        byte[] plain = GSON.toJson(json).getBytes(StandardCharsets.UTF_8);
        byte[] stored = crypto.seal(Blobs.compress(plain), documentAd(type));
        String name = Hashes.sha256Hex(stored);
        storage.write(new Handle(type, name), stored);
        return name;
    }

    public <T> T readDocument(FileType type, String name, Class<T> cls) throws IOException {
        byte[] stored = storage.read(new Handle(type, name));
        if (!Hashes.sha256Hex(stored).equals(name)) {
            throw new CorruptDataException(type.folder() + "/" + name + " is damaged (its content does not match its name)");
        }
        try {
            byte[] plain = Blobs.decompress(crypto.open(stored, documentAd(type)), MAX_DOCUMENT);
            T t = GSON.fromJson(new String(plain, StandardCharsets.UTF_8), cls);
            if (t == null) {
                throw new CorruptDataException(type.folder() + "/" + name + " is empty");
            }
            return t;
        } catch (GeneralSecurityException e) {
            throw new CorruptDataException(type.folder() + "/" + name + " fails authentication (damaged or not from this repository)");
        } catch (JsonParseException e) {
            throw new CorruptDataException(type.folder() + "/" + name + " is not valid JSON: " + e.getMessage());
        }
    }

    // ---- index ----

    /** The master index from all index files (loaded once; refresh with {@link #reloadIndex}). */
    public MasterIndex index() throws IOException {
        MasterIndex mi = index; // read on every blob by every restore thread: no lock once loaded
        if (mi != null) {
            return mi;
        }
        synchronized (this) {
            if (index == null) {
                index = loadIndex(null, true);
            }
            return index;
        }
    }

    /** Reads every index file again, never the local binary copy (prune rewrites the index from it). */
    public synchronized MasterIndex reloadIndex() throws IOException {
        index = loadIndex(null, false);
        return index;
    }

    /**
     * Loads every index file; damaged ones are reported to {@code errors} if given, else fail the load.
     * With {@code errors} (check), the index files themselves are read, never the local binary copy,
     * and what they hold becomes this repository's index for everything read afterwards.
     */
    public MasterIndex loadIndex(List<String> errors) throws IOException {
        if (errors == null) {
            return loadIndex(null, true);
        }
        MasterIndex mi = loadIndex(errors, false);
        synchronized (this) {
            index = mi;
        }
        return mi;
    }

    private MasterIndex loadIndex(List<String> errors, boolean useCache) throws IOException {
        List<String> names = storage.list(FileType.INDEX);
        // the binary copy in the local cache, when it was made from exactly these files
        if (useCache && storage.cacheDir() != null) {
            MasterIndex cached = dev.vault.engine.repo.index.IndexCache.read(storage, names);
            if (cached != null) {
                return cached;
            }
        }
        Object[] read = readIndexFiles(names);
        MasterIndex mi = new MasterIndex();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (read[i] instanceof IndexFile f) {
                mi.add(name, f);
            } else if (read[i] instanceof CorruptDataException || read[i] instanceof NoSuchFileException) {
                IOException e = (IOException) read[i];
                if (errors == null) {
                    throw new VaultException(ExitCodes.FAILURE, "index file " + name + " of " + location() + " is damaged ("
                            + e.getMessage() + "); run 'vault check' and then 'vault prune' to rebuild it.");
                }
                errors.add("index/" + name + ": " + e.getMessage());
            } else if (read[i] instanceof IOException e) {
                throw e;
            } else if (read[i] instanceof Error e) {
                throw e; // e.g. out of memory: reported as such
            } else {
                throw (RuntimeException) read[i];
            }
        }
        if (errors == null && storage.cacheDir() != null) {
            dev.vault.engine.repo.index.IndexCache.write(storage, mi);
        }
        return mi;
    }

    /**
     * Reads, authenticates and parses index files on this thread and one helper (every command that
     * opens a repository waits for this; parsing tens of thousands of entries in a fresh JVM takes
     * ~0.1-0.2 s). Each slot holds the {@link IndexFile} or the exception its file gave.
     */
    private Object[] readIndexFiles(List<String> names) throws IOException {
        Object[] read = new Object[names.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable work = () -> {
            for (int i; (i = next.getAndIncrement()) < names.size(); ) {
                try {
                    read[i] = readDocument(FileType.INDEX, names.get(i), IndexFile.class);
                } catch (Throwable e) {
                    read[i] = e; // rethrown on the caller's thread
                }
            }
        };
        Thread helper = null;
        if (names.size() > 1) {
            helper = new Thread(work, "vault-index-read");
            helper.setDaemon(true);
            helper.start();
        }
        work.run();
        if (helper != null) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading the index");
            }
        }
        return read;
    }

    // ---- blobs ----

    /**
     * Reads, decrypts and verifies one blob. A blob listed at several places (two backups stored it, or
     * an old index file was put back) is read from the next place when one is missing or damaged; the
     * first problem is reported when no copy is intact.
     */
    public byte[] readBlob(BlobType type, BlobId id) throws IOException {
        List<MasterIndex.Location> locs = index().locations(id);
        if (locs.isEmpty()) {
            throw new CorruptDataException((type == BlobType.TREE ? "tree " : "chunk ") + id.shortHex() + " is missing from the index");
        }
        CorruptDataException first = null;
        for (MasterIndex.Location loc : locs) {
            try {
                return readBlobAt(type, id, loc);
            } catch (CorruptDataException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
    }

    private byte[] readBlobAt(BlobType type, BlobId id, MasterIndex.Location loc) throws IOException {
        byte[] stored;
        try {
            stored = storage.read(new Handle(FileType.DATA, loc.pack()), loc.entry().offset(), loc.entry().length());
        } catch (NoSuchFileException e) {
            throw new CorruptDataException("pack " + loc.pack() + " holding " + id.shortHex() + " is missing", e);
        } catch (java.io.EOFException e) {
            throw new CorruptDataException("pack " + loc.pack() + " holding " + id.shortHex() + " is truncated", e);
        }
        try {
            return Blobs.decode(crypto, type, id, stored, loc.entry().rawLength());
        } catch (CorruptDataException e) {
            throw new CorruptDataException("pack " + loc.pack() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stored bytes of {@code length} bytes of a pack from {@code offset}: one read for several
     * neighbouring blobs, each then decoded with {@link #decodeBlob}. Nothing is verified here.
     */
    public byte[] readPackRange(String pack, long offset, int length) throws IOException {
        try {
            return storage.read(new Handle(FileType.DATA, pack), offset, length);
        } catch (NoSuchFileException e) {
            throw new CorruptDataException("pack " + pack + " is missing", e);
        } catch (java.io.EOFException e) {
            throw new CorruptDataException("pack " + pack + " is truncated", e);
        }
    }

    /**
     * Decodes and verifies the blob at {@code loc} out of {@code range}, bytes of its pack read from
     * {@code rangeOffset} by {@link #readPackRange}; exactly the checks (and messages) of {@link #readBlob}.
     */
    public byte[] decodeBlob(BlobType type, BlobId id, MasterIndex.Location loc, byte[] range, long rangeOffset)
            throws CorruptDataException {
        long from = loc.entry().offset() - rangeOffset;
        if (from < 0 || from + loc.entry().length() > range.length) {
            throw new IllegalArgumentException("blob " + id.shortHex() + " is outside the range read");
        }
        byte[] stored = java.util.Arrays.copyOfRange(range, (int) from, (int) from + loc.entry().length());
        try {
            return Blobs.decode(crypto, type, id, stored, loc.entry().rawLength());
        } catch (CorruptDataException e) {
            throw new CorruptDataException("pack " + loc.pack() + ": " + e.getMessage(), e);
        }
    }

    public Tree loadTree(BlobId id) throws IOException {
        synchronized (treeCache) {
            Tree cached = treeCache.get(id);
            if (cached != null) {
                return cached;
            }
        }
        byte[] plain = readBlob(BlobType.TREE, id);
        try {
            Tree t = GSON.fromJson(new String(plain, StandardCharsets.UTF_8), Tree.class);
            if (t == null || t.nodes == null) {
                throw new CorruptDataException("tree " + id.shortHex() + " is empty");
            }
            synchronized (treeCache) {
                treeCache.put(id, t);
            }
            return t;
        } catch (JsonParseException e) {
            throw new CorruptDataException("tree " + id.shortHex() + " is not valid JSON");
        }
    }

    /** Serialized form of a tree, whose id is the tree's id. */
    public static byte[] treeBytes(Tree t) {
        return GSON.toJson(t).getBytes(StandardCharsets.UTF_8);
    }

    // ---- snapshots ----

    /** All readable snapshots, oldest first; unreadable ones are added to {@code errors} if given. */
    public List<Snapshot> snapshots(List<String> errors) throws IOException {
        List<Snapshot> out = new ArrayList<>();
        for (String name : storage.list(FileType.SNAPSHOT)) {
            try {
                Snapshot s = readDocument(FileType.SNAPSHOT, name, Snapshot.class);
                s.id = name;
                out.add(s);
            } catch (CorruptDataException | NoSuchFileException e) {
                if (errors != null) {
                    errors.add("snapshots/" + name + ": " + e.getMessage());
                }
            }
        }
        out.sort(Comparator.comparing(Snapshot::instant).thenComparing(s -> s.id));
        return out;
    }

    /** Finds a snapshot by id prefix or "latest"; a VaultException names what was not found. */
    public Snapshot findSnapshot(String ref) throws IOException {
        List<Snapshot> all = snapshots(null);
        if (all.isEmpty()) {
            throw new VaultException(ExitCodes.FAILURE, "repository " + location() + " has no snapshots yet; run 'vault backup' first.");
        }
        if (ref == null || ref.equals("latest")) {
            return all.get(all.size() - 1);
        }
        Snapshot found = null;
        for (Snapshot s : all) {
            if (s.id.startsWith(ref.toLowerCase(java.util.Locale.ROOT))) {
                if (found != null) {
                    throw new VaultException(ExitCodes.USAGE, "snapshot id '" + ref + "' is ambiguous in " + location() + "; give more characters.");
                }
                found = s;
            }
        }
        if (found == null) {
            throw new VaultException(ExitCodes.FAILURE, "no snapshot '" + ref + "' in " + location() + "; list them with 'vault snapshots'.");
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
