package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.VaultHome;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.storage.CachingStorage;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.engine.repo.storage.ReadOnlyStorage;
import dev.vault.engine.repo.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command picks and opens a backup repository: {@code --repo <path>} (or VAULT_REPOSITORY),
 * and the password from VAULT_PASSWORD, {@code --password-file} or a prompt. The one place that turns
 * these options into an open {@link Repository} (a later {@code --target <name>} belongs here too).
 */
public final class RepoOptions {
    @Option(names = "--repo", paramLabel = "<path>",
            description = "Backup repository folder (default: $VAULT_REPOSITORY).")
    Path repo;

    @Option(names = "--target", paramLabel = "<name>",
            description = "Use the repository of this registered target, wherever its drive is mounted now (see 'vault target list').")
    String target;

    @Option(names = "--password-file", paramLabel = "<file>",
            description = "Read the repository password from the first line of this file (default: $VAULT_PASSWORD, else ask).")
    Path passwordFile;

    /** The repository location the user chose, or a usage error saying how to choose one. */
    public Path location(Map<String, String> env) {
        if (target != null) {
            if (repo != null) {
                throw new VaultException(ExitCodes.USAGE, "give either --repo or --target, not both.");
            }
            return TargetsSupport.repositoryOf(env, target);
        }
        if (repo != null) {
            return repo.toAbsolutePath().normalize();
        }
        String e = env.get("VAULT_REPOSITORY");
        if (e != null && !e.isBlank()) {
            return Path.of(e).toAbsolutePath().normalize();
        }
        throw new VaultException(ExitCodes.USAGE, "no backup repository given: pass --repo <path> or set VAULT_REPOSITORY.");
    }

    /** The password, asked for only when the repository turns out to be encrypted. */
    public char[] password(Map<String, String> env, String prompt) {
        return Passwords.read(env, passwordFile, "VAULT_PASSWORD", prompt, false);
    }

    /** Opens the repository with this computer's cache in front of it; read-only opens refuse every write or delete. */
    public Repository open(BaseCommand cmd, boolean readOnly) throws IOException {
        return open(cmd, readOnly, true);
    }

    /**
     * Opens the repository; read-only opens refuse every write or delete. Without {@code cached}, every
     * file is read from the repository itself (what check needs). Warnings from opening (a damaged key
     * file skipped, ...) go to the command's error output.
     */
    public Repository open(BaseCommand cmd, boolean readOnly, boolean cached) throws IOException {
        Map<String, String> env = cmd.env();
        Path loc = location(env);
        Storage s = new LocalStorage(loc);
        if (target != null) {
            // writes stop as soon as the target's marker is gone (drive pulled): see MarkedStorage
            s = new dev.vault.targets.run.MarkedStorage(s, loc, TargetsSupport.registry(env).get(target));
        }
        String id = cached ? Repository.peekId(s) : null;
        if (id != null) {
            s = new CachingStorage(s, cacheDir(env, id));
        }
        if (readOnly) {
            s = new ReadOnlyStorage(s);
        }
        Repository repo = Repository.open(s, () -> password(env, "Password for repository " + loc + ": "));
        for (String w : repo.openWarnings()) {
            cmd.err().println("warning: " + w);
        }
        return repo;
    }

    /** This computer's cache folder for the repository with {@code id}, or null for an id that cannot name a folder. */
    public Path cacheDir(Map<String, String> env, String id) {
        return id != null && id.matches("[0-9a-f]{16,64}") ? VaultHome.cache(env).resolve("repos").resolve(id) : null;
    }
}
