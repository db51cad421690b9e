package dev.vault.targets.volume;

/** A volume appeared or disappeared between two polls. */
public record VolumeEvent(Kind kind, Volume volume) {
    /** What happened to the volume. */
    public enum Kind { MOUNTED, UNMOUNTED }
}
