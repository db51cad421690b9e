package dev.vault.engine.repo.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import com.google.crypto.tink.aead.AesGcmKey;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of an encrypted repository: a Tink AES-256-GCM keyset for sealing and a 32-byte key for
 * HMAC-SHA256 chunk ids. Sealing splits plaintext into 16 KiB segments, each encrypted separately
 * with the caller's associated data plus its segment number and a last-segment flag (so segments can
 * be neither reordered nor dropped); small messages keep AES-GCM fast in a JVM that has not yet
 * compiled its hot loop (see PERF-NOTES: 1 MiB messages run at ~65 MB/s for the first ~600 MB; in a
 * fresh JVM here 16 KiB segments sealed 2-3x faster than 64 KiB ones), at 28 bytes (0.17%) per segment.
 */
public final class MasterKey implements Crypto {
    public static final int SEGMENT = 16 * 1024;

    /** Tink's registry, set up on first use only (loading Tink costs ~0.3 s of class loading). */
    private static final class TinkRegistry {
        static {
            try {
                AeadConfig.register();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static void ensure() {
            // the static initializer did the work
        }
    }

    private static final int IV = 12;
    private static final int TAG = 16;
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Tink's keyset; parsed from {@link #keysetBytes} only when something needs Tink itself. */
    private volatile KeysetHandle keyset;
    /** The serialized keyset as read from a key file (null for a key made by {@link #generate}). */
    private final byte[] keysetBytes;
    /**
     * The keyset's AES key for the bulk path: segments are sealed with the JCE cipher straight into the
     * output array, in exactly Tink's NO_PREFIX AES-GCM format (iv || ciphertext || tag), which avoids
     * two garbage copies per segment; Tink's primitive decrypts them unchanged (see MasterKeyTest).
     */
    private final SecretKeySpec aesKey;
    private volatile Aead aead;
    private final byte[] macKey;
    private final int overhead;
    private final ThreadLocal<Mac> mac;

    private MasterKey(KeysetHandle keyset, byte[] macKey) throws GeneralSecurityException {
        TinkRegistry.ensure();
        this.keyset = keyset;
        this.keysetBytes = null;
        this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        com.google.crypto.tink.Key k = keyset.getPrimary().getKey();
        if (k instanceof AesGcmKey && ((AesGcmKey) k).getParameters().getVariant() == AesGcmParameters.Variant.NO_PREFIX
                && ((AesGcmKey) k).getParameters().getIvSizeBytes() == IV && ((AesGcmKey) k).getParameters().getTagSizeBytes() == TAG) {
            this.aesKey = new SecretKeySpec(((AesGcmKey) k).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()), "AES");
        } else {
            this.aesKey = null; // another key type: every segment goes through Tink's primitive
        }
        this.macKey = macKey.clone();
        this.overhead = aead.encrypt(new byte[0], new byte[0]).length;
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(this.macKey, "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * A key read from a key file whose keyset is exactly one enabled raw AES-256-GCM key (every key
     * vault makes): the AES key is taken from the keyset's protobuf bytes directly, so opening a
     * repository loads none of Tink. Tink parses the same bytes later only if something asks for it.
     */
    private MasterKey(byte[] keysetBytes, SecretKeySpec aesKey, byte[] macKey) {
        this.keyset = null;
        this.keysetBytes = keysetBytes.clone();
        this.aead = null;
        this.aesKey = aesKey;
        this.macKey = macKey.clone();
        this.overhead = IV + TAG;
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(this.macKey, "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Tink's AEAD primitive for this key (parsing the keyset on first use). */
    private Aead aead() throws GeneralSecurityException {
        Aead a = aead;
        if (a == null) {
            synchronized (this) {
                if (aead == null) {
                    aead = keysetHandle().getPrimitive(RegistryConfiguration.get(), Aead.class);
                }
                a = aead;
            }
        }
        return a;
    }

    private KeysetHandle keysetHandle() throws GeneralSecurityException {
        KeysetHandle k = keyset;
        if (k == null) {
            synchronized (this) {
                if (keyset == null) {
                    TinkRegistry.ensure();
                    keyset = TinkProtoKeysetFormat.parseKeyset(keysetBytes, InsecureSecretKeyAccess.get());
                }
                k = keyset;
            }
        }
        return k;
    }

    /** Whether this key was read without Tink (see the constructor above); for tests. */
    boolean readWithoutTink() {
        return keysetBytes != null && keyset == null;
    }

    private static final String AES_GCM_TYPE_URL = "type.googleapis.com/google.crypto.tink.AesGcmKey";

    /**
     * The AES key of a serialized Tink keyset (protobuf {@code Keyset}) when it holds exactly one key,
     * that key is the primary, ENABLED (1), output prefix RAW (3), of type AesGcmKey (version 0, 32
     * key bytes; Tink's AesGcmKey always has 12-byte IVs and 16-byte tags) and SYMMETRIC (1); else
     * null, and the caller goes through Tink. Unknown fields also mean null.
     */
    static SecretKeySpec rawAesGcmKey(byte[] ks) {
        try {
            Proto keyset = new Proto(ks);
            long primary = 0;
            byte[] key = null;
            int keys = 0;
            while (keyset.more()) {
                int tag = keyset.tag();
                if (tag == (1 << 3)) {
                    primary = keyset.varint();
                } else if (tag == ((2 << 3) | 2)) {
                    key = keyset.bytes();
                    keys++;
                } else {
                    return null;
                }
            }
            if (keys != 1) {
                return null;
            }
            Proto k = new Proto(key);
            byte[] keyData = null;
            long status = 0;
            long keyId = 0;
            long prefix = 0;
            while (k.more()) {
                int tag = k.tag();
                if (tag == ((1 << 3) | 2)) {
                    keyData = k.bytes();
                } else if (tag == (2 << 3)) {
                    status = k.varint();
                } else if (tag == (3 << 3)) {
                    keyId = k.varint();
                } else if (tag == (4 << 3)) {
                    prefix = k.varint();
                } else {
                    return null;
                }
            }
            if (keyData == null || status != 1 || keyId != primary || prefix != 3) {
                return null;
            }
            Proto d = new Proto(keyData);
            String url = null;
            byte[] value = null;
            long material = 0;
            while (d.more()) {
                int tag = d.tag();
                if (tag == ((1 << 3) | 2)) {
                    url = new String(d.bytes(), StandardCharsets.UTF_8);
                } else if (tag == ((2 << 3) | 2)) {
                    value = d.bytes();
                } else if (tag == (3 << 3)) {
                    material = d.varint();
                } else {
                    return null;
                }
            }
            if (!AES_GCM_TYPE_URL.equals(url) || value == null || material != 1) {
                return null;
            }
            Proto a = new Proto(value);
            long version = 0;
            byte[] keyValue = null;
            while (a.more()) {
                int tag = a.tag();
                if (tag == (1 << 3)) {
                    version = a.varint();
                } else if (tag == ((3 << 3) | 2)) {
                    keyValue = a.bytes();
                } else {
                    return null;
                }
            }
            if (version != 0 || keyValue == null || keyValue.length != 32) {
                return null;
            }
            return new SecretKeySpec(keyValue, "AES");
        } catch (RuntimeException e) {
            return null; // malformed: let Tink judge (and report) it
        }
    }

    /** A minimal protobuf wire-format reader (varints and length-delimited fields only). */
    private static final class Proto {
        private final byte[] b;
        private int pos;

        Proto(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return pos < b.length;
        }

        int tag() {
            long t = varint();
            if (t > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad tag");
            }
            return (int) t;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = b[pos++]; // ArrayIndexOutOfBounds on truncation: a RuntimeException
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("bad varint");
        }

        byte[] bytes() {
            long n = varint();
            if (n < 0 || n > b.length - pos) {
                throw new IllegalArgumentException("bad length");
            }
            byte[] out = Arrays.copyOfRange(b, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }
    }

    /** Calls per primitive in {@link #warmUpJit}: past C2's compile thresholds (~5,000 calls). */
    private static final int WARM_UP_CALLS = 12_000;

    /**
     * Makes the JIT compile the bulk crypto paths (AES-GCM seal and open, HMAC-SHA256) before
     * the real data arrives. Their hardware intrinsics are used only from C2-compiled callers, which
     * takes ~5,000 calls; with 16 KiB segments those calls are the first ~80 MB, run at 25-100 MB/s
     * (measured here: 100 MiB of 16 KiB GCM opens took 0.89 s in a fresh JVM, 0.25 s after 4,500
     * 1 KiB calls). Tiny messages reach the thresholds in ~0.3 s of one core, which can run while
     * the password's scrypt runs on the other. Sealing when {@code seal}, else opening; HMAC always
     * (plain SHA-256 of bulk data is gone since packs are named by their header, and HMAC compiles the
     * same SHA-256 code). Throw-away key and data; results are discarded.
     */
    static void warmUpJit(boolean seal) {
        try {
            SecretKeySpec k = new SecretKeySpec(new byte[32], "AES");
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] plain = new byte[1024];
            byte[] sealed = new byte[plain.length + TAG];
            byte[] out = new byte[plain.length + TAG];
            byte[] ad = new byte[48];
            byte[] iv = new byte[IV];
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                if (seal || i == 0) {
                    iv[0] = (byte) i;
                    iv[1] = (byte) (i >>> 8);
                    enc.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(TAG * 8, iv));
                    enc.updateAAD(ad);
                    enc.doFinal(plain, 0, plain.length, sealed, 0);
                }
                if (!seal) {
                    dec.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG * 8, iv));
                    dec.updateAAD(ad);
                    dec.doFinal(sealed, 0, sealed.length, out, 0);
                }
                m.update(plain, 0, plain.length); // compiles SHA-256 too: HMAC runs on it
                m.doFinal();
            }
        } catch (GeneralSecurityException | RuntimeException ignored) {
            // only speed depends on it
        }
    }

