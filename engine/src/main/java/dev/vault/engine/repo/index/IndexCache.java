package dev.vault.engine.repo.index;

import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.SecretFiles;
import dev.vault.engine.repo.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The merged index in binary form, in the local metadata cache ({@code index.bin}), so that opening
 * a repository need not decrypt and parse every JSON index file (in a fresh JVM ~0.15 s for the
 * 15,000 entries of the benchmark set; seconds for millions). It is only a cache:
 * <ul>
 *   <li>it names the exact set of index files it was made from (their names are the SHA-256 of their
 *       contents, so the set fixes the content) together with each file's {@link Storage#stamp stamp}
 *       (size, modification time, file identity) in the repository; any other set, or any of those
 *       files rewritten, truncated, swapped or put back since, and it is not used: the repository's
 *       files are read instead, and their damage is reported;</li>
 *   <li>it ends with a CRC-32C of everything before, checked on every read: a damaged copy is ignored
 *       (CRC-32C runs at full speed even before the JIT has compiled anything: SHA-256 over 0.8 MB took
 *       ~40 ms there, a third of what the cache saves; the cache guards against accidents, not against
 *       someone who can write to the user's own files);</li>
 *   <li>it is never used by {@code check} or {@code prune}, which read the index files themselves.</li>
 * </ul>
 * It is created 0600 in a folder created 0700: it holds the decrypted index.
 * Layout: {@code "vault index cache 3\n"}, 32-byte key (SHA-256 of the sorted lines "name stamp", one
 * per index file), u32 file count, per file: UTF name, u32 pack count, per pack: UTF id, u64 size, u32 entry
 * count, per entry: u8 type, 32-byte id, u64 offset, u32 length, u32 raw length; then the CRC-32C (u32).
 */
public final class IndexCache {
    static final String FILE = "index.bin";
    private static final byte[] MAGIC = "vault index cache 3\n".getBytes(StandardCharsets.US_ASCII);

    private IndexCache() {
    }

    /** The master index cached for exactly these index files as they are in {@code storage} now, or null. */
    public static MasterIndex read(Storage storage, List<String> indexFiles) {
        Path dir = storage.cacheDir();
        byte[] key = dir == null ? null : key(storage, indexFiles);
        return key == null ? null : read(dir, indexFiles, key);
    }

    static MasterIndex read(Path dir, List<String> indexFiles, byte[] key) {
        byte[] all;
        try {
            all = Files.readAllBytes(dir.resolve(FILE));
        } catch (IOException e) {
            return null;
        }
        int body = all.length - 4;
        if (body < MAGIC.length + 32 || !Arrays.equals(Arrays.copyOfRange(all, 0, MAGIC.length), MAGIC)
                || crc(all, 0, body) != java.nio.ByteBuffer.wrap(all, body, 4).getInt()
                || !MessageDigest.isEqual(key, Arrays.copyOfRange(all, MAGIC.length, MAGIC.length + 32))) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length + 32, body - MAGIC.length - 32))) {
            MasterIndex mi = new MasterIndex();
            int files = in.readInt();
            byte[] id = new byte[32];
            for (int f = 0; f < files; f++) {
                String name = in.readUTF();
                int packs = in.readInt();
                List<MasterIndex.PackRecord> records = new ArrayList<>(packs);
                for (int p = 0; p < packs; p++) {
                    String pack = in.readUTF();
                    long size = in.readLong();
                    int n = in.readInt();
                    List<PackEntry> entries = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        BlobType type = BlobType.of(in.readUnsignedByte());
                        in.readFully(id);
                        entries.add(new PackEntry(type, new BlobId(id.clone()), in.readLong(), in.readInt(), in.readInt()));
                    }
                    records.add(new MasterIndex.PackRecord(pack, size, entries));
                }
                mi.add(name, records);
            }
            return mi.indexFiles().size() == indexFiles.size() && mi.indexFiles().containsAll(indexFiles) ? mi : null;
        } catch (IOException | RuntimeException e) {
            return null; // damaged in a way the CRC did not show: only speed is lost
        }
    }

    /** Writes the cache for the index files {@code mi} knows, as {@code storage} holds them now; a failure only costs speed. */
    public static void write(Storage storage, MasterIndex mi) {
        Path dir = storage.cacheDir();
        List<String> names = new ArrayList<>(mi.indexFiles());
        byte[] key = dir == null ? null : key(storage, names);
        if (key != null) {
            write(dir, mi, key);
        }
    }

    static void write(Path dir, MasterIndex mi, byte[] key) {
        List<String> names = new ArrayList<>(mi.indexFiles());
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
            DataOutputStream out = new DataOutputStream(buf);
            out.write(MAGIC);
            out.write(key);
            out.writeInt(names.size());
            for (String name : names) {
                out.writeUTF(name);
                List<MasterIndex.PackRecord> packs = mi.packsOf(name);
                out.writeInt(packs.size());
                for (MasterIndex.PackRecord p : packs) {
                    out.writeUTF(p.id());
                    out.writeLong(p.size());
                    out.writeInt(p.entries().size());
                    for (PackEntry e : p.entries()) {
                        out.writeByte(e.type().code());
                        out.write(e.id().bytes());
                        out.writeLong(e.offset());
                        out.writeInt(e.length());
                        out.writeInt(e.rawLength());
                    }
                }
            }
            out.flush();
            byte[] bytes = buf.toByteArray();
            out.writeInt(crc(bytes, 0, bytes.length));
            out.flush();
            SecretFiles.write(dir.resolve(FILE), buf.toByteArray());
        } catch (IOException | RuntimeException e) {
            // only a cache: the next open parses the index files again
        }
    }

    /**
     * SHA-256 of the sorted lines "name stamp" of the index files as the storage holds them now; null when
     * one is gone or the storage has no stamps (then no binary copy is kept: it could not notice a change).
     */
    static byte[] key(Storage storage, List<String> indexFiles) {
        List<String> lines = new ArrayList<>(indexFiles.size());
        try {
            for (String name : indexFiles) {
                String stamp = storage.stamp(new Handle(FileType.INDEX, name));
                if (stamp == null) {
                    return null;
                }
                lines.add(name + " " + stamp);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        lines.sort(null);
        return Hashes.sha256(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    private static int crc(byte[] b, int off, int len) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
