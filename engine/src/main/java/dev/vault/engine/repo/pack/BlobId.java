package dev.vault.engine.repo.pack;

import java.util.Arrays;
import java.util.HexFormat;

/** The 32-byte id of a blob (see Crypto#id), compared by value; printed as lowercase hex. */
public final class BlobId implements Comparable<BlobId> {
    private final byte[] bytes;
    private final int hash;

    public BlobId(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a blob id has 32 bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
        this.hash = Arrays.hashCode(bytes);
    }

    public static BlobId parse(String hex) {
        return new BlobId(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobId && Arrays.equals(bytes, ((BlobId) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
