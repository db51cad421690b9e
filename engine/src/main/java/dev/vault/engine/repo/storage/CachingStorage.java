package dev.vault.engine.repo.storage;

import dev.vault.engine.repo.crypto.Hashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps local copies of a repository's index and snapshot files (immutable, named by the SHA-256 of
 * their bytes) so that opening a repository on a slow target reads them from the local disk. It is
 * only a cache, never believed over the repository:
 * <ul>
 *   <li>each copy records the {@link Storage#stamp stamp} (size, modification time, file identity) of
 *       the repository file it was copied from; when the repository's file is gone, or its stamp
 *       differs (rewritten, truncated, swapped, put back), the repository's file is read, and whatever
 *       it holds (damage included) is what the caller gets;</li>
 *   <li>a copy whose hash does not match its name is ignored and fetched again;</li>
 *   <li>deleting the cache folder changes nothing but speed.</li>
 * </ul>
 * {@code check} does not use it at all: it reads the repository (see docs/FORMAT.md §7). Cache files
 * are created 0600 in folders created 0700 (they reveal which snapshots exist, and index.bin holds
 * the decrypted index).
 */
public final class CachingStorage extends ForwardingStorage {
    private static final byte[] MAGIC = "vault cache copy 1\n".getBytes(StandardCharsets.US_ASCII);
    private final Path dir;

    public CachingStorage(Storage inner, Path cacheDir) {
        super(inner);
        this.dir = cacheDir;
    }

    @Override
    public Path cacheDir() {
        return dir;
    }

    private static boolean cacheable(Handle h) {
        return h.type() == FileType.INDEX || h.type() == FileType.SNAPSHOT;
    }

    private Path cachePath(Handle h) {
        return dir.resolve(h.type().folder()).resolve(h.name());
    }

    static boolean matchesName(Handle h, byte[] data) {
        return Hashes.sha256Hex(data).equals(h.name());
    }

    /** The repository file's stamp; its size when the storage has no stamps. Throws NoSuchFileException when it is gone. */
    private String repositoryStamp(Handle h) throws IOException {
        String s = inner.stamp(h);
        return s != null ? s : "size " + inner.size(h);
    }

    @Override
    public List<String> list(FileType type) throws IOException {
        List<String> names = inner.list(type);
        if (type == FileType.INDEX || type == FileType.SNAPSHOT) {
            // drop cached copies of files deleted from the repository (forget, prune)
            Path d = dir.resolve(type.folder());
            if (Files.isDirectory(d)) {
                try (var s = Files.list(d)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        if (!names.contains(p.getFileName().toString())) {
                            Files.deleteIfExists(p);
                        }
                    }
                } catch (IOException ignored) {
                    // a cache that cannot be tidied is still correct
                }
            }
        }
        return names;
    }

    @Override
    public byte[] read(Handle h) throws IOException {
        if (!cacheable(h)) {
            return inner.read(h);
        }
        String stamp = repositoryStamp(h); // NoSuchFileException: gone from the repository, whatever the cache holds
        Path p = cachePath(h);
        byte[] cached = readCopy(p, stamp);
        if (cached != null && matchesName(h, cached)) {
            return cached;
        }
        byte[] data = inner.read(h);
        if (matchesName(h, data)) {
            store(p, stamp, data);
        } else {
            // the repository's file is damaged: it wins over any copy here, and the caller reports it
            deleteQuietly(p);
        }
        return data;
    }

    /** The cached bytes if the copy at {@code p} was made from the repository file with {@code stamp}, else null. */
    private static byte[] readCopy(Path p, String stamp) {
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            byte[] all = Files.readAllBytes(p);
            byte[] want = (stamp + "\n").getBytes(StandardCharsets.UTF_8);
            int head = MAGIC.length + want.length;
            if (all.length < head || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                    || !Arrays.equals(all, MAGIC.length, head, want, 0, want.length)) {
                return null;
            }
            return Arrays.copyOfRange(all, head, all.length);
        } catch (IOException | RuntimeException e) {
            return null; // unreadable cache entry: the repository is read
        }
    }

    private static void store(Path p, String stamp, byte[] data) {
        try {
            byte[] s = (stamp + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[MAGIC.length + s.length + data.length];
            System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
            System.arraycopy(s, 0, all, MAGIC.length, s.length);
            System.arraycopy(data, 0, all, MAGIC.length + s.length, data.length);
            SecretFiles.write(p, all);
        } catch (IOException | RuntimeException ignored) {
            // caching is best effort
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale copy is never used: its stamp no longer matches
        }
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        inner.write(h, data);
        if (cacheable(h) && matchesName(h, data)) {
            try {
                store(cachePath(h), repositoryStamp(h), data);
            } catch (NoSuchFileException ignored) {
                // deleted by someone else already: nothing to cache
            }
        }
    }

    /**
     * Packs stream straight into the inner storage (LocalStorage writes them to a temporary file), not
     * through the interface's in-memory default: a backup must not hold a whole pack on the heap. Packs
     * are never cached, so nothing is lost by bypassing {@link #write}.
     */
    @Override
    public PendingFile create() throws IOException {
        return inner.create();
    }

    @Override
    public void delete(Handle h) throws IOException {
        inner.delete(h);
        if (cacheable(h)) {
            Files.deleteIfExists(cachePath(h));
        }
    }

}
