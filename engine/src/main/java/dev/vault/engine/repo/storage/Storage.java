package dev.vault.engine.repo.storage;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where a repository's files live. Files are written once (a second write of the same handle fails
 * with {@link java.nio.file.FileAlreadyExistsException}), never modified, and read whole or by range.
 * A missing file is reported with {@link java.nio.file.NoSuchFileException}.
 */
public interface Storage extends Closeable {
    /** Human-readable location for messages, e.g. the folder path. */
    String location();

    /** Names of all files of one type (for CONFIG: "config" if present). Order unspecified. */
    List<String> list(FileType type) throws IOException;

    boolean exists(Handle h) throws IOException;

    long size(Handle h) throws IOException;

    byte[] read(Handle h) throws IOException;

    /** Reads {@code length} bytes at {@code offset}; fails with EOFException when the file is shorter. */
    byte[] read(Handle h, long offset, int length) throws IOException;

    /** Stores the file completely and durably, or not at all; fails if it already exists. */
    void write(Handle h, byte[] data) throws IOException;

    void delete(Handle h) throws IOException;

    /**
     * Creates the repository's root (a folder, a bucket prefix) before the first file of a new
     * repository is written. Only repository initialisation calls it; every other write fails when the
     * root is missing rather than creating it.
     */
    default void createRoot() throws IOException {
    }

    /**
     * A short token that changes whenever the file under {@code h} is replaced or rewritten (for a local
     * folder: size, modification time and file identity), or null when this storage cannot tell. Lets a
     * cache notice that the repository's file is no longer the one it copied, without reading it.
     */
    default String stamp(Handle h) throws IOException {
        return null;
    }

    /** The local folder caching this repository's metadata (see CachingStorage), or null when there is none. */
    default java.nio.file.Path cacheDir() {
        return null;
    }

    /** A file being written piece by piece (a pack); it appears under its handle only on commit. */
    interface PendingFile extends Closeable {
        /** Appends {@code b[off, off+len)}; the caller may reuse {@code b} as soon as this returns. */
        void write(byte[] b, int off, int len) throws IOException;

        long size();

        /** Makes the file durable under {@code h} (fails if that exists); afterwards close() does nothing. */
        void commit(Handle h) throws IOException;

        /** Discards the file unless it was committed. */
        @Override
        void close() throws IOException;
    }

    /**
     * Starts a file whose name is known only at the end (packs are named by their hash). The default
     * collects the bytes in memory and calls {@link #write} on commit, so wrappers (faults, caching,
     * read-only) apply to it unchanged; LocalStorage streams to a temporary file instead.
     */
    default PendingFile create() throws IOException {
        Storage self = this;
        return new PendingFile() {
            private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
            }

            @Override
            public long size() {
                return buf.size();
            }

            @Override
            public void commit(Handle h) throws IOException {
                self.write(h, buf.toByteArray());
                buf.reset();
            }

            @Override
            public void close() {
                buf.reset();
            }
        };
    }

    /**
     * Writes a lock file (as {@link #write}) and ties it to this process where the storage can: an OS
     * lock, taken before the file is visible, that the OS releases when the process dies. Returns the
     * hold (closing it releases the OS lock; delete the file first), or null when the storage has no
     * such locks (the file is written all the same). While held, this process reads, probes and
     * deletes the file only through this storage, never by opening it otherwise.
     */
    default Closeable writeLock(Handle h, byte[] data) throws IOException {
        write(h, data);
        return null;
    }

    /**
     * TRUE if a live process holds the OS lock of {@link #writeLock} on the file, FALSE if none does
     * (or the file is gone), null if the storage cannot tell.
     */
    default Boolean isHeldByLiveProcess(Handle h) {
        return null;
    }

    /** Removes temporary files left by interrupted writes; only safe when no other process writes. */
    default int removeLeftoverTemporaryFiles() throws IOException {
        return 0;
    }

    @Override
    default void close() throws IOException {
    }
}
