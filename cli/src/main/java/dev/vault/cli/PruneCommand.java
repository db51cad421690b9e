package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Prune;
import dev.vault.engine.repo.Repository;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vault prune [--dry-run]}. */
@Command(mixinStandardHelpOptions = true, name = "prune", description = "Remove data that no snapshot needs (crash-safe; waits for no one: refuses while a backup runs).")
public final class PruneCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Option(names = "--dry-run", description = "Only show what would be removed.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Repository repo = repoOptions.open(this, false);
        Prune.Result r = Prune.run(repo, dryRun);
        if (json()) {
            out().println(Json.GSON.toJson(r));
        } else {
            if (dryRun) {
                out().println("Would delete " + r.packsDeleted + " pack(s), freeing at least " + Human.bytes(r.bytesFreed) + ".");
            } else {
                print(out(), r);
            }
        }
        return ExitCodes.OK;
    }

    static void print(PrintWriter out, Prune.Result r) {
        out.println("Pruned: deleted " + r.packsDeleted + " pack(s) (" + r.packsRepacked + " repacked into " + r.packsWritten
                + " new), freed " + Human.bytes(r.bytesFreed) + ", removed " + r.blobsRemoved + " unused blob(s).");
    }
}
