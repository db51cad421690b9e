package dev.vault.targets.bundle;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The plaintext header at the start of every bundle (docs/BUNDLE.md): magic, version, flags and, for
 * encrypted bundles, the Argon2id parameters, salt and a password check value, so a wrong password is
 * detected before anything is written.
 */
final class BundleHeader {
    static final byte[] MAGIC = "VAULTBDL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int FLAG_ENCRYPTED = 1;
    static final int KDF_ARGON2ID = 1;
    static final int SALT_LENGTH = 16;
    static final byte[] CHECK_LABEL = "vault bundle password check v1".getBytes(StandardCharsets.US_ASCII);

    /** Argon2id cost: 64 MiB, 3 passes, 2 lanes (about 0.4 s here; see PERF-NOTES.md). */
    static final int DEFAULT_MEMORY_KIB = 64 * 1024;
    static final int DEFAULT_ITERATIONS = 3;
    static final int DEFAULT_PARALLELISM = 2;
    /** Refused above these, so a hostile header cannot make the reader allocate or spin without bound. */
    static final int MAX_MEMORY_KIB = 1024 * 1024;
    static final int MAX_ITERATIONS = 64;

    final boolean encrypted;
    final int memoryKiB;
    final int iterations;
    final int parallelism;
    final byte[] salt;
    final byte[] check;

    private BundleHeader(boolean encrypted, int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] check) {
        this.encrypted = encrypted;
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.check = check;
    }

    static BundleHeader plain() {
        return new BundleHeader(false, 0, 0, 0, null, null);
    }

    /** A new encrypted header with a random salt; returns it and the derived key material. */
    static Keyed encrypted(char[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        BundleHeader h = new BundleHeader(true, DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM, salt, null);
        byte[] km = h.derive(password);
        byte[] check = checkValue(km);
        return new Keyed(new BundleHeader(true, h.memoryKiB, h.iterations, h.parallelism, salt, check),
                Arrays.copyOf(km, 32));
    }

    /** The header and the 32-byte input key for the streaming AEAD. */
    record Keyed(BundleHeader header, byte[] streamKey) {
    }

    /** Derives the key material and checks it against the stored check value; null if the password is wrong. */
    byte[] unlock(char[] password) {
        byte[] km = derive(password);
        if (!MessageDigest.isEqual(checkValue(km), check)) {
            return null;
        }
        return Arrays.copyOf(km, 32);
    }

    private byte[] derive(char[] password) {
        byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(p);
        byte[] out = new byte[64];
        g.generateBytes(pw, out);
        Arrays.fill(pw, (byte) 0);
        return out;
    }

    private static byte[] checkValue(byte[] keyMaterial) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyMaterial, 32, 32, "HmacSHA256"));
            return mac.doFinal(CHECK_LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }

    /** The header's bytes, exactly as written; also the associated data of the encrypted stream. */
    byte[] toBytes() {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bo)) {
            d.write(MAGIC);
            d.writeByte(VERSION);
            d.writeByte(encrypted ? FLAG_ENCRYPTED : 0);
            if (encrypted) {
                d.writeByte(KDF_ARGON2ID);
                d.writeInt(memoryKiB);
                d.writeInt(iterations);
                d.writeByte(parallelism);
                d.writeByte(salt.length);
                d.write(salt);
                d.write(check);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bo.toByteArray();
    }

    /** Reads a header; {@code name} is used in errors (the bundle's file name). */
    static BundleHeader read(InputStream in, String name) throws IOException {
        DataInputStream d = new DataInputStream(in);
        try {
            byte[] magic = new byte[MAGIC.length];
            d.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new VaultException(ExitCodes.FAILURE, name + " is not a vault bundle (it does not start with VAULTBDL)");
            }
            int version = d.readUnsignedByte();
            if (version != VERSION) {
                throw new VaultException(ExitCodes.FAILURE, name + " is a version " + version + " bundle; this vault reads"
                        + " version " + VERSION + " only, update vault");
            }
            int flags = d.readUnsignedByte();
            if ((flags & ~FLAG_ENCRYPTED) != 0) {
                throw new VaultException(ExitCodes.FAILURE, name + " uses features this vault does not know (flags "
                        + flags + "); update vault");
            }
            if ((flags & FLAG_ENCRYPTED) == 0) {
                return plain();
            }
            int kdf = d.readUnsignedByte();
            int mem = d.readInt();
            int it = d.readInt();
            int par = d.readUnsignedByte();
            int saltLen = d.readUnsignedByte();
            if (kdf != KDF_ARGON2ID || mem < 8 * par || mem > MAX_MEMORY_KIB || it < 1 || it > MAX_ITERATIONS || par < 1
                    || saltLen < 8) {
                throw new VaultException(ExitCodes.FAILURE, name + " has key-derivation settings this vault refuses"
                        + " (kdf " + kdf + ", " + mem + " KiB, " + it + " passes); the file is damaged or not from vault");
            }
            byte[] salt = new byte[saltLen];
            d.readFully(salt);
            byte[] check = new byte[32];
            d.readFully(check);
            return new BundleHeader(true, mem, it, par, salt, check);
        } catch (EOFException e) {
            throw new VaultException(ExitCodes.FAILURE, name + " is too short to be a vault bundle (truncated?)", e);
        }
    }
}
