package dev.vault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.config.Sizes;
import dev.vault.targets.bundle.RestoreBundle;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vault restore-bundle <file> --to <dir>}: restores an export bundle. {@code vault restore
 * --bundle} delegates to {@link #restore} so both forms behave the same.
 */
@Command(name = "restore-bundle", description = "Restore an export bundle into a new or empty folder.")
public final class RestoreBundleCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<bundle>", description = "The bundle file written by 'vault export'.")
    Path bundle;

    @Option(names = "--to", required = true, paramLabel = "<dir>", description = "Folder to restore into (new or empty).")
    Path to;

    @Option(names = "--password-file", paramLabel = "<file>", description = "Read the bundle password from the first line of this file (default: $VAULT_PASSWORD, else ask).")
    Path passwordFile;

    @Override
    public Integer call() {
        return restore(this, bundle, to, passwordFile);
    }

    /** Restores {@code bundle} into {@code to} and prints the outcome; 3 when entries were skipped. */
    static int restore(BaseCommand c, Path bundle, Path to, Path passwordFile) {
        RestoreBundle.Result r = new RestoreBundle().call(new RestoreBundle.Options(bundle, to,
                () -> TargetsSupport.password(c.env(), passwordFile, "Password of " + bundle.getFileName(), false)));
        if (c.json()) {
            JsonObject o = new JsonObject();
            o.addProperty("bundle", bundle.toString());
            o.addProperty("to", to.toAbsolutePath().normalize().toString());
            o.addProperty("files", r.files());
            o.addProperty("directories", r.directories());
            o.addProperty("symlinks", r.symlinks());
            o.addProperty("bytes", r.bytes());
            JsonArray w = new JsonArray();
            r.warnings().forEach(w::add);
            o.add("warnings", w);
            c.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
        } else {
            c.out().println("Restored " + r.files() + " files (" + Sizes.format(r.bytes()) + "), " + r.directories()
                    + " folders, " + r.symlinks() + " symlinks from " + bundle + " to " + to.toAbsolutePath().normalize());
            for (String w : r.warnings()) {
                c.err().println("vault: warning: skipped " + w);
            }
        }
        return r.exitCode() == ExitCodes.OK ? ExitCodes.OK : ExitCodes.WARNINGS;
    }
}
