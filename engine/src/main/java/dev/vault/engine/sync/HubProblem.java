package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;

/**
 * Why a round could not talk to its hub. Each is a named state with its own exit code: only
 * {@link #OFFLINE} means that the network or the drive is not there; the others need the user.
 */
public enum HubProblem {
    /** The network, server, drive or share is not there now; work waits and is sent later. */
    OFFLINE("offline", ExitCodes.WARNINGS),
    /** The hub's drive or server answers, but there is no Git repository at the hub's path. */
    HUB_MISSING("hub-missing", ExitCodes.NO_REPOSITORY),
    /** The ssh server refused every key offered (agent and key files). */
    KEY_REFUSED("key-refused", ExitCodes.HUB_KEY_REFUSED),
    /** The https hub refused the user name and password, or none was available. */
    PASSWORD_REFUSED("password-refused", ExitCodes.HUB_PASSWORD_REFUSED),
    /** The ssh server's host key is not known and was not accepted. */
    HOST_UNKNOWN("host-unknown", ExitCodes.HUB_HOST_UNKNOWN),
    /** The ssh server's host key is not the one known for it: refused, always. */
    HOST_KEY_CHANGED("host-key-changed", ExitCodes.HUB_HOST_KEY_CHANGED);

    private final String id;
    private final int exitCode;

    HubProblem(String id, int exitCode) {
        this.id = id;
        this.exitCode = exitCode;
    }

    /** The state's name in status.json, --json output and the docs. */
    public String id() {
        return id;
    }

    public int exitCode() {
        return exitCode;
    }
}
