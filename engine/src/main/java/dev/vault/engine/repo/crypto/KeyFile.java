package dev.vault.engine.repo.crypto;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * One password's way into a repository: JSON holding scrypt parameters, a random salt and the master
 * key sealed with AES-256-GCM under the scrypt-derived key. Several key files can wrap one master key,
 * so adding or changing a password rewrites no data.
 */
public final class KeyFile {
    /** scrypt cost: N=2^16, r=8, p=1 uses 64 MiB and ~0.2 s, which makes guessing passwords expensive. */
    public static final KdfParams DEFAULT_KDF = new KdfParams(1 << 16, 8, 1);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final byte[] AD_V1 = "vault key file v1".getBytes(StandardCharsets.US_ASCII);
    /**
     * Version 2 key files belong to repositories whose config carries a MAC (docs/FORMAT.md §3.1): the
     * version is bound into the AEAD's associated data, so editing "version" back to 1 (to make vault
     * accept a config without its MAC) only makes the key file fail to open.
     */
    private static final byte[] AD_V2 = "vault key file v2".getBytes(StandardCharsets.US_ASCII);
    /** Largest key file a reader accepts (real ones are ~0.4 KiB): a hostile one must not fill the heap. */
    public static final int MAX_FILE = 64 * 1024;
    /** Most memory scrypt may take ({@code 128 * N * r} bytes): 2x the default, well inside vault's heap. */
    public static final long MAX_KDF_MEMORY = 128L * 1024 * 1024;

    /** scrypt parameters. */
    public record KdfParams(int n, int r, int p) {
        /** Why these parameters are refused (absurd, or more memory than {@link #MAX_KDF_MEMORY}), or null when sane. */
        public String problem() {
            if (n < 2 || Integer.bitCount(n) != 1) {
                return "scrypt N=" + n + " is not a power of two of at least 2";
            }
            if (r < 1 || r > 32 || p < 1 || p > 16) {
                return "scrypt r=" + r + ", p=" + p + " are outside r 1..32, p 1..16";
            }
            if (128L * n * r > MAX_KDF_MEMORY) {
                return "scrypt N=" + n + ", r=" + r + " would take " + (128L * n * r >> 20) + " MiB (at most "
                        + (MAX_KDF_MEMORY >> 20) + " MiB)";
            }
            return null;
        }
    }

    /** A key file is damaged or hostile (as opposed to merely not opening with this password). */
    public static final class DamagedKeyFileException extends GeneralSecurityException {
        private static final long serialVersionUID = 1L;

        public DamagedKeyFileException(String message) {
            super(message);
        }
    }

    /** What a password opened: the master key, and the key file's version (2: the config must carry a valid MAC). */
    public record Unlocked(MasterKey key, int version) {
    }

    /** What the JSON holds. */
    public static final class Json {
        int version = 1;
        public String created;
        public String host;
        public String user;
        String kdf = "scrypt";
        int n;
        int r;
        int p;
        String salt;
        String data;
    }

    private KeyFile() {
    }

    /** A version 1 key file (for a repository whose config has no MAC). */
    public static byte[] create(MasterKey key, char[] password, KdfParams kdf, String host, String user) {
        return create(key, password, kdf, host, user, 1);
    }

