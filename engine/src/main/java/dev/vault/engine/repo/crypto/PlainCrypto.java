package dev.vault.engine.repo.crypto;

/** An unencrypted repository: plain SHA-256 ids, bytes stored as they are (integrity still checked by ids). */
public final class PlainCrypto implements Crypto {
    @Override
    public boolean encrypted() {
        return false;
    }

    @Override
    public byte[] id(byte[] data, int off, int len) {
        return Hashes.sha256(data, off, len);
    }

    @Override
    public byte[] seal(byte[] plain, byte[] ad) {
        return plain;
    }

    @Override
    public int sealedSize(int plainLength) {
        return plainLength;
    }

    @Override
    public int sealInto(int flag, byte[] body, int off, int len, byte[] ad, byte[] out) {
        int extra = flag >= 0 ? 1 : 0;
        if (extra == 1) {
            out[0] = (byte) flag;
        }
        System.arraycopy(body, off, out, extra, len);
        return len + extra;
    }

    @Override
    public byte[] open(byte[] sealed, byte[] ad) {
        return sealed;
    }

    @Override
    public long chunkerSeed(long configSeed) {
        return configSeed;
    }
}
