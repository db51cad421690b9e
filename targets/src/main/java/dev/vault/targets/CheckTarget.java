package dev.vault.targets;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.targets.schedule.Scheduler;
import dev.vault.targets.volume.VolumeSource;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a target can take a backup now: connected (marker with its id found), folder writable,
 * free space reported. The repository's own structure check is added by the caller that has a
 * repository (see {@code RepositoryCheck}).
 */
public final class CheckTarget {
    /** Checks a repository folder's structure; supplied where the backup repository is wired in. */
    @FunctionalInterface
    public interface RepositoryCheck {
        /** Returns one line describing what was checked; throws VaultException if the repository is damaged. */
        String check(TargetLocation location);
    }

    /** The lines of a passed check. */
    public record Result(TargetLocation location, List<String> lines) {
    }

    private final VolumeSource volumes;

    public CheckTarget(VolumeSource volumes) {
        this.volumes = volumes;
    }

    /** Fails with exit 10 when the target is not connected and 1 when it is not writable. */
    public Result call(Target target, RepositoryCheck repository) {
        TargetLocation loc = new TargetLocator(volumes).locate(target);
        if (!loc.connected()) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, loc.describe());
        }
        List<String> lines = new ArrayList<>();
        lines.add("marker " + TargetMarker.FILE_NAME + " names target '" + target.name() + "' (id " + target.id() + ")");
        lines.add("found at " + loc.repository() + (loc.volume() == null ? ""
                : " on volume " + loc.volume().mount() + (loc.volume().label().isEmpty() ? "" : " (" + loc.volume().label() + ")")));
        if (!Scheduler.writable(loc.repository())) {
            throw new VaultException(ExitCodes.FAILURE, "target '" + target.name() + "': " + loc.repository()
                    + " is not writable (read-only drive or no permission); make it writable, then check again");
        }
        lines.add("writable");
        try {
            FileStore fs = Files.getFileStore(loc.repository());
            lines.add("free space " + dev.vault.engine.config.Sizes.format(fs.getUsableSpace()) + " of "
                    + dev.vault.engine.config.Sizes.format(fs.getTotalSpace()));
        } catch (IOException e) {
            lines.add("free space unknown (" + e.getMessage() + ")");
        }
        if (repository != null) {
            lines.add(repository.check(loc));
        }
        return new Result(loc, lines);
    }
}
