package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.storage.LocalStorage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault repo ...}: managing backup repositories. */
@Command(mixinStandardHelpOptions = true, name = "repo", description = "Create backup repositories.", subcommands = {RepoCommand.Init.class})
public final class RepoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'vault repo init <path>'.");
    }

    /** {@code vault repo init <path> [--no-encrypt]}. */
    @Command(mixinStandardHelpOptions = true, name = "init", description = "Create a backup repository in a folder (encrypted unless --no-encrypt).")
    public static final class Init extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<path>", description = "Folder for the repository (created if missing; must be empty).")
        Path path;

        @Option(names = "--no-encrypt", description = "Store data unencrypted (still compressed and checked).")
        boolean noEncrypt;

        @Option(names = "--password-file", paramLabel = "<file>", description = "Read the new password from this file.")
        Path passwordFile;

        @Option(names = "--pack-size", paramLabel = "<MiB>", description = "Target size of pack files in MiB (1 to 1024; default 16).")
        Integer packSizeMiB;

        @Override
        public Integer call() throws Exception {
            Path loc = path.toAbsolutePath().normalize();
            Repository.InitOptions o = new Repository.InitOptions();
            o.encrypt = !noEncrypt;
            if (packSizeMiB != null) {
                if (packSizeMiB < 1 || packSizeMiB > 1024) {
                    throw new VaultException(ExitCodes.USAGE, "--pack-size takes 1 to 1024 (MiB), not " + packSizeMiB + ".");
                }
                o.packSize = packSizeMiB * 1024L * 1024;
            }
            if (o.encrypt) {
                o.password = Passwords.read(env(), passwordFile, "VAULT_PASSWORD", "New password for " + loc + ": ", true);
                if (o.password == null) {
                    throw new VaultException(ExitCodes.USAGE, "an encrypted repository needs a password: set VAULT_PASSWORD, "
                            + "pass --password-file, run on a terminal, or use --no-encrypt.");
                }
            }
            Repository repo = Repository.init(new LocalStorage(loc), o);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("repository", loc.toString());
                m.put("id", repo.config().id);
                m.put("encrypted", o.encrypt);
                out().println(Json.GSON.toJson(m));
            } else {
                out().println("Created " + (o.encrypt ? "encrypted" : "unencrypted") + " repository " + loc);
                if (o.encrypt) {
                    out().println("Keep the password safe: without it the data cannot be read.");
                }
            }
            return ExitCodes.OK;
        }
    }
}
