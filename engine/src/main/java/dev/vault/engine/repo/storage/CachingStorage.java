package dev.vault.engine.repo.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Keeps local copies of a repository's index and snapshot files (immutable, named by the SHA-256 of
 * their bytes) so that opening a repository on a slow target reads them from the local disk. It is
 * only a cache: a copy whose hash does not match its name is ignored and fetched again, and deleting
 * the cache folder changes nothing but speed.
 */
public final class CachingStorage extends ForwardingStorage {
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
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
            return HexFormat.of().formatHex(d).equals(h.name());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        Path p = cachePath(h);
        try {
            if (Files.isRegularFile(p)) {
                byte[] data = Files.readAllBytes(p);
                if (matchesName(h, data)) {
                    return data;
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // unreadable cache entry: fall through to the repository
        }
        byte[] data = inner.read(h);
        if (matchesName(h, data)) {
            store(p, data);
        }
        return data;
    }

    private static void store(Path p, byte[] data) {
        try {
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling(p.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException ignored) {
            // caching is best effort
        }
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        inner.write(h, data);
        if (cacheable(h) && matchesName(h, data)) {
            store(cachePath(h), data);
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
