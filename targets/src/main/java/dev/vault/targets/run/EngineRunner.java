package dev.vault.targets.run;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.Sizes;
import dev.vault.engine.repo.Backup;
import dev.vault.engine.repo.Check;
import dev.vault.engine.repo.Forget;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.storage.Handle;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.engine.repo.storage.Storage;
import dev.vault.targets.Target;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.TargetRunner;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Supplier;

/**
 * Backs up a target's source folder into the backup repository at the target (creating the repository
 * on first use, encrypted unless the target says otherwise) and applies the target's retention with
 * the engine's forget. Writes go through {@link MarkedStorage}, so a pulled drive stops the run.
 */
public final class EngineRunner implements TargetRunner {
    private final Supplier<char[]> password;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param password asked for when a repository is encrypted (may return null: then the run fails
     *     with a usage error naming the target)
     */
    public EngineRunner(Supplier<char[]> password, Clock clock) {
        this.password = password;
        this.clock = clock;
        this.zone = clock.getZone();
    }

    /** Opens (or, the first time, creates) the repository at a connected target. */
    public Repository openOrInit(TargetLocation d) throws IOException {
        Target t = d.target();
        Storage storage = new MarkedStorage(new LocalStorage(d.repository()), d.repository(), t);
        if (!storage.exists(Handle.config())) {
            Repository.InitOptions io = new Repository.InitOptions();
            io.encrypt = t.encrypt();
            if (t.encrypt()) {
                io.password = password.get();
                if (io.password == null || io.password.length == 0) {
                    throw new VaultException(ExitCodes.USAGE, "target '" + t.name() + "' is encrypted and has no"
                            + " repository yet: set VAULT_PASSWORD or pass --password-file to create it");
                }
            }
            return Repository.init(storage, io);
        }
        return Repository.open(storage, password);
    }

    @Override
    public Outcome backup(TargetLocation d) throws Exception {
        Target t = d.target();
        if (t.source() == null) {
            throw new VaultException(ExitCodes.USAGE, "target '" + t.name() + "' has no source folder; add"
                    + " 'source = <folder>' to its section or add it again with --source");
        }
        try (Repository repo = openOrInit(d)) {
            Backup.Options o = new Backup.Options();
            o.sources = List.of(t.source());
            o.clock = clock;
            o.skip = List.of(d.repository());
            Backup.Result r = Backup.run(repo, o);
            var s = r.snapshot.summary;
            String summary = s == null ? "" : s.totalFiles + " files, " + Sizes.format(s.bytesAdded) + " new";
            if (r.hasWarnings()) {
                summary += "; " + r.unreadable.size() + " unreadable: " + String.join(", ", r.unreadable);
            }
            return new Outcome(r.snapshot.shortId(), size(d.repository()), summary);
        }
    }

    @Override
    public String forget(TargetLocation d, Retention keep) throws Exception {
        try (Repository repo = openOrInit(d)) {
            Forget.Policy p = policy(keep, zone);
            Forget.Result r = Forget.run(repo, p, false);
            return "kept " + r.keep.size() + ", removed " + r.remove.size() + " snapshot(s)";
        }
    }

    /** Checks the repository structure at a connected target (for {@code vault target check}). */
    public String check(TargetLocation d) {
        try (Repository repo = openOrInit(d)) {
            Check.Result r = Check.run(repo, new Check.Options());
            if (!r.ok()) {
                throw new VaultException(ExitCodes.FAILURE, "target '" + d.target().name() + "': the repository at "
                        + d.repository() + " is damaged: " + String.join("; ", r.errors));
            }
            return "repository sound: " + r.snapshots + " snapshot(s)" + (r.warnings.isEmpty() ? ""
                    : " (" + String.join("; ", r.warnings) + ")");
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "target '" + d.target().name() + "': cannot check the repository at "
                    + d.repository() + ": " + e.getMessage(), e);
        }
    }

    /** The engine's forget policy for a target's retention. */
    public static Forget.Policy policy(Retention keep, ZoneId zone) {
        Forget.Policy p = new Forget.Policy();
        p.keepLast = keep.last();
        p.keepHourly = keep.hourly();
        p.keepDaily = keep.daily();
        p.keepWeekly = keep.weekly();
        p.keepMonthly = keep.monthly();
        p.keepYearly = keep.yearly();
        p.zone = zone;
        return p;
    }

    /** Total size of the files under {@code dir}. */
    static long size(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total[0];
    }
}
