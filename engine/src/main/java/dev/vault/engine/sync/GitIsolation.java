package dev.vault.engine.sync;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps JGit away from the user's own Git set-up: the user, system and JGit-wide config files are
 * replaced by empty in-memory configs, so ~/.gitconfig and ~/.config/jgit are never read or written
 * and every repository gets exactly the settings vault gives it.
 */
public final class GitIsolation {
    private static boolean installed;

    private GitIsolation() {
    }

    /** Installs the isolating SystemReader once per JVM (idempotent, thread-safe). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
            @Override
            public FileBasedConfig openUserConfig(Config parent, FS fs) {
                return new InMemoryConfig(parent, fs);
            }

            @Override
            public FileBasedConfig openSystemConfig(Config parent, FS fs) {
                return new InMemoryConfig(parent, fs);
            }

            @Override
            public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                return new InMemoryConfig(parent, fs);
            }
        });
        installed = true;
    }

    /** A config that never touches a file. */
    private static final class InMemoryConfig extends FileBasedConfig {
        InMemoryConfig(Config parent, FS fs) {
            super(parent, null, fs);
        }

        @Override
        public void load() {
            // nothing to read: vault wants no user or system Git settings
        }

        @Override
        public void save() {
            // nothing to write: JGit must not create files in the user's home
        }

        @Override
        public boolean isOutdated() {
            return false;
        }
    }
}
