package dev.vault.engine.repo.pack;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.vault.engine.repo.crypto.Crypto;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Encoding of one blob as stored in a pack: {@code seal(flag || body, "vault blob" || type || id)}
 * where flag 0 means the body is the plaintext and flag 1 a zstd frame (level 3), used only when it
 * saves at least 1/32 of the size.
 */
public final class Blobs {
    private static final byte[] AD_PREFIX = "vault blob".getBytes(StandardCharsets.US_ASCII);
    public static final int ZSTD_LEVEL = 3;

    private Blobs() {
    }

    static byte[] ad(BlobType type, BlobId id) {
        byte[] ad = Arrays.copyOf(AD_PREFIX, AD_PREFIX.length + 1 + 32);
        ad[AD_PREFIX.length] = (byte) type.code();
        System.arraycopy(id.bytes(), 0, ad, AD_PREFIX.length + 1, 32);
        return ad;
    }

    /** Payload before sealing: compressed when that pays, else raw. Also used for index and snapshot files. */
    public static byte[] compress(byte[] plain) {
        if (plain.length >= 64) {
            byte[] z = Zstd.compress(plain, ZSTD_LEVEL);
            if (z.length < plain.length - plain.length / 32) {
                byte[] out = new byte[z.length + 1];
                out[0] = 1;
                System.arraycopy(z, 0, out, 1, z.length);
                return out;
            }
        }
        byte[] out = new byte[plain.length + 1];
        System.arraycopy(plain, 0, out, 1, plain.length);
        return out;
    }

    public static byte[] decompress(byte[] payload, int maxSize) throws CorruptDataException {
        if (payload.length == 0) {
            throw new CorruptDataException("empty payload");
        }
        if (payload[0] == 0) {
            return Arrays.copyOfRange(payload, 1, payload.length);
        }
        if (payload[0] != 1) {
            throw new CorruptDataException("unknown compression flag " + payload[0]);
        }
        return unzstd(payload, 1, payload.length - 1, maxSize);
    }

    /** Decompresses the zstd frame in {@code src[off, off+len)}, whose declared size must be at most {@code maxSize}. */
    private static byte[] unzstd(byte[] src, int off, int len, int maxSize) throws CorruptDataException {
        long size = Zstd.getFrameContentSize(src, off, len);
        if (size < 0 || size > maxSize) {
            throw new CorruptDataException("compressed frame has invalid size " + size);
        }
        byte[] out = new byte[(int) size];
        try {
            long n = DCTX.get().decompressByteArray(out, 0, out.length, src, off, len);
            if (n != size) {
                throw new CorruptDataException("compressed frame decoded to " + n + " bytes, expected " + size);
            }
        } catch (RuntimeException e) {
            throw new CorruptDataException("compressed frame is damaged: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Per-thread zstd contexts, reused across blobs: a fresh context per call (what the static Zstd
     * methods do) cost here 0.46 s instead of 0.12 s to compress 13,000 source-sized blobs, and 0.26 s
     * instead of 0.08 s to decompress them. Content size is written into every frame (decompress reads it).
     */
    private static final ThreadLocal<ZstdCompressCtx> CCTX = ThreadLocal.withInitial(
            () -> new ZstdCompressCtx().setLevel(ZSTD_LEVEL).setContentSize(true).setChecksum(false));
    private static final ThreadLocal<ZstdDecompressCtx> DCTX = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    /** Per-thread zstd output buffer, reused across blobs (avoids a chunk-sized allocation per blob). */
    private static final ThreadLocal<byte[][]> ZBUF = ThreadLocal.withInitial(() -> new byte[1][0]);

    public static byte[] encode(Crypto crypto, BlobType type, BlobId id, byte[] plain) {
        return encode(crypto, type, id, plain, 0, plain.length);
    }

    /** Encodes the blob whose plaintext is {@code plain[off, off+len)}. */
    public static byte[] encode(Crypto crypto, BlobType type, BlobId id, byte[] plain, int off, int len) {
        byte[] ad = ad(type, id);
        int z = compressToScratch(plain, off, len);
        if (z >= 0) {
            return crypto.seal(1, ZBUF.get()[0], 0, z, ad);
        }
        return crypto.seal(0, plain, off, len, ad);
    }

    /** An encoded blob in a buffer of the calling thread: valid until that thread encodes the next one. */
    public record Encoded(byte[] buf, int length) {
    }

    /**
     * Like {@link #encode(Crypto, BlobType, BlobId, byte[], int, int)}, into a buffer kept by the calling
     * thread: a backup stores ~640 MiB per GiB this way without allocating (and zeroing) it again.
     * The caller must be done with the result (e.g. have written it out) before encoding another blob.
     */
    public static Encoded encodeInto(Crypto crypto, BlobType type, BlobId id, byte[] plain, int off, int len) {
        byte[] ad = ad(type, id);
        int z = compressToScratch(plain, off, len);
        byte[][] holder = SBUF.get();
        int need = crypto.sealedSize((z >= 0 ? z : len) + 1);
        if (holder[0].length < need) {
            holder[0] = new byte[need];
        }
        int n = z >= 0 ? crypto.sealInto(1, ZBUF.get()[0], 0, z, ad, holder[0]) : crypto.sealInto(0, plain, off, len, ad, holder[0]);
        return new Encoded(holder[0], n);
    }

    /** Per-thread buffer for {@link #encodeInto}. */
    private static final ThreadLocal<byte[][]> SBUF = ThreadLocal.withInitial(() -> new byte[1][0]);

    /**
     * Compresses {@code plain[off, off+len)} into this thread's {@link #ZBUF} and returns the frame's
     * length when that saves at least 1/32, else -1 (store raw).
     */
    private static int compressToScratch(byte[] plain, int off, int len) {
        if (len >= 64) {
            byte[][] holder = ZBUF.get();
            int bound = (int) Zstd.compressBound(len);
            if (holder[0].length < bound) {
                holder[0] = new byte[bound];
            }
            long n;
            try {
                n = CCTX.get().compressByteArray(holder[0], 0, holder[0].length, plain, off, len);
            } catch (ZstdException e) {
                n = Long.MAX_VALUE; // cannot compress it: store it raw
            }
            if (n < len - len / 32) {
                return (int) n;
            }
        }
        return -1;
    }

    /** Decodes and verifies a stored blob: authenticates, decompresses and checks that its id matches. */
    public static byte[] decode(Crypto crypto, BlobType type, BlobId id, byte[] stored, int rawLength)
            throws CorruptDataException {
        byte[] body;
        int[] flag = new int[1];
        try {
            body = crypto.openBody(stored, ad(type, id), flag);
        } catch (GeneralSecurityException e) {
            throw new CorruptDataException("blob " + id.shortHex() + " fails authentication");
        }
        byte[] plain;
        if (flag[0] == 0) {
            plain = body; // stored raw: the body is the plaintext
        } else if (flag[0] == 1) {
            plain = unzstd(body, 0, body.length, Math.max(rawLength, 0));
        } else {
            throw new CorruptDataException("unknown compression flag " + (byte) flag[0]);
        }
        if (plain.length != rawLength) {
            throw new CorruptDataException("blob " + id.shortHex() + " has " + plain.length + " bytes, expected " + rawLength);
        }
        if (!Arrays.equals(crypto.id(plain, 0, plain.length), id.bytes())) {
            throw new CorruptDataException("blob " + id.shortHex() + " does not match its id");
        }
        return plain;
    }
}
