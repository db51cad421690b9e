package dev.vault.targets;

import dev.vault.targets.volume.Volume;
import java.nio.file.Path;

/**
 * Where a target is right now: connected at a folder whose marker holds its id, or waiting, with the
 * reason in the user's words.
 *
 * @param target the target
 * @param repository the repository folder (marker checked), or null when waiting
 * @param volume the volume holding it, if the volume source knows it
 * @param reason why it is waiting ("" when connected)
 */
public record TargetLocation(Target target, Path repository, Volume volume, String reason) {
    public boolean connected() {
        return repository != null;
    }

    /** {@code connected at <folder>} or {@code waiting for <target> (<reason>)}. */
    public String describe() {
        return connected() ? "connected at " + repository : "waiting for " + target.name() + " (" + reason + ")";
    }
}
