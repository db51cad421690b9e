package dev.vault.engine.repo.storage;

import java.io.IOException;
import java.util.List;

/**
 * Wraps a storage so that any write or delete fails, except of lock files (a reader still announces
 * itself so that prune waits): what read-only commands (snapshots, ls, restore, check) get.
 */
public final class ReadOnlyStorage implements Storage {
    private final Storage inner;

    public ReadOnlyStorage(Storage inner) {
        this.inner = inner;
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public List<String> list(FileType type) throws IOException {
        return inner.list(type);
    }

    @Override
    public boolean exists(Handle h) throws IOException {
        return inner.exists(h);
    }

    @Override
    public long size(Handle h) throws IOException {
        return inner.size(h);
    }

    @Override
    public byte[] read(Handle h) throws IOException {
        return inner.read(h);
    }

    @Override
    public byte[] read(Handle h, long offset, int length) throws IOException {
        return inner.read(h, offset, length);
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
    public java.io.Closeable holdLiveness(Handle h) throws IOException {
        return inner.holdLiveness(h);
    }

    @Override
    public Boolean isHeldByLiveProcess(Handle h) {
        return inner.isHeldByLiveProcess(h);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
