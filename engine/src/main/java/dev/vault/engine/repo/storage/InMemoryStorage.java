package dev.vault.engine.repo.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A repository held in memory, for tests and as the reference behaviour of {@link Storage}. */
public final class InMemoryStorage implements Storage {
    private final Map<Handle, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public String location() {
        return "memory:" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public List<String> list(FileType type) {
        List<String> names = new ArrayList<>();
        for (Handle h : files.keySet()) {
            if (h.type() == type) {
                names.add(h.name());
            }
        }
        return names;
    }

    @Override
    public boolean exists(Handle h) {
        return files.containsKey(h);
    }

    @Override
    public long size(Handle h) throws IOException {
        return get(h).length;
    }

    @Override
    public String stamp(Handle h) throws IOException {
        byte[] b = get(h);
        return b.length + ":" + Integer.toHexString(System.identityHashCode(b)); // every write stores a new array
    }

    private byte[] get(Handle h) throws NoSuchFileException {
        byte[] b = files.get(h);
        if (b == null) {
            throw new NoSuchFileException(h.toString());
        }
        return b;
    }

    @Override
    public byte[] read(Handle h) throws IOException {
        return get(h).clone();
    }

    @Override
    public byte[] read(Handle h, long offset, int length) throws IOException {
        byte[] b = get(h);
        if (offset < 0 || offset + length > b.length) {
            throw new EOFException(h + " is shorter than expected");
        }
        return Arrays.copyOfRange(b, (int) offset, (int) offset + length);
    }

    @Override
    public void write(Handle h, byte[] data) throws IOException {
        if (files.putIfAbsent(h, data.clone()) != null) {
            throw new FileAlreadyExistsException(h.toString());
        }
    }

    @Override
    public void delete(Handle h) throws IOException {
        if (files.remove(h) == null) {
            throw new NoSuchFileException(h.toString());
        }
    }

    /** Replaces a file's bytes in place, bypassing write-once: only for tests that simulate damage. */
    public void tamper(Handle h, byte[] data) {
        files.put(h, data.clone());
    }
}
