package dev.vault.engine.sync;

import java.io.Console;

/** Questions to the person at the terminal (a passphrase, a password, "accept this host key?"). */
public interface Prompt {
    /** A line typed by the user (echoed), or null when they gave none. */
    String line(String question);

    /** A secret typed without echo, or null when they gave none. */
    char[] secret(String question);

    /** The terminal's prompt, or null when there is no terminal (daemon, pipes, CI). */
    static Prompt console() {
        Console c = System.console();
        if (c == null) {
            return null;
        }
        return new Prompt() {
            @Override
            public String line(String question) {
                return c.readLine("%s", question);
            }

            @Override
            public char[] secret(String question) {
                return c.readPassword("%s", question);
            }
        };
    }
}
