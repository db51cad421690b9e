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
    /** The ssh server refused every key this computer offered (or none could be unlocked). */
    public static final int HUB_KEY_REFUSED = 20;
    /** The https hub refused the user name and password, or none was found. */
    public static final int HUB_PASSWORD_REFUSED = 21;
    /** The ssh server's host key is not in known_hosts and was not accepted. */
    public static final int HUB_HOST_UNKNOWN = 22;
    /** The ssh server's host key differs from the one in known_hosts: always refused. */
    public static final int HUB_HOST_KEY_CHANGED = 23;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
