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
    private static final byte[] AD = "vault key file v1".getBytes(StandardCharsets.US_ASCII);

    /** scrypt parameters. */
    public record KdfParams(int n, int r, int p) {
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

    public static byte[] create(MasterKey key, char[] password, KdfParams kdf, String host, String user) {
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
            c.updateAAD(AD);
            byte[] ct = c.doFinal(material);
            byte[] data = new byte[12 + ct.length];
            System.arraycopy(nonce, 0, data, 0, 12);
            System.arraycopy(ct, 0, data, 12, ct.length);
            Json j = new Json();
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

    public static Json parse(byte[] file) throws GeneralSecurityException {
        try {
            Json j = GSON.fromJson(new String(file, StandardCharsets.UTF_8), Json.class);
            if (j == null || j.salt == null || j.data == null || !"scrypt".equals(j.kdf)) {
                throw new GeneralSecurityException("not a vault key file");
            }
            return j;
        } catch (JsonParseException e) {
            throw new GeneralSecurityException("not a vault key file: " + e.getMessage());
        }
    }

    /** The master key if {@code password} opens this key file; a GeneralSecurityException if not. */
    public static MasterKey unlock(byte[] file, char[] password) throws GeneralSecurityException {
        Json j = parse(file);
        if (j.n < 2 || j.n > (1 << 22) || j.r < 1 || j.r > 32 || j.p < 1 || j.p > 16) {
            throw new GeneralSecurityException("key file has unreasonable scrypt parameters");
        }
        byte[] salt = Base64.getDecoder().decode(j.salt);
        byte[] data = Base64.getDecoder().decode(j.data);
        if (data.length < 12 + 16) {
            throw new GeneralSecurityException("key file is truncated");
        }
        byte[] kek = derive(password, salt, new KdfParams(j.n, j.r, j.p));
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, data, 0, 12));
            c.updateAAD(AD);
            byte[] material = c.doFinal(data, 12, data.length - 12);
            try {
                return MasterKey.fromBytes(material);
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
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
