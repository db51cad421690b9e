package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Backup;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.crypto.MasterKey;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.storage.LocalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault backup [--repo <path>] [<source>...] [--tag t] [--exclude pattern]...}. */
@Command(mixinStandardHelpOptions = true, name = "backup", description = "Take a snapshot of the workspace (or the given folders/files) into a backup repository.")
public final class BackupCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Parameters(paramLabel = "<source>", arity = "0..*",
            description = "Folders or files to back up (default: the current workspace).")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "<tag>", description = "Label the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "<pattern>",
            description = "Skip files and folders matching this glob, by name or by path inside the source (repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--no-parent", description = "Read every file, even ones unchanged since the last snapshot.")
    boolean noParent;

    @Option(names = "--all", description = "Back up to every connected target (each its own source), due or not.")
    boolean allTargets;

    @Override
    public Integer call() throws Exception {
        if (repoOptions.target != null || allTargets) {
            // targets: marker check, retention, run record and "safe to unplug", as run-due does
            if (!sources.isEmpty() || repoOptions.repo != null || (allTargets && repoOptions.target != null)) {
                throw new dev.vault.engine.VaultException(ExitCodes.USAGE, "--target and --all back up each target's own"
                        + " source; drop the source folders and --repo (or use one of --target, --all).");
            }
            java.util.Set<String> only = allTargets ? java.util.Set.of() : java.util.Set.of(repoOptions.target);
            return RunDueCommand.print(this, RunDueCommand.pass(env(), repoOptions.passwordFile,
                    new dev.vault.targets.schedule.Scheduler.Options(only, true, false)));
        }
        Backup.Options o = new Backup.Options();
        if (sources.isEmpty()) {
            o.sources.add(workspaceRoot(startDir()));
        } else {
            for (Path s : sources) {
                o.sources.add(startDir().resolve(s).normalize());
            }
        }
        o.tags.addAll(tags);
        o.excludes.addAll(excludes);
        o.useParent = !noParent;
        o.skip.add(repoOptions.location(env()));
        Backup.Result r;
        // the sources are listed while the repository opens (the password's key derivation takes ~0.4 s)
        try (Backup.Prepared backup = Backup.prepare(o)) {
            if (Repository.peekEncryptedAndEmpty(new LocalStorage(repoOptions.location(env())))) {
                // a first backup seals every byte: get the crypto paths compiled while scrypt runs
                MasterKey.warmUpInBackground(true);
            }
            Repository repo = repoOptions.open(this, false);
            if (Progress.wanted(json())) {
                Backup.Progress p = new Backup.Progress();
                o.progress = p;
                try (Progress pr = Progress.start("backup", json(), out(), err(), () -> new Progress.Figures(p.filesDone.get(),
                        p.filesTotal.get(), p.bytesDone.get(), p.bytesTotal.get(), p.scanDone, p.current))) {
                    r = backup.run(repo);
                }
            } else {
                r = backup.run(repo);
            }
        }
        Snapshot s = r.snapshot;
        Snapshot.Summary sum = s.summary;
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "summary");
            m.put("snapshot", s.id);
            m.put("filesNew", sum.filesNew);
            m.put("filesChanged", sum.filesChanged);
            m.put("filesUnchanged", sum.filesUnchanged);
            m.put("dirs", sum.dirs);
            m.put("bytesRead", sum.bytesRead);
            m.put("bytesAdded", sum.bytesAdded);
            m.put("totalFiles", sum.totalFiles);
            m.put("totalBytes", sum.totalBytes);
            m.put("seconds", sum.seconds);
            m.put("unreadable", r.unreadable);
            m.put("packsReused", r.packsAdopted);
            out().println(Json.GSON.toJson(m));
        } else {
            out().printf("Snapshot %s saved: %d new, %d changed, %d unchanged files; read %s, added %s to the repository in %s%n",
                    s.shortId(), sum.filesNew, sum.filesChanged, sum.filesUnchanged, Human.bytes(sum.bytesRead),
                    Human.bytes(sum.bytesAdded), Human.seconds(sum.seconds));
            if (r.packsAdopted > 0) {
                out().printf("Reused %d pack(s) (%s) that an interrupted backup had stored.%n", r.packsAdopted, Human.bytes(r.bytesAdopted));
            }
        }
        for (String u : r.unreadable) {
            err().println("vault: warning: could not read " + u + " (not in the snapshot)");
        }
        if (r.hasWarnings()) {
            err().println("vault: " + r.unreadable.size() + " source file(s) could not be read; the snapshot holds everything else.");
            return ExitCodes.WARNINGS;
        }
        return ExitCodes.OK;
    }

    /** The folder holding .git above (or at) {@code dir}; {@code dir} itself when there is none. */
    static Path workspaceRoot(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return dir;
    }
}
