package dev.vault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.Sizes;
import dev.vault.targets.bundle.ExportBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import java.io.IOException;

/**
 * {@code vault export [<snapshot|latest>] --to <file> [--repo|--target ...] [--encrypt]}: one self-contained
 * bundle file (tar + zstd, optionally encrypted) of a snapshot, or of a folder's current files.
 */
@Command(name = "export", description = "Write one self-contained bundle file (tar, zstd, optionally encrypted) to send anywhere.")
public final class ExportCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<snapshot>",
            description = "Snapshot id (or unique prefix) or 'latest' from --repo/--target (default with those: latest).")
    String snapshot;

    @Option(names = "--to", required = true, paramLabel = "<file>", description = "The bundle file to write.")
    Path to;

    @Option(names = "--from", paramLabel = "<dir>", description = "Export this folder's current files instead of a snapshot (default without --repo/--target: the workspace, see -C).")
    Path from;

    @Option(names = "--encrypt", description = "Encrypt the bundle with a password (VAULT_PASSWORD, --password-file, or a prompt).")
    boolean encrypt;

    @Option(names = "--force", description = "Replace the bundle file if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        char[] pw = null;
        if (encrypt) {
            pw = TargetsSupport.password(env(), repoOptions.passwordFile, "Password for the bundle", true);
            if (pw == null) {
                throw new VaultException(ExitCodes.USAGE, "--encrypt needs a password: set VAULT_PASSWORD, pass"
                        + " --password-file, or run on a terminal to be asked");
            }
        }
        boolean fromRepo = snapshot != null || repoOptions.repo != null || repoOptions.target != null
                || (from == null && env().get("VAULT_REPOSITORY") != null && !env().get("VAULT_REPOSITORY").isBlank());
        if (fromRepo) {
            if (from != null) {
                throw new VaultException(ExitCodes.USAGE, "give either a snapshot (with --repo/--target) or --from <dir>, not both");
            }
            return exportSnapshot(snapshot == null ? "latest" : snapshot, pw);
        }
        Path src = (from != null ? startDir().resolve(from) : startDir()).toAbsolutePath().normalize();
        if (!Files.isDirectory(src)) {
            throw new VaultException(ExitCodes.USAGE, src + " is not a folder; give the folder to export with --from");
        }
        ExportBundle.Result r = new ExportBundle().call(ExportBundle.folder(src, to), new ExportBundle.Options(to, pw, force));
        return report(this, r, "folder " + src);
    }

    /**
     * Restores the snapshot into a private temporary folder (with the engine's verified, safe restore),
     * bundles that folder, and deletes it again.
     */
    private int exportSnapshot(String which, char[] pw) throws IOException {
        Path tmp = Files.createTempDirectory("vault-export-");
        try {
            Restore.Result rr;
            try (Repository repo = repoOptions.open(this, true)) {
                Restore.Options o = new Restore.Options();
                o.snapshot = which;
                o.target = tmp;
                rr = Restore.run(repo, o);
            }
            if (!rr.errors.isEmpty()) {
                throw new VaultException(ExitCodes.FAILURE, "snapshot " + rr.snapshot.shortId() + " could not be read"
                        + " completely (" + String.join("; ", rr.errors) + "); no bundle was written. Run 'vault check"
                        + " --read-data' to see what is damaged");
            }
            ExportBundle.Result r = new ExportBundle().call(ExportBundle.folder(tmp, to),
                    new ExportBundle.Options(startDir().resolve(to).normalize(), pw, force));
            return report(this, r, "snapshot " + rr.snapshot.shortId());
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover in the system temp folder; the OS cleans it eventually
                }
            });
        } catch (IOException e) {
            // same
        }
    }

    /** Prints an export's result (shared with the snapshot form); returns 3 if entries were left out. */
    static int report(BaseCommand c, ExportBundle.Result r, String what) {
        if (c.json()) {
            JsonObject o = new JsonObject();
            o.addProperty("bundle", r.bundle().toString());
            o.addProperty("source", what);
            o.addProperty("files", r.files());
            o.addProperty("contentBytes", r.contentBytes());
            o.addProperty("bundleBytes", r.bundleBytes());
            o.addProperty("encrypted", r.encrypted());
            com.google.gson.JsonArray sk = new com.google.gson.JsonArray();
            r.skipped().forEach(sk::add);
            o.add("skipped", sk);
            c.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
        } else {
            c.out().println("Exported " + what + " to " + r.bundle() + ": " + r.files() + " files, "
                    + Sizes.format(r.contentBytes()) + " -> " + Sizes.format(r.bundleBytes())
                    + (r.encrypted() ? ", encrypted" : ", NOT encrypted"));
            for (String s : r.skipped()) {
                c.err().println("vault: warning: left out " + s + " (not a regular file, folder or symlink)");
            }
        }
        return r.skipped().isEmpty() ? ExitCodes.OK : ExitCodes.WARNINGS;
    }
}
