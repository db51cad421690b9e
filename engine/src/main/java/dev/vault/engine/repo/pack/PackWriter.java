package dev.vault.engine.repo.pack;

import dev.vault.engine.repo.crypto.Crypto;
import dev.vault.engine.repo.crypto.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Collects stored blobs into one pack file: {@code blob* || header || u32le headerLength}, the header
 * being {@code seal(entry*, "vault pack header")} with 41-byte entries (type u8, length u32le,
 * rawLength u32le, id 32 bytes). The pack's name is the SHA-256 of the whole file. Not thread-safe.
 */
public final class PackWriter {
    static final byte[] HEADER_AD = "vault pack header".getBytes(StandardCharsets.US_ASCII);
    static final int ENTRY_SIZE = 41;
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<PackEntry> entries = new ArrayList<>();
    private long size;

    public void add(BlobType type, BlobId id, byte[] stored, int rawLength) {
        entries.add(new PackEntry(type, id, size, stored.length, rawLength));
        blobs.add(stored);
        size += stored.length;
    }

    public long size() {
        return size;
    }

    public int count() {
        return entries.size();
    }

    /** A finished pack: its name, bytes and entries. */
    public record Finished(String name, byte[] bytes, List<PackEntry> entries) {
    }

    public Finished finish(Crypto crypto) {
        ByteBuffer h = ByteBuffer.allocate(entries.size() * ENTRY_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (PackEntry e : entries) {
            h.put((byte) e.type().code()).putInt(e.length()).putInt(e.rawLength()).put(e.id().bytes());
        }
        byte[] header = crypto.seal(h.array(), HEADER_AD);
        long total = size + header.length + 4;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("pack too large: " + total);
        }
        byte[] out = new byte[(int) total];
        int pos = 0;
        for (byte[] b : blobs) {
            System.arraycopy(b, 0, out, pos, b.length);
            pos += b.length;
        }
        System.arraycopy(header, 0, out, pos, header.length);
        pos += header.length;
        ByteBuffer.wrap(out, pos, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(header.length);
        String name = HexFormat.of().formatHex(Hashes.sha256(out));
        return new Finished(name, out, List.copyOf(entries));
    }
}
