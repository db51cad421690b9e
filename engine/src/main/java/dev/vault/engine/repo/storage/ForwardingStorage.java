package dev.vault.engine.repo.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * A storage that passes every call to another one; wrappers (read-only, faults, caching, markers)
 * override only what they change. {@link #create()} is deliberately not forwarded: the default
 * collects the bytes and calls this wrapper's {@link #write}, so the wrapper applies to packs too.
 */
public abstract class ForwardingStorage implements Storage {
    protected final Storage inner;

    protected ForwardingStorage(Storage inner) {
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
        inner.write(h, data);
    }

    @Override
    public void createRoot() throws IOException {
        inner.createRoot();
    }

    @Override
    public void delete(Handle h) throws IOException {
        inner.delete(h);
    }

    @Override
    public String stamp(Handle h) throws IOException {
        return inner.stamp(h);
    }

    @Override
    public Closeable writeLock(Handle h, byte[] data) throws IOException {
        return inner.writeLock(h, data);
    }

    @Override
    public Boolean isHeldByLiveProcess(Handle h) {
        return inner.isHeldByLiveProcess(h);
    }

    @Override
    public int removeLeftoverTemporaryFiles() throws IOException {
        return inner.removeLeftoverTemporaryFiles();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public java.nio.file.Path cacheDir() {
        return inner.cacheDir();
    }
}
