package dev.vault.targets.run;

import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.ForwardingStorage;
import dev.vault.engine.repo.storage.Storage;
import dev.vault.targets.Target;
import dev.vault.targets.TargetMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A storage wrapper that refuses to write or delete unless the target's marker is still at the
 * repository root. When a drive is pulled mid-run, its mount point turns into an empty folder on the
 * computer's own disk; without this check the next write would quietly recreate the repository there.
 */
public final class MarkedStorage extends ForwardingStorage {
    private final Path root;
    private final Target target;

    public MarkedStorage(Storage inner, Path root, Target target) {
        super(inner);
        this.root = root;
        this.target = target;
    }

    private void guard() throws IOException {
        if (!Files.isRegularFile(root.resolve(TargetMarker.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NoSuchFileException(root.resolve(TargetMarker.FILE_NAME).toString(), null,
                    "the marker of target '" + target.name() + "' is gone (drive removed?); nothing more is written");
        }
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        guard();
        inner.write(h, data);
    }

    @Override
    public java.io.Closeable writeLock(Handle h, byte[] data) throws IOException {
        guard();
        return inner.writeLock(h, data);
    }

    /** Streams to the inner storage's temporary file (no copy in memory); checked at start and at commit. */
    @Override
    public PendingFile create() throws IOException {
        guard();
        PendingFile inner = this.inner.create();
        return new PendingFile() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                inner.write(b, off, len);
            }

            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public void commit(Handle h) throws IOException {
                guard();
                inner.commit(h);
            }

            @Override
            public void close() throws IOException {
                inner.close();
            }
        };
    }

    /** The marker lives in the root, so a marked root already exists: this only checks it is still there. */
    @Override
    public void createRoot() throws IOException {
        guard();
    }

    @Override
    public void delete(Handle h) throws IOException {
        guard();
        inner.delete(h);
    }

    @Override
    public int removeLeftoverTemporaryFiles() throws IOException {
        guard();
        return inner.removeLeftoverTemporaryFiles();
    }

}
