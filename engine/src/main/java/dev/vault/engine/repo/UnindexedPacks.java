package dev.vault.engine.repo;

import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.CorruptDataException;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.pack.PackReader;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Packs in the repository that no index file lists: a backup interrupted (Ctrl-C, kill, a pulled
 * drive) after writing a pack and before the index naming it. A backup adopts them before it starts
 * (docs/FORMAT.md §5): each is verified the way {@code check --read-data} verifies a pack (name
 * against its bytes, header, every blob decoded against its id), and the intact ones are written into
 * one new index file, so their chunks are reused instead of stored again. A pack that fails is left
 * alone for {@code prune}, which removes unindexed packs. Reads go by range, so memory stays at about
 * one read slice whatever the pack size.
 */
final class UnindexedPacks {
    /** Bytes read at once while verifying a pack's blobs (whole blobs only; a bigger blob is read alone). */
    private static final int SLICE = 4 * 1024 * 1024;

    /** What adoption found. */
    record Adopted(int packs, long bytes, int rejected, String indexFile, long indexBytes) {
    }

    private UnindexedPacks() {
    }

    /**
     * Verifies the packs {@code index} does not know and writes an index file naming the intact ones
     * (added to {@code index}); the caller holds a lock, so prune cannot delete them meanwhile.
     */
    static Adopted adopt(Repository repo, MasterIndex index) throws IOException {
        IndexFile found = new IndexFile();
        int rejected = 0;
        long bytes = 0;
        for (String pack : repo.storage().list(FileType.DATA)) {
            if (index.packs().contains(pack) || !pack.matches("[0-9a-f]{64}")) {
                continue;
            }
            List<PackEntry> entries;
            long size;
            try {
                size = repo.storage().size(new Handle(FileType.DATA, pack));
                entries = verify(repo, pack, size);
            } catch (CorruptDataException | NoSuchFileException | java.io.EOFException e) {
                rejected++; // damaged, or gone meanwhile: not reused; prune removes what remains
                continue;
            }
            found.add(pack, size, entries);
            bytes += size;
        }
        if (found.packs.isEmpty()) {
            return new Adopted(0, 0, rejected, null, 0);
        }
        // the packs exist and were verified: the index naming them may follow (packs before index)
        String name = repo.writeDocument(FileType.INDEX, found);
        synchronized (index) {
            index.add(name, found);
        }
        long indexBytes = repo.storage().size(new Handle(FileType.INDEX, name));
        return new Adopted(found.packs.size(), bytes, rejected, name, indexBytes);
    }

    /** The entries of an unindexed pack, after checking everything in it; fails if anything is wrong. */
    static List<PackEntry> verify(Repository repo, String pack, long size) throws IOException {
        Handle h = new Handle(FileType.DATA, pack);
        if (size < 4) {
            throw new CorruptDataException("pack " + pack + " is truncated");
        }
        int hlen = ByteBuffer.wrap(repo.storage().read(h, size - 4, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (hlen < 0 || hlen > size - 4 || hlen > Repository.MAX_DOCUMENT) {
            throw new CorruptDataException("pack " + pack + " has an impossible header length");
        }
        long trailerStart = size - 4 - hlen;
        byte[] trailer = repo.storage().read(h, trailerStart, hlen + 4);
        PackWriter.Naming naming = repo.config().packNaming();
        MessageDigest whole = naming == PackWriter.Naming.WHOLE_FILE ? sha256() : null;
        if (whole == null && !naming.nameOf(trailer, 0).equals(pack)) {
            throw new CorruptDataException("pack " + pack + ": content does not match its name");
        }
        List<PackEntry> entries = PackReader.entriesOfTrailer(repo.crypto(), trailer, trailerStart);
        for (PackEntry e : entries) {
            if (e.length() > Repository.MAX_DOCUMENT || e.rawLength() > Repository.MAX_DOCUMENT) {
                throw new CorruptDataException("pack " + pack + " lists a blob of impossible size"); // no vault writes one
            }
        }
        int i = 0;
        while (i < entries.size()) {
            // whole blobs per read: neighbours together up to SLICE bytes
            PackEntry first = entries.get(i);
            int j = i + 1;
            long end = first.offset() + first.length();
            while (j < entries.size() && end + entries.get(j).length() - first.offset() <= SLICE) {
                end += entries.get(j).length();
                j++;
            }
            byte[] range = repo.storage().read(h, first.offset(), (int) (end - first.offset()));
            if (whole != null) {
                whole.update(range);
            }
            for (int k = i; k < j; k++) {
                PackEntry e = entries.get(k);
                int from = (int) (e.offset() - first.offset());
                Blobs.decode(repo.crypto(), e.type(), e.id(), java.util.Arrays.copyOfRange(range, from, from + e.length()), e.rawLength());
            }
            i = j;
        }
        if (whole != null) {
            whole.update(trailer);
            if (!HexFormat.of().formatHex(whole.digest()).equals(pack)) {
                throw new CorruptDataException("pack " + pack + ": content does not match its name");
            }
        }
        return new ArrayList<>(entries);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
