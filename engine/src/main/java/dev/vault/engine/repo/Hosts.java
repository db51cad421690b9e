package dev.vault.engine.repo;

import java.net.InetAddress;

/** This computer's name as recorded in snapshots, key files and locks. */
public final class Hosts {
    private Hosts() {
    }

    public static String hostName() {
        String env = System.getenv("COMPUTERNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
