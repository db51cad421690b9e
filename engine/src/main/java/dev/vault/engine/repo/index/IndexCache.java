package dev.vault.engine.repo.index;

import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.PackEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The merged index in binary form, in the local metadata cache ({@code index.bin}), so that opening
 * a repository need not decrypt and parse every JSON index file (in a fresh JVM ~0.15 s for the
 * 15,000 entries of the benchmark set; seconds for millions). It is only a cache:
 * <ul>
 *   <li>it names the exact set of index files it was made from (their names are the SHA-256 of their
 *       contents, so the set fixes the content); any other set in the repository, and it is not used;</li>
 *   <li>it ends with a CRC-32C of everything before, checked on every read: a damaged copy is ignored
 *       (CRC-32C runs at full speed even before the JIT has compiled anything: SHA-256 over 0.8 MB took
 *       ~40 ms there, a third of what the cache saves; the cache guards against accidents, not against
 *       someone who can write to the user's own files);</li>
 *   <li>it is never used by {@code check} or {@code prune}, which read the index files themselves.</li>
 * </ul>
 * Layout: {@code "vault index cache 2\n"}, 32-byte key (SHA-256 of the sorted index file names, one per
 * line), u32 file count, per file: UTF name, u32 pack count, per pack: UTF id, u64 size, u32 entry
 * count, per entry: u8 type, 32-byte id, u64 offset, u32 length, u32 raw length; then the CRC-32C (u32).
 */
public final class IndexCache {
    static final String FILE = "index.bin";
    private static final byte[] MAGIC = "vault index cache 2\n".getBytes(StandardCharsets.US_ASCII);

    private IndexCache() {
    }

    /** The master index cached for exactly these index files, or null (none, another set, damaged). */
    public static MasterIndex read(Path dir, List<String> indexFiles) {
        byte[] all;
        try {
            all = Files.readAllBytes(dir.resolve(FILE));
        } catch (IOException e) {
            return null;
        }
        int body = all.length - 4;
        if (body < MAGIC.length + 32 || !Arrays.equals(Arrays.copyOfRange(all, 0, MAGIC.length), MAGIC)
                || crc(all, 0, body) != java.nio.ByteBuffer.wrap(all, body, 4).getInt()
                || !MessageDigest.isEqual(key(indexFiles), Arrays.copyOfRange(all, MAGIC.length, MAGIC.length + 32))) {
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

    /** Writes the cache for the index files {@code mi} knows (tmp + rename); a failure only costs speed. */
    public static void write(Path dir, MasterIndex mi) {
        List<String> names = new ArrayList<>(mi.indexFiles());
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
            DataOutputStream out = new DataOutputStream(buf);
            out.write(MAGIC);
            out.write(key(names));
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
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, buf.toByteArray());
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // only a cache: the next open parses the index files again
        }
    }

    static byte[] key(List<String> indexFiles) {
        List<String> sorted = new ArrayList<>(indexFiles);
        sorted.sort(null);
        byte[] b = String.join("\n", sorted).getBytes(StandardCharsets.UTF_8);
        return Hashes.sha256(b);
    }

    private static int crc(byte[] b, int off, int len) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
