package dev.vault.targets;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.SchedulePolicy;
import dev.vault.targets.volume.Volume;
import dev.vault.targets.volume.VolumeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Registers a target: checks the options, writes (or adopts) the marker at the repository folder and
 * records the target in this computer's registry. Adopting an existing marker lets a second computer,
 * or the same one after {@code target remove}, register a drive that already holds a repository.
 */
public final class AddTarget {
    /** What the user asked for; null fields take the kind's defaults. */
    public record Options(String name, TargetKind kind, Path path, String schedule, Duration minAge, String keep,
            boolean noEncrypt, Path source) {
        /** Options without a source folder (set it later in the file). */
        public Options(String name, TargetKind kind, Path path, String schedule, Duration minAge, String keep,
                boolean noEncrypt) {
            this(name, kind, path, schedule, minAge, keep, noEncrypt, null);
        }
    }

    /** What was registered, and whether an existing marker was adopted. */
    public record Result(Target target, boolean adopted, Volume volume) {
    }

    private final TargetRegistry registry;
    private final VolumeSource volumes;
    private final Clock clock;

    public AddTarget(TargetRegistry registry, VolumeSource volumes, Clock clock) {
        this.registry = registry;
        this.volumes = volumes;
        this.clock = clock;
    }

    public Result call(Options o) {
        TargetRegistry.checkName(o.name());
        if (registry.find(o.name()).isPresent()) {
            throw new VaultException(ExitCodes.USAGE, "a target called '" + o.name() + "' already exists; choose another"
                    + " name or remove it first with 'vault target remove " + o.name() + "'");
        }
        if (o.kind() == TargetKind.CLOUD && o.noEncrypt()) {
            throw new VaultException(ExitCodes.USAGE, "cloud target '" + o.name() + "' cannot be unencrypted: its files"
                    + " are uploaded to someone else's servers; drop --no-encrypt");
        }
        Duration minAge = o.minAge() == null ? SchedulePolicy.DEFAULT_MIN_AGE : o.minAge();
        SchedulePolicy schedule;
        Retention keep;
        try {
            schedule = o.schedule() == null ? SchedulePolicy.defaultFor(o.kind()) : SchedulePolicy.parse(o.schedule(), minAge);
            if (schedule instanceof SchedulePolicy.OnPlug) {
                schedule = new SchedulePolicy.OnPlug(minAge);
            }
            keep = o.keep() == null ? Retention.DEFAULT : Retention.parse(o.keep());
        } catch (IllegalArgumentException e) {
            throw new VaultException(ExitCodes.USAGE, "target '" + o.name() + "': " + e.getMessage());
        }
        Path dir = o.path().toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new VaultException(ExitCodes.USAGE, dir + " is a file, not a folder; give the folder that should hold"
                    + " the backups of target '" + o.name() + "'");
        }
        Optional<Volume> volume = volumes.volumeOf(dir);
        if (o.kind() != TargetKind.CLOUD && !Files.isDirectory(dir)) {
            // A usb/nas folder inside a volume that is not mounted would land on the computer's own disk.
            Path parent = dir.getParent();
            boolean insideMountedDrive = volume.isPresent() && volume.get().mount().getNameCount() > 0
                    && Files.isDirectory(volume.get().mount());
            if (!insideMountedDrive && (parent == null || !Files.isDirectory(parent))) {
                throw new VaultException(ExitCodes.USAGE, "neither " + dir + " nor its parent folder exists; plug in the"
                        + " drive or mount the share, then add target '" + o.name() + "' again");
            }
        }
        for (Target other : registry.targets()) {
            if (other.path().toAbsolutePath().normalize().equals(dir)) {
                throw new VaultException(ExitCodes.USAGE, dir + " is already target '" + other.name() + "'");
            }
        }
        Optional<TargetMarker.Contents> existing = TargetMarker.read(dir);
        String id;
        if (existing.isPresent()) {
            id = existing.get().id();
            for (Target other : registry.targets()) {
                if (other.id().equals(id)) {
                    throw new VaultException(ExitCodes.USAGE, dir + " holds the marker of target '" + other.name()
                            + "', already registered here");
                }
            }
        } else {
            id = UUID.randomUUID().toString();
        }
        String volumePath = volume.map(v -> relative(v, dir)).orElse(null);
        Path source = o.source() == null ? null : o.source().toAbsolutePath().normalize();
        if (source != null && !Files.isDirectory(source)) {
            throw new VaultException(ExitCodes.USAGE, "source " + source + " of target '" + o.name() + "' is not a folder;"
                    + " give the folder to back up with --source");
        }
        Target t = new Target(o.name(), id, o.kind(), dir, volumePath, schedule, keep, !o.noEncrypt(), clock.instant(), source);
        if (existing.isEmpty()) {
            TargetMarker.write(dir, id, o.name(), o.kind(), clock.instant());
        }
        registry.put(t);
        return new Result(t, existing.isPresent(), volume.orElse(null));
    }

    private static String relative(Volume v, Path dir) {
        Path rel = v.mount().toAbsolutePath().normalize().relativize(dir);
        // stored with '/' so the file reads the same on every OS; Path.resolve accepts it everywhere
        StringBuilder sb = new StringBuilder();
        for (Path p : rel) {
            if (!p.toString().isEmpty()) {
                sb.append(sb.length() == 0 ? "" : "/").append(p);
            }
        }
        return sb.toString();
    }
}
