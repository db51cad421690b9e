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
        return entriesOfTrailer(crypto, Arrays.copyOfRange(pack, hstart, pack.length), hstart);
    }

    /**
     * The entries listed in a pack's {@code trailer} ({@code header || u32le headerLength}, the pack's
     * last bytes), the trailer beginning at {@code trailerStart}: lets a reader verify a pack's header
     * without reading its blobs. Fails if the header is damaged or its blobs do not end where it begins.
     */
    public static List<PackEntry> entriesOfTrailer(Crypto crypto, byte[] trailer, long trailerStart) throws CorruptDataException {
        if (trailer.length < 4) {
            throw new CorruptDataException("pack trailer is truncated (" + trailer.length + " bytes)");
        }
        int hlen = ByteBuffer.wrap(trailer, trailer.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (hlen != trailer.length - 4) {
            throw new CorruptDataException("pack header length " + hlen + " does not match its trailer");
        }
        byte[] header;
        try {
            header = crypto.open(Arrays.copyOfRange(trailer, 0, hlen), PackWriter.HEADER_AD);
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
            if (len < 0 || raw < 0) {
                throw new CorruptDataException("pack header lists a negative length");
            }
            out.add(new PackEntry(type, new BlobId(id), offset, len, raw));
            offset += len;
        }
        if (offset != trailerStart) {
            throw new CorruptDataException("pack header describes " + offset + " bytes of blobs but the pack holds " + trailerStart);
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
