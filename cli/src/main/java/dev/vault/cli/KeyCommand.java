package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.Keys;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.crypto.KeyFile;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault key add|list|remove|passwd}: the passwords that open a repository. */
@Command(mixinStandardHelpOptions = true, name = "key", description = "Manage the passwords of an encrypted repository.",
        subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Remove.class, KeyCommand.Passwd.class})
public final class KeyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: add, list, remove or passwd.");
    }

    static char[] newPassword(BaseCommand c, Path file) {
        char[] pw = Passwords.read(c.env(), file, "VAULT_NEW_PASSWORD", "New password: ", true);
        if (pw == null || pw.length == 0) {
            throw new VaultException(ExitCodes.USAGE, "no new password given: set VAULT_NEW_PASSWORD, pass --new-password-file, or run on a terminal.");
        }
        return pw;
    }

    /** vault key add. */
    @Command(mixinStandardHelpOptions = true, name = "add", description = "Add another password that opens this repository.")
    public static final class Add extends BaseCommand {
        @Mixin
        RepoOptions repoOptions;

        @Option(names = "--new-password-file", paramLabel = "<file>", description = "Read the new password from this file (default: $VAULT_NEW_PASSWORD, else ask).")
        Path newPasswordFile;

        @Override
        public Integer call() throws Exception {
            Repository repo = repoOptions.open(this, false);
            String id = Keys.add(repo, newPassword(this, newPasswordFile), KeyFile.DEFAULT_KDF);
            out().println(json() ? Json.GSON.toJson(java.util.Map.of("added", id)) : "Added key " + id.substring(0, 8) + ".");
            return ExitCodes.OK;
        }
    }

    /** vault key list. */
    @Command(mixinStandardHelpOptions = true, name = "list", description = "List the key files (one per password).")
    public static final class ListKeys extends BaseCommand {
        @Mixin
        RepoOptions repoOptions;

        @Override
        public Integer call() throws Exception {
            Repository repo = repoOptions.open(this, true);
            List<Keys.KeyInfo> keys = Keys.list(repo);
            if (json()) {
                out().println(Json.GSON.toJson(keys));
            } else {
                for (Keys.KeyInfo k : keys) {
                    out().printf("%s %-8s  %-16s  %-12s  %s%n", k.current() ? "*" : " ", k.id().substring(0, 8), k.host(), k.user(), k.created());
                }
                out().println(keys.size() + " key(s); * marks the one you opened the repository with.");
            }
            return ExitCodes.OK;
        }
    }

    /** vault key remove. */
    @Command(mixinStandardHelpOptions = true, name = "remove", description = "Remove a key file (not the one in use).")
    public static final class Remove extends BaseCommand {
        @Mixin
        RepoOptions repoOptions;

        @Parameters(index = "0", paramLabel = "<id>", description = "Key id or unique prefix (see 'vault key list').")
        String id;

        @Override
        public Integer call() throws Exception {
            Repository repo = repoOptions.open(this, false);
            String removed = Keys.remove(repo, id);
            out().println(json() ? Json.GSON.toJson(java.util.Map.of("removed", removed)) : "Removed key " + removed.substring(0, 8) + ".");
            return ExitCodes.OK;
        }
    }

    /** vault key passwd. */
    @Command(mixinStandardHelpOptions = true, name = "passwd", description = "Change the password you opened the repository with (no data is rewritten).")
    public static final class Passwd extends BaseCommand {
        @Mixin
        RepoOptions repoOptions;

        @Option(names = "--new-password-file", paramLabel = "<file>", description = "Read the new password from this file (default: $VAULT_NEW_PASSWORD, else ask).")
        Path newPasswordFile;

        @Override
        public Integer call() throws Exception {
            Repository repo = repoOptions.open(this, false);
            String id = Keys.changePassword(repo, newPassword(this, newPasswordFile), KeyFile.DEFAULT_KDF);
            out().println(json() ? Json.GSON.toJson(java.util.Map.of("key", id)) : "Password changed (new key " + id.substring(0, 8) + ").");
            return ExitCodes.OK;
        }
    }
}
