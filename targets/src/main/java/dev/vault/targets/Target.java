package dev.vault.targets;

import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.SchedulePolicy;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A registered backup target, as written in this computer's {@code targets} file.
 *
 * @param name what the user calls it ({@code usb}, {@code nas-office})
 * @param id the id stored in the marker on the volume; how the target is recognised wherever it is mounted
 * @param kind usb, nas or cloud
 * @param path the repository folder where it was last seen (or registered)
 * @param volumePath the repository folder relative to its volume's mount point ("" for the volume root),
 *     or null when the volume was unknown; lets vault find the folder when the drive is mounted elsewhere
 * @param schedule when it is backed up
 * @param keep which snapshots survive after each successful run
 * @param encrypt whether its repository is encrypted (always true for cloud)
 * @param added when it was registered
 * @param source the folder backed up to this target (the workspace), or null if not set
 */
public record Target(String name, String id, TargetKind kind, Path path, String volumePath, SchedulePolicy schedule,
        Retention keep, boolean encrypt, Instant added, Path source) {
}
