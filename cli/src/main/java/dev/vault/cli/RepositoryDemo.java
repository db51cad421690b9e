package dev.vault.cli;

import dev.vault.engine.config.Sizes;
import dev.vault.engine.repo.BackupDemo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The backup-repository part of {@code vault demo}: back up, change a file, back up again, restore, compare. */
final class RepositoryDemo implements DemoCommand.DemoStep {
    @Override
    public String title() {
        return "Back up the laptop, change a file, back up again, restore and compare";
    }

    @Override
    public void run(DemoCommand.DemoContext ctx, PrintWriter out) throws IOException {
        Path laptop = ctx.computer("laptop").root();
        Path repo = ctx.root.resolve("backups");
        Path restored = ctx.root.resolve("restored-snapshot");
        BackupDemo.Outcome o = BackupDemo.run(laptop, repo, restored, "demo-password".toCharArray(), () -> {
            try {
                Files.writeString(laptop.resolve("plans/trip.md"), "Book the ferry.\n", StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        out.println("  vault repo init backups             -> encrypted repository (files and Git history are backed up)");
        out.println("  vault backup                       -> snapshot " + o.first().snapshot() + ": " + o.first().filesNew()
                + " files, " + Sizes.format(o.first().bytesRead()) + " read, " + Sizes.format(o.first().bytesAdded()) + " stored");
        out.println("  laptop: appended a line to plans/trip.md");
        out.println("  vault backup                       -> snapshot " + o.second().snapshot() + ": " + o.second().filesChanged()
                + " changed, " + o.second().filesNew() + " new, " + o.second().filesUnchanged() + " unchanged (not re-read); "
                + Sizes.format(o.second().bytesAdded()) + " stored");
        out.println("  vault restore " + o.second().snapshot() + " --to restored-snapshot -> " + o.restoredFiles() + " files, "
                + (o.identical() ? "byte-identical to the laptop" : "DIFFERENT: " + o.difference()));
        if (!o.identical()) {
            throw new dev.vault.engine.VaultException("the demo's restore differs from the workspace: " + o.difference());
        }
        ctx.places.put("backups", repo.toString());
        ctx.places.put("restored", restored.toString());
    }
}
