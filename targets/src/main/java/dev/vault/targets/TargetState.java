package dev.vault.targets;

import java.time.Instant;

/**
 * What runs have recorded about one target, kept apart from the human-edited {@code targets} file
 * (in {@code targets-state.json}) so runs never rewrite the user's config.
 *
 * @param lastSuccess start time of the last successful backup run
 * @param lastAttempt start time of the last run, successful or not
 * @param lastError the one-line error of the last run, or null if it succeeded
 * @param lastSnapshot the id the last successful run reported, if any
 * @param lastLocation the folder where the target was last found
 * @param repositoryBytes the repository size measured after the last run, or -1
 * @param present whether the last scheduler pass found the target connected
 * @param appearanceHandled whether the current appearance of the drive was already handled (on-plug)
 */
public record TargetState(Instant lastSuccess, Instant lastAttempt, String lastError, String lastSnapshot,
        String lastLocation, long repositoryBytes, boolean present, boolean appearanceHandled) {
    /** A target no run has touched yet. */
    public static final TargetState NEW = new TargetState(null, null, null, null, null, -1, false, false);

    /**
     * The state after a pass saw the target present (at {@code location}) or absent. Found at another
     * place than last time counts as a new appearance: the drive was unplugged and plugged in between passes.
     */
    public TargetState withPresence(boolean isPresent, String location) {
        boolean handled = isPresent && present && appearanceHandled && (location == null || location.equals(lastLocation));
        return new TargetState(lastSuccess, lastAttempt, lastError, lastSnapshot,
                location != null ? location : lastLocation, repositoryBytes, isPresent, handled);
    }

    public TargetState withAppearanceHandled() {
        return new TargetState(lastSuccess, lastAttempt, lastError, lastSnapshot, lastLocation, repositoryBytes, present, true);
    }

    public TargetState succeeded(Instant started, String snapshot, long bytes) {
        return new TargetState(started, started, null, snapshot, lastLocation, bytes, present, true);
    }

    public TargetState failed(Instant started, String error) {
        return new TargetState(lastSuccess, started, error, lastSnapshot, lastLocation, repositoryBytes, present,
                appearanceHandled);
    }
}
