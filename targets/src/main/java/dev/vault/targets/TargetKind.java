package dev.vault.targets;

import java.util.Locale;

/** Where a target's repository lives, which sets its default schedule and whether encryption is optional. */
public enum TargetKind {
    /** A removable drive, backed up when it is plugged in. */
    USB,
    /** A network share, replicated nightly. */
    NAS,
    /** A folder a sync client uploads (Dropbox, OneDrive, Google Drive, Syncthing); always encrypted. */
    CLOUD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code usb}, {@code nas} or {@code cloud}; the message lists the accepted kinds. */
    public static TargetKind parse(String text) {
        for (TargetKind k : values()) {
            if (k.id().equalsIgnoreCase(text.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a target kind; use usb, nas or cloud");
    }
}
