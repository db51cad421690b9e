package dev.vault.targets;

import dev.vault.targets.volume.Volume;
import dev.vault.targets.volume.VolumeSource;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where a target's repository is now: at its registered folder, or at the same folder inside
 * any mounted volume (another drive letter, another mount point), recognised only by its marker.
 */
public final class TargetLocator {
    private final VolumeSource volumes;

    public TargetLocator(VolumeSource volumes) {
        this.volumes = volumes;
    }

    /** Locates every target against one fresh list of volumes. */
    public List<TargetLocation> locateAll(List<Target> targets) {
        List<Volume> now = volumes.volumes();
        List<TargetLocation> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(locate(t, now));
        }
        return out;
    }

    public TargetLocation locate(Target t) {
        return locate(t, volumes.volumes());
    }

    /** Where {@code t} is among {@code mounted}; never "connected" unless the marker names {@code t}'s id. */
    public static TargetLocation locate(Target t, List<Volume> mounted) {
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(t.path().toAbsolutePath().normalize());
        // A cloud folder does not move between volumes; a USB drive is never a network share (and an
        // unreachable share can block a file lookup for a long time), so those are not searched.
        if (t.volumePath() != null && t.kind() != TargetKind.CLOUD) {
            for (Volume v : mounted) {
                if (t.kind() == TargetKind.USB && v.network()) {
                    continue;
                }
                try {
                    candidates.add(v.mount().resolve(t.volumePath()).toAbsolutePath().normalize());
                } catch (InvalidPathException e) {
                    // this volume's filesystem cannot hold that name; it is not there
                }
            }
        }
        String foreign = null;
        for (Path c : candidates) {
            Optional<TargetMarker.Contents> m = TargetMarker.read(c);
            if (m.isPresent() && m.get().id().equals(t.id())) {
                return new TargetLocation(t, c, VolumeSource.volumeOf(mounted, c).orElse(null), "");
            }
            if (m.isPresent() && foreign == null) {
                foreign = c + " holds the marker of another target"
                        + (m.get().name().isEmpty() ? "" : " ('" + m.get().name() + "')");
            }
        }
        String reason;
        if (foreign != null) {
            reason = foreign;
        } else if (Files.isDirectory(t.path())) {
            reason = t.path() + " has no " + TargetMarker.FILE_NAME + " marker; is the right drive mounted?";
        } else {
            reason = t.kind() == TargetKind.CLOUD ? t.path() + " does not exist; is the sync client's folder there?"
                    : "not connected; plug in the drive or mount the share";
        }
        return new TargetLocation(t, null, null, reason);
    }
}
