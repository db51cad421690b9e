package dev.vault.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The whole-file OS locks this JVM holds (workspace and daemon locks), by real path. On POSIX systems
 * closing ANY channel of a process on a file drops all of that process's locks on it, so code that
 * asks "who holds this lock?" or tries to take it must first ask here, and never open (and close) a
 * channel on a file this JVM holds. Repository lock files have their own table in LocalStorage.
 */
public final class ProcessLocks {
    private static final Set<Path> HELD = new HashSet<>();

    private ProcessLocks() {
    }

    /** The monitor to hold while checking {@link #heldHere} and then opening the file or registering it. */
    public static Object monitor() {
        return HELD;
    }

    public static Path key(Path file) throws IOException {
        return file.toRealPath();
    }

    /** Whether this JVM holds the lock on {@code file} (false when the file does not exist). */
    public static boolean heldHere(Path file) {
        synchronized (HELD) {
            try {
                return HELD.contains(key(file));
            } catch (IOException e) {
                return false;
            }
        }
    }

    public static void add(Path key) {
        synchronized (HELD) {
            HELD.add(key);
        }
    }

    public static void remove(Path key) {
        synchronized (HELD) {
            HELD.remove(key);
        }
    }
}
