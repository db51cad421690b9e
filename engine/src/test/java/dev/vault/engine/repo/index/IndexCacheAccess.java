package dev.vault.engine.repo.index;

import java.nio.file.Path;
import java.util.List;

/** Test access to IndexCache's key-taking read and write (the public ones compute the key from a storage). */
public final class IndexCacheAccess {
    private IndexCacheAccess() {
    }

    public static void write(Path dir, MasterIndex mi, byte[] key) {
        IndexCache.write(dir, mi, key);
    }

    public static MasterIndex read(Path dir, List<String> names, byte[] key) {
        return IndexCache.read(dir, names, key);
    }
}
