package dev.vault.engine;

/**
 * A failure the user can act on: its message is one sentence naming the file, workspace or target
 * and what to do, and it carries the exit code from {@link ExitCodes} the CLI returns for it.
 */
public class VaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public VaultException(String message) {
        this(ExitCodes.FAILURE, message, null);
    }

    public VaultException(String message, Throwable cause) {
        this(ExitCodes.FAILURE, message, cause);
    }

    public VaultException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public VaultException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
