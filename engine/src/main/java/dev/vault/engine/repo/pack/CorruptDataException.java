package dev.vault.engine.repo.pack;

import java.io.IOException;

/** Stored bytes failed authentication, decompression or their id check: the repository is damaged there. */
public class CorruptDataException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
