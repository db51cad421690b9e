package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;

/**
 * The process no longer holds its repository lock for sure (its lock file was removed, a refresh
 * failed, or it went unrefreshed longer than others wait), so it stops before it commits anything.
 */
public final class LockLostException extends VaultException {
    private static final long serialVersionUID = 1L;

    public LockLostException(String message) {
        super(ExitCodes.FAILURE, message);
    }
}
