package dev.vault.cli.daemon;

/** The work the daemon schedules; production wires the sync engine and targets, tests pass fakes. */
public interface DaemonActions {
    /**
     * Runs one sync round; {@code reason} says why ("interval", "files changed", "hub changed").
     * Returns the round's one-line summary for the log.
     */
    String sync(String reason) throws Exception;

    /** Cheap check whether the hub moved since the last round (e.g. compare its refs). */
    boolean hubChanged() throws Exception;

    /**
     * One pass of the target scheduler: volume changes, on-plug and scheduled backups that are due.
     * Returns what it did in words, or null when nothing was due.
     */
    String runDueTargets() throws Exception;
}
