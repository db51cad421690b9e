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
import picocli.CommandLine.Option;

/** {@code vault export}: one self-contained bundle file (tar + zstd, optionally encrypted). */
@Command(name = "export", description = "Write one self-contained bundle file (tar, zstd, optionally encrypted) to send anywhere.")
public final class ExportCommand extends BaseCommand {
    @Option(names = "--to", required = true, paramLabel = "<file>", description = "The bundle file to write.")
    Path to;

    @Option(names = "--from", paramLabel = "<dir>", description = "Export this folder's current files (default: the workspace, see -C).")
    Path from;

    @Option(names = "--encrypt", description = "Encrypt the bundle with a password (VAULT_PASSWORD, --password-file, or a prompt).")
    boolean encrypt;

    @Option(names = "--password-file", paramLabel = "<file>", description = "Read the bundle password from this file.")
    Path passwordFile;

    @Option(names = "--force", description = "Replace the bundle file if it exists.")
    boolean force;

    @Override
    public Integer call() {
        char[] pw = null;
        if (encrypt) {
            pw = TargetsSupport.password(env(), passwordFile, "Password for the bundle", true);
            if (pw == null) {
                throw new VaultException(ExitCodes.USAGE, "--encrypt needs a password: set VAULT_PASSWORD, pass"
                        + " --password-file, or run on a terminal to be asked");
            }
        }
        Path src = (from != null ? from : startDir()).toAbsolutePath().normalize();
        if (!Files.isDirectory(src)) {
            throw new VaultException(ExitCodes.USAGE, src + " is not a folder; give the folder to export with --from");
        }
        ExportBundle.Result r = new ExportBundle().call(ExportBundle.folder(src, to), new ExportBundle.Options(to, pw, force));
        return report(this, r, "folder " + src);
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
