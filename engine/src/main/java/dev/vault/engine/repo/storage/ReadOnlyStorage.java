package dev.vault.engine.repo.storage;

import java.io.IOException;

/**
 * Wraps a storage so that any write or delete fails, except of lock files (a reader still announces
 * itself so that prune waits): what read-only commands (snapshots, ls, restore, check) get.
 */
public final class ReadOnlyStorage extends ForwardingStorage {

    public ReadOnlyStorage(Storage inner) {
        super(inner);
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        if (h.type() == FileType.LOCK) {
            inner.write(h, data);
            return;
        }
        throw new IOException("repository " + inner.location() + " is open read-only; cannot write " + h);
    }

    @Override
    public void delete(Handle h) throws IOException {
        if (h.type() == FileType.LOCK) {
            inner.delete(h);
            return;
        }
        throw new IOException("repository " + inner.location() + " is open read-only; cannot delete " + h);
    }

    @Override
    public void createRoot() throws IOException {
        throw new IOException("repository " + inner.location() + " is open read-only; cannot create it");
    }

    /** Never: temporary files may belong to a writer in another process. */
    @Override
    public int removeLeftoverTemporaryFiles() {
        return 0;
    }
}
