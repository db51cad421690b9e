package dev.vault.engine.repo.crypto;

import java.security.GeneralSecurityException;

/** How a repository names and protects what it stores: ids for content and sealing of stored bytes. */
public interface Crypto {
    boolean encrypted();

    /** The 32-byte id of a chunk or tree: SHA-256 of the plaintext, keyed (HMAC-SHA256) when encrypted. */
    byte[] id(byte[] data, int off, int len);

    /** Encrypts and authenticates {@code plain} bound to {@code ad}; identity when not encrypted. */
    byte[] seal(byte[] plain, byte[] ad);

    /**
     * Seals the logical plaintext {@code flag || body[off, off+len)} ({@code flag} omitted when
     * negative) without the caller building that array first.
     */
    default byte[] seal(int flag, byte[] body, int off, int len, byte[] ad) {
        int extra = flag >= 0 ? 1 : 0;
        byte[] p = new byte[len + extra];
        if (extra == 1) {
            p[0] = (byte) flag;
        }
        System.arraycopy(body, off, p, extra, len);
        return seal(p, ad);
    }

    /** Bytes that sealing {@code plainLength} bytes of logical plaintext (flag included) produces. */
    default int sealedSize(int plainLength) {
        return seal(new byte[plainLength], new byte[0]).length;
    }

    /**
     * Like {@link #seal(int, byte[], int, int, byte[])}, into {@code out} (at least
     * {@link #sealedSize} bytes) from its start; returns the sealed length. Lets a caller reuse one buffer.
     */
    default int sealInto(int flag, byte[] body, int off, int len, byte[] ad, byte[] out) {
        byte[] sealed = seal(flag, body, off, len, ad);
        System.arraycopy(sealed, 0, out, 0, sealed.length);
        return sealed.length;
    }

    /** Reverses {@link #seal}; fails if the bytes or the associated data were changed. */
    byte[] open(byte[] sealed, byte[] ad) throws GeneralSecurityException;

    /**
     * Opens what {@link #seal(int, byte[], int, int, byte[])} sealed with a flag: the flag byte goes
     * to {@code flag[0]} and the body is returned. Encrypted repositories decrypt the body straight
     * into its own array (no copy of a whole chunk to drop one byte).
     */
    default byte[] openBody(byte[] sealed, byte[] ad, int[] flag) throws GeneralSecurityException {
        byte[] p = open(sealed, ad);
        if (p.length == 0) {
            throw new GeneralSecurityException("ciphertext holds no flag byte");
        }
        flag[0] = p[0] & 0xff;
        return java.util.Arrays.copyOfRange(p, 1, p.length);
    }

    /** Seed of the chunker's gear table: secret when encrypted so chunk sizes do not reveal contents. */
    long chunkerSeed(long configSeed);
}
