package dev.vault.engine;

/** The process exit codes vault promises in the README; every command maps its outcome to one of these. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** Done, but with warnings the user must read (for example unreadable source files, each named). */
    public static final int WARNINGS = 3;
    public static final int NO_REPOSITORY = 10;
    public static final int LOCKED = 11;
    public static final int WRONG_PASSWORD = 12;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
