package dev.vault.engine.sync;

import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectChecker;
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
    private static final ObjectChecker gitRules = new ObjectChecker();

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
                InMemoryConfig c = new InMemoryConfig(parent, fs);
                // the JDK's SHA-1 is a CPU intrinsic; JGit's pure-Java collision-detecting one costs
                // several times more CPU on every index read and object hash of a large workspace
                c.setString("core", null, "sha1Implementation", "jdkNative");
                // a hub's receive check (receive.fsckObjects) must not depend on the pushing computer's OS:
                // a Linux computer's aux.txt stays acceptable when a Windows computer pushes a merge holding it.
                // Set here, in JGit's in-memory user layer, because C git rejects these keys in a repo config.
                c.setBoolean("fsck", null, "safeForWindows", false);
                c.setBoolean("fsck", null, "safeForMacOS", false);
                return c;
            }

            /*
             * JGit checks index paths against the running OS's file name rules, so on Windows an index
             * could not hold a Linux computer's aux.txt, and vault would drop it from its commits. vault
             * writes files itself, after its own PathValidator; the index only needs Git's own rules.
             */
            @Override
            public void checkPath(String path) throws CorruptObjectException {
                gitRules.checkPath(path);
            }

            @Override
            public void checkPath(byte[] path) throws CorruptObjectException {
                gitRules.checkPath(path, 0, path.length);
            }

            @Override
            public FileBasedConfig openSystemConfig(Config parent, FS fs) {
                return new InMemoryConfig(parent, fs);
            }

            @Override
            public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                InMemoryConfig c = new InMemoryConfig(parent, fs);
                presetTimestampResolution(c);
                return c;
            }
        });
        if (SystemReader.getInstance().isWindows()) {
            // file stores are keyed by volume serial there; measure in the background instead of blocking
            FS.FileStoreAttributes.setBackground(true);
        }
        installed = true;
    }

    /**
     * JGit measures each file system's timestamp resolution by writing probe files for up to seconds
     * and stores the result in its user-level config, which vault keeps in memory. So vault gives the
     * answer up front, conservatively (2 s on FAT-like drives, 1 s elsewhere): a larger value only
     * means that files modified in the last second before an index write are re-hashed once.
     */
    static void presetTimestampResolution(Config c) {
        String prefix = System.getProperty("java.vendor") + '|' + System.getProperty("java.version") + '|';
        try {
            for (FileStore s : FileSystems.getDefault().getFileStores()) {
                String type = s.type().toLowerCase(java.util.Locale.ROOT);
                boolean coarse = type.contains("fat") || type.contains("msdos") || type.contains("smb") || type.contains("cifs");
                String key = prefix + s.name();
                c.setString("filesystem", key, "timestampResolution", coarse ? "2 seconds" : "1 seconds");
                c.setString("filesystem", key, "minRacyThreshold", "100 milliseconds");
            }
        } catch (RuntimeException e) {
            // unusual file system listing: JGit falls back to measuring
        }
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
