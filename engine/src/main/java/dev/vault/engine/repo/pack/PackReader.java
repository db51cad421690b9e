package dev.vault.engine.repo.pack;

import dev.vault.engine.repo.crypto.Crypto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parses a whole pack file (as check --read-data and prune read it) and verifies its header. */
public final class PackReader {
    private PackReader() {
    }

    /** The entries listed in the header of {@code pack}; fails if the header is damaged. */
    public static List<PackEntry> entries(Crypto crypto, byte[] pack) throws CorruptDataException {
        int hstart = trailerStart(pack);
        int hlen = pack.length - 4 - hstart;
        byte[] header;
        try {
            header = crypto.open(Arrays.copyOfRange(pack, hstart, hstart + hlen), PackWriter.HEADER_AD);
        } catch (GeneralSecurityException e) {
            throw new CorruptDataException("pack header fails authentication");
        }
        if (header.length % PackWriter.ENTRY_SIZE != 0) {
            throw new CorruptDataException("pack header has a partial entry");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        List<PackEntry> out = new ArrayList<>();
        long offset = 0;
        while (h.hasRemaining()) {
            BlobType type;
            try {
                type = BlobType.of(h.get());
            } catch (IllegalArgumentException e) {
                throw new CorruptDataException("pack header: " + e.getMessage());
            }
            int len = h.getInt();
            int raw = h.getInt();
            byte[] id = new byte[32];
            h.get(id);
            out.add(new PackEntry(type, new BlobId(id), offset, len, raw));
            offset += len;
        }
        if (offset != hstart) {
            throw new CorruptDataException("pack header describes " + offset + " bytes of blobs but the pack holds " + hstart);
        }
        return out;
    }

    /** Where the trailer ({@code header || u32le headerLength}) of {@code pack} begins; fails if that is impossible. */
    public static int trailerStart(byte[] pack) throws CorruptDataException {
        if (pack.length < 4) {
            throw new CorruptDataException("pack is truncated (" + pack.length + " bytes)");
        }
        int hlen = ByteBuffer.wrap(pack, pack.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (hlen < 0 || hlen > pack.length - 4) {
            throw new CorruptDataException("pack header length " + hlen + " is impossible; the pack is truncated or damaged");
        }
        return pack.length - 4 - hlen;
    }
}
