package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault restore <snapshot|latest> --to <dir> [--path <sub>]...}, or {@code vault restore --bundle <file> --to <dir>}. */
@Command(mixinStandardHelpOptions = true, name = "restore", description = "Restore a snapshot (or parts of it) into a folder; every chunk is verified.")
public final class RestoreCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<snapshot>", description = "Snapshot id (or a unique prefix), or 'latest'.")
    String snapshot;

    @Option(names = "--bundle", paramLabel = "<file>", description = "Restore an export bundle (from 'vault export') instead of a snapshot.")
    Path bundle;

    @Option(names = "--to", required = true, paramLabel = "<dir>", description = "Destination folder (created if missing).")
    Path to;

    @Option(names = "--path", paramLabel = "<sub>", description = "Restore only this path inside the snapshot (repeatable).")
    List<String> paths = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (bundle != null) {
            if (snapshot != null || repoOptions.repo != null || repoOptions.target != null || !paths.isEmpty()) {
                throw new dev.vault.engine.VaultException(ExitCodes.USAGE, "--bundle restores a whole bundle file;"
                        + " drop the snapshot, --repo, --target and --path.");
            }
            return RestoreBundleCommand.restore(this, startDir().resolve(bundle).normalize(), startDir().resolve(to).normalize(),
                    repoOptions.passwordFile);
        }
        if (snapshot == null) {
            throw new dev.vault.engine.VaultException(ExitCodes.USAGE, "name the snapshot to restore (an id or 'latest'),"
                    + " or give --bundle <file>.");
        }
        // every restored byte is decrypted and hashed: let the JIT compile those paths while scrypt runs
        dev.vault.engine.repo.crypto.MasterKey.warmUpInBackground(false);
        Repository repo = repoOptions.open(this, true);
        Restore.Options o = new Restore.Options();
        o.snapshot = snapshot;
        o.target = startDir().resolve(to).normalize();
        o.paths.addAll(paths);
        long t0 = System.nanoTime();
        Restore.Result r;
        if (Progress.wanted(json())) {
            Restore.Progress p = new Restore.Progress();
            o.progress = p;
            try (Progress pr = Progress.start("restore", json(), out(), err(),
                    () -> new Progress.Figures(p.files.get(), 0, p.bytes.get(), 0, false, ""))) {
                r = Restore.run(repo, o);
            }
        } else {
            r = Restore.run(repo, o);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "summary");
            m.put("snapshot", r.snapshot.id);
            m.put("files", r.files);
            m.put("dirs", r.dirs);
            m.put("symlinks", r.symlinks);
            m.put("bytes", r.bytes);
            m.put("seconds", secs);
            m.put("errors", r.errors);
            out().println(Json.GSON.toJson(m));
        } else {
            out().printf("Restored snapshot %s to %s: %d files, %d folders, %d symlinks, %s in %s%n", r.snapshot.shortId(),
                    o.target, r.files, r.dirs, r.symlinks, Human.bytes(r.bytes), Human.seconds(secs));
        }
        for (String e : r.errors) {
            err().println("vault: not restored: " + e);
        }
        if (!r.errors.isEmpty()) {
            err().println("vault: " + r.errors.size() + " item(s) could not be restored (listed above); everything else was. "
                    + "Run 'vault check --read-data' to see what is damaged.");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
