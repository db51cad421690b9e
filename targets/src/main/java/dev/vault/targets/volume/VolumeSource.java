package dev.vault.targets.volume;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The volumes mounted right now; OSHI in production ({@link OshiVolumeSource}), scripted in tests. */
public interface VolumeSource {
    /** A fresh list of the mounted volumes; never cached. */
    List<Volume> volumes();

    /** The volume holding {@code path}: the one with the longest mount point that contains it. */
    default Optional<Volume> volumeOf(Path path) {
        return volumeOf(volumes(), path);
    }

    /** The volume in {@code volumes} holding {@code path}: the longest mount point that contains it. */
    static Optional<Volume> volumeOf(List<Volume> volumes, Path path) {
        return volumes.stream()
                .filter(v -> v.contains(path))
                .max(Comparator.comparingInt(v -> v.mount().toAbsolutePath().normalize().getNameCount()
                        + (v.mount().toAbsolutePath().getRoot() == null ? 0 : 1)));
    }
}