    /** A key file of {@code version} 1 or 2 (2 when the repository's config carries a MAC). */
    public static byte[] create(MasterKey key, char[] password, KdfParams kdf, String host, String user, int version) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("key file version " + version);
        }
        String bad = kdf.problem();
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        byte[] salt = new byte[32];
        SecureRandom rnd = new SecureRandom();
        rnd.nextBytes(salt);
        byte[] kek = derive(password, salt, kdf);
        byte[] nonce = new byte[12];
        rnd.nextBytes(nonce);
        byte[] material = key.toBytes();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(version == 2 ? AD_V2 : AD_V1);
            byte[] ct = c.doFinal(material);
            byte[] data = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, data, 0, 12);
            System.arraycopy(ct, 0, data, 12, ct.length);
            Json j = new Json();
            j.version = version;
            j.created = Instant.now().toString();
            j.host = host;
            j.user = user;
            j.n = kdf.n();
            j.r = kdf.r();
            j.p = kdf.p();
            j.salt = Base64.getEncoder().encodeToString(salt);
            j.data = Base64.getEncoder().encodeToString(data);
            return GSON.toJson(j).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal key: " + e.getMessage(), e);
        } finally {
            Arrays.fill(kek, (byte) 0);
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The key file's JSON; a {@link DamagedKeyFileException} when it is not a well-formed vault key file. */
    public static Json parse(byte[] file) throws DamagedKeyFileException {
        if (file.length > MAX_FILE) {
            throw new DamagedKeyFileException("key file has " + file.length + " bytes; real ones have under 1 KiB");
        }
        Json j;
        try {
            j = GSON.fromJson(new String(file, StandardCharsets.UTF_8), Json.class);
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new DamagedKeyFileException("not a vault key file (" + why + ")");
        }
        if (j == null || j.salt == null || j.data == null || !"scrypt".equals(j.kdf)) {
            throw new DamagedKeyFileException("not a vault key file");
        }
        if (j.version != 1 && j.version != 2) {
            throw new DamagedKeyFileException("key file version " + j.version + " is unknown");
        }
        return j;
    }

    /** The master key if {@code password} opens this key file; a GeneralSecurityException if not. */
    public static MasterKey unlock(byte[] file, char[] password) throws GeneralSecurityException {
        return open(file, password).key();
    }

    /**
     * Opens a key file with {@code password}. Everything is checked before scrypt runs (so a hostile file
     * cannot make vault allocate gigabytes): a damaged or hostile file gives a {@link DamagedKeyFileException},
     * a wrong password (or a file damaged inside its sealed part) a plain GeneralSecurityException.
     */
    public static Unlocked open(byte[] file, char[] password) throws GeneralSecurityException {
        Checked k = check(file);
        Json j = k.json;
        byte[] salt = k.salt;
        byte[] data = k.data;
        KdfParams kdf = new KdfParams(j.n, j.r, j.p);
        byte[] kek = derive(password, salt, kdf);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, data, 0, 12));
            c.updateAAD(j.version == 2 ? AD_V2 : AD_V1);
            byte[] material = c.doFinal(data, 12, data.length - 12);
            try {
                return new Unlocked(MasterKey.fromBytes(material), j.version);
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private record Checked(Json json, byte[] salt, byte[] data) {
    }

    /**
     * Everything about a key file that can be checked without the password (what {@code check} does for
     * every key file): well-formed JSON, sane scrypt parameters, valid base64, plausible lengths.
     */
    public static void validate(byte[] file) throws DamagedKeyFileException {
        check(file);
    }

    private static Checked check(byte[] file) throws DamagedKeyFileException {
        Json j = parse(file);
        KdfParams kdf = new KdfParams(j.n, j.r, j.p);
        String bad = kdf.problem();
        if (bad != null) {
            throw new DamagedKeyFileException("key file has unreasonable scrypt parameters: " + bad);
        }
        byte[] salt;
        byte[] data;
        try {
            salt = Base64.getDecoder().decode(j.salt);
            data = Base64.getDecoder().decode(j.data);
        } catch (IllegalArgumentException e) {
            throw new DamagedKeyFileException("key file holds bad base64 (" + e.getMessage() + ")");
        }
        if (salt.length < 16 || salt.length > 64) {
            throw new DamagedKeyFileException("key file salt has " + salt.length + " bytes (16..64 expected)");
        }
        if (data.length < 12 + 16 + 36 || data.length > 4096) {
            throw new DamagedKeyFileException("key file data has an impossible length " + data.length);
        }
        return new Checked(j, salt, data);
    }

    private static byte[] derive(char[] password, byte[] salt, KdfParams kdf) {
        byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
        try {
            return SCrypt.generate(pw, salt, kdf.n(), kdf.r(), kdf.p(), 32);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }
}
