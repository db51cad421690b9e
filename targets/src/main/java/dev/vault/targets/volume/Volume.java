package dev.vault.targets.volume;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One mounted volume as the operating system reports it now.
 *
 * @param mount where it is mounted ({@code E:\}, {@code /media/anna/USB})
 * @param label the volume label, or "" if it has none
 * @param type the filesystem type ({@code ext4}, {@code vfat}, {@code NTFS}, {@code cifs})
 * @param totalBytes capacity
 * @param freeBytes space usable by this user
 * @param removable whether the OS reports it as removable (USB stick, SD card)
 * @param network whether it is a network share
 */
public record Volume(Path mount, String label, String type, long totalBytes, long freeBytes, boolean removable,
        boolean network) {
    public Volume {
        Objects.requireNonNull(mount, "mount");
        label = label == null ? "" : label;
        type = type == null ? "" : type;
    }

    /** Whether {@code path} lies on this volume (lexically, after normalising both). */
    public boolean contains(Path path) {
        return path.toAbsolutePath().normalize().startsWith(mount.toAbsolutePath().normalize());
    }
}
