package dev.vault.engine.repo.pack;

import dev.vault.engine.repo.crypto.Crypto;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes one pack file: {@code blob* || header || u32le headerLength}, the header being
 * {@code seal(entry*, "vault pack header")} with 41-byte entries (type u8, length u32le, rawLength
 * u32le, id 32 bytes). Blobs stream into the storage as they come (one big sequential write, little
 * memory). The pack's name is the SHA-256 of its trailer ({@code header || headerLength}, format 2) or
 * of the whole file (format 1); see {@link Naming}. Not thread-safe.
 */
public final class PackWriter {
    static final byte[] HEADER_AD = "vault pack header".getBytes(StandardCharsets.US_ASCII);
    public static final int ENTRY_SIZE = 41;

    /** How a pack's name is derived from its bytes (docs/FORMAT.md §3.4). */
    public enum Naming {
        /**
         * Format 1: SHA-256 of the whole file. Every stored byte is hashed once more, on the workers that
         * already hashed and sealed it: about 4% of a first backup's CPU.
         */
        WHOLE_FILE,
        /**
         * Format 2: SHA-256 of {@code header || headerLength}. The header lists every blob's id, type and
         * length, and the blobs must fill the file exactly up to it, so the name still pins the file:
         * each blob is verified by its id (and, encrypted, by its AEAD tag bound to that id).
         */
        HEADER;

        /** The name of a whole pack file, per this naming; {@code trailerStart} is where its header begins. */
        public String nameOf(byte[] pack, int trailerStart) {
            return this == WHOLE_FILE ? Hashes.sha256Hex(pack)
                    : HexFormat.of().formatHex(Hashes.sha256(pack, trailerStart, pack.length - trailerStart));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Storage storage;
    private final Crypto crypto;
    private final Naming naming;
    private final List<PackEntry> entries = new ArrayList<>();
    private final MessageDigest digest;
    private Storage.PendingFile file;
    private long size;

    public PackWriter(Storage storage, Crypto crypto, Naming naming) {
        this.storage = storage;
        this.crypto = crypto;
        this.naming = naming;
        this.digest = sha256();
    }

    public void add(BlobType type, BlobId id, byte[] stored, int rawLength) throws IOException {
        add(type, id, stored, stored.length, rawLength);
    }

    /** Appends the stored blob {@code stored[0, length)}; its bytes are written out (or copied) before this returns. */
    public void add(BlobType type, BlobId id, byte[] stored, int length, int rawLength) throws IOException {
        if (file == null) {
            file = storage.create();
        }
        file.write(stored, 0, length);
        if (naming == Naming.WHOLE_FILE) {
            digest.update(stored, 0, length);
        }
        entries.add(new PackEntry(type, id, size, length, rawLength));
        size += length;
    }

    public long size() {
        return size;
    }

    public int count() {
        return entries.size();
    }

    /** A finished pack: its name, size and entries. */
    public record Finished(String name, long size, List<PackEntry> entries) {
    }

    /** Writes the header and commits the pack under its hash (an identical existing pack is fine). */
    public Finished finish() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(entries.size() * ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (PackEntry e : entries) {
            h.put((byte) e.type().code()).putInt(e.length()).putInt(e.rawLength()).put(e.id().bytes());
        }
        byte[] header = crypto.seal(h.array(), HEADER_AD);
        byte[] len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length).array();
        if (file == null) {
            file = storage.create();
        }
        try {
            file.write(header, 0, header.length);
            file.write(len, 0, 4);
            digest.update(header);
            digest.update(len);
            long total = size + header.length + 4;
            String name = HexFormat.of().formatHex(digest.digest());
            try {
                file.commit(new Handle(FileType.DATA, name));
            } catch (FileAlreadyExistsException e) {
                // the same pack (same bytes) is already stored
            }
            return new Finished(name, total, List.copyOf(entries));
        } finally {
            file.close();
        }
    }

    /** Discards an unfinished pack. */
    public void abort() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // nothing was committed
            }
        }
    }
}