    /**
     * Starts {@link #warmUpJit} on a background thread. For commands that will move much data through
     * the crypto (restore; backup with {@code seal}); call it before opening the repository so it
     * overlaps the password's scrypt. It costs ~0.3-0.8 s of one core, wasted on commands that then
     * touch little data (a no-change backup), so it is not started by {@code Repository.open}.
     */
    public static void warmUpInBackground(boolean seal) {
        if (!WARMING_UP.compareAndSet(false, true)) {
            return; // once per process is enough: the JIT keeps what it compiled
        }
        Thread t = new Thread(() -> warmUpJit(seal), "vault-jit-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMING_UP = new java.util.concurrent.atomic.AtomicBoolean();

    /** A fresh random key for a new repository. */
    public static MasterKey generate() {
        try {
            byte[] mk = new byte[32];
            new SecureRandom().nextBytes(mk);
            // NO_PREFIX: a repository has one key, so Tink's 5-byte key-id prefix would only cost space
            AesGcmParameters params = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12)
                    .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
            TinkRegistry.ensure();
            return new MasterKey(KeysetHandle.generateNew(params), mk);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an AES-256-GCM key: " + e.getMessage(), e);
        }
    }

    /** Serialized form (Tink keyset + MAC key), only ever stored wrapped by a password-derived key. */
    byte[] toBytes() {
        byte[] ks;
        try {
            ks = keysetBytes != null ? keysetBytes.clone() : TinkProtoKeysetFormat.serializeKeyset(keysetHandle(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot serialize key: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.allocate(4 + ks.length + 32);
        b.putInt(ks.length).put(ks).put(macKey);
        return b.array();
    }

    static MasterKey fromBytes(byte[] data) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(data);
        int n = b.getInt();
        if (n < 0 || n > data.length - 36) {
            throw new GeneralSecurityException("malformed key material");
        }
        byte[] ks = new byte[n];
        b.get(ks);
        byte[] mk = new byte[32];
        b.get(mk);
        SecretKeySpec raw = rawAesGcmKey(ks);
        if (raw != null) {
            return new MasterKey(ks, raw, mk);
        }
        TinkRegistry.ensure();
        return new MasterKey(TinkProtoKeysetFormat.parseKeyset(ks, InsecureSecretKeyAccess.get()), mk);
    }

    @Override
    public boolean encrypted() {
        return true;
    }

    @Override
    public byte[] id(byte[] data, int off, int len) {
        Mac m = mac.get();
        m.reset();
        m.update(data, off, len);
        return m.doFinal();
    }

    private static byte[] segmentAd(byte[] ad, int index, boolean last) {
        byte[] a = Arrays.copyOf(ad, ad.length + 5);
        a[ad.length] = (byte) (index >>> 24);
        a[ad.length + 1] = (byte) (index >>> 16);
        a[ad.length + 2] = (byte) (index >>> 8);
        a[ad.length + 3] = (byte) index;
        a[ad.length + 4] = (byte) (last ? 1 : 0);
        return a;
    }

    @Override
    public byte[] seal(byte[] plain, byte[] ad) {
        return seal(-1, plain, 0, plain.length, ad);
    }

    @Override
    public byte[] seal(int flag, byte[] body, int off, int len, byte[] ad) {
        byte[] out = new byte[sealedSize(len + (flag >= 0 ? 1 : 0))];
        sealInto(flag, body, off, len, ad, out);
        return out;
    }

    @Override
    public int sealedSize(int plainLength) {
        int segments = Math.max(1, (plainLength + SEGMENT - 1) / SEGMENT);
        return plainLength + segments * overhead;
    }

    @Override
    public int sealInto(int flag, byte[] body, int off, int len, byte[] ad, byte[] out) {
        int total = len + (flag >= 0 ? 1 : 0); // the logical plaintext is [flag] || body
        int segments = Math.max(1, (total + SEGMENT - 1) / SEGMENT);
        int size = total + segments * overhead;
        if (out.length < size) {
            throw new IllegalArgumentException("output has " + out.length + " bytes, sealing needs " + size);
        }
        int pos = 0;
        int src = off; // next body byte
        try {
            for (int i = 0; i < segments; i++) {
                int segLen = Math.min(SEGMENT, total - i * SEGMENT);
                byte[] segAd = segmentAd(ad, i, i == segments - 1);
                boolean withFlag = i == 0 && flag >= 0;
                int bodyLen = withFlag ? segLen - 1 : segLen;
                if (aesKey == null) {
                    byte[] seg = new byte[segLen];
                    if (withFlag) {
                        seg[0] = (byte) flag;
                    }
                    System.arraycopy(body, src, seg, withFlag ? 1 : 0, bodyLen);
                    byte[] c = aead().encrypt(seg, segAd);
                    System.arraycopy(c, 0, out, pos, c.length);
                    pos += c.length;
                } else {
                    byte[] iv = new byte[IV];
                    RANDOM.nextBytes(iv);
                    System.arraycopy(iv, 0, out, pos, IV);
                    Cipher c = CIPHER.get();
                    c.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(TAG * 8, iv));
                    c.updateAAD(segAd);
                    int w = pos + IV;
                    if (withFlag) {
                        w += c.update(new byte[] {(byte) flag}, 0, 1, out, w);
                    }
                    w += c.doFinal(body, src, bodyLen, out, w);
                    pos = w;
                }
                src += bodyLen;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed: " + e.getMessage(), e);
        }
        if (pos != size) {
            throw new IllegalStateException("sealed " + pos + " bytes, expected " + size);
        }
        return size;
    }

    @Override
    public byte[] open(byte[] sealed, byte[] ad) throws GeneralSecurityException {
        return open(sealed, ad, null);
    }

    @Override
    public byte[] openBody(byte[] sealed, byte[] ad, int[] flag) throws GeneralSecurityException {
        return open(sealed, ad, flag);
    }

    /** The first segment's plaintext when it holds the flag byte (one per thread, reused). */
    private static final ThreadLocal<byte[]> FIRST_SEGMENT = ThreadLocal.withInitial(() -> new byte[SEGMENT]);

    /**
     * Opens every segment. With {@code flag} given, the first plaintext byte goes to {@code flag[0]}
     * and the rest is returned: the first segment is decrypted into a scratch buffer, the others
     * straight into place, so a stored chunk is never copied whole to drop its flag byte.
     */
    private byte[] open(byte[] sealed, byte[] ad, int[] flag) throws GeneralSecurityException {
        int full = SEGMENT + overhead;
        int segments = sealed.length <= overhead ? 1 : (sealed.length - overhead + full - 1) / full;
        long plainLen = (long) sealed.length - (long) segments * overhead;
        if (plainLen < 0 || (segments > 1 && plainLen <= (long) (segments - 1) * SEGMENT)) {
            throw new GeneralSecurityException("ciphertext has an impossible length " + sealed.length);
        }
        int skip = flag == null ? 0 : 1;
        if (plainLen < skip) {
            throw new GeneralSecurityException("ciphertext holds no flag byte");
        }
        byte[] out = new byte[(int) plainLen - skip];
        int pos = 0; // in the logical plaintext (flag included)
        for (int i = 0; i < segments; i++) {
            int from = i * full;
            int to = Math.min(sealed.length, from + full);
            byte[] segAd = segmentAd(ad, i, i == segments - 1);
            byte[] dst = out;
            int at = pos - skip;
            if (i == 0 && skip == 1) {
                dst = FIRST_SEGMENT.get();
                at = 0;
            }
            int n;
            if (aesKey == null) {
                byte[] p = aead().decrypt(Arrays.copyOfRange(sealed, from, to), segAd);
                if (p.length > dst.length - at) {
                    throw new GeneralSecurityException("segment " + i + " is longer than its slot");
                }
                System.arraycopy(p, 0, dst, at, p.length);
                n = p.length;
            } else {
                Cipher c = CIPHER.get();
                c.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG * 8, sealed, from, IV));
                c.updateAAD(segAd);
                try {
                    n = c.doFinal(sealed, from + IV, to - from - IV, dst, at);
                } catch (javax.crypto.ShortBufferException e) {
                    throw new GeneralSecurityException("segment " + i + " is longer than its slot");
                }
            }
            if (dst != out) {
                if (n < 1) {
                    throw new GeneralSecurityException("ciphertext holds no flag byte");
                }
                flag[0] = dst[0] & 0xff;
                System.arraycopy(dst, 1, out, 0, n - 1);
            }
            pos += n;
        }
        return out;
    }

    /** Decrypts one segment with Tink's own primitive: lets tests prove the bulk path writes Tink's format. */
    byte[] openSegmentWithTink(byte[] segment, byte[] ad, int index, boolean last) throws GeneralSecurityException {
        return aead().decrypt(segment, segmentAd(ad, index, last));
    }

    @Override
    public long chunkerSeed(long configSeed) {
        byte[] d = id("vault chunker seed".getBytes(StandardCharsets.US_ASCII), 0, 18);
        return ByteBuffer.wrap(d).getLong();
    }
}
