package dev.vault.targets.volume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns successive polls of a {@link VolumeSource} into mounted / unmounted events. The daemon
 * calls {@link #poll()} every few seconds; the first poll reports every volume already mounted.
 */
public final class VolumeMonitor {
    private final VolumeSource source;
    private Map<Path, Volume> known = new LinkedHashMap<>();

    public VolumeMonitor(VolumeSource source) {
        this.source = source;
    }

    /** Polls the source once and returns what changed since the previous poll, in a stable order. */
    public synchronized List<VolumeEvent> poll() {
        Map<Path, Volume> now = new LinkedHashMap<>();
        for (Volume v : source.volumes()) {
            now.put(v.mount().toAbsolutePath().normalize(), v);
        }
        List<VolumeEvent> events = new ArrayList<>();
        for (Map.Entry<Path, Volume> e : known.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                events.add(new VolumeEvent(VolumeEvent.Kind.UNMOUNTED, e.getValue()));
            }
        }
        for (Map.Entry<Path, Volume> e : now.entrySet()) {
            Volume before = known.get(e.getKey());
            if (before == null) {
                events.add(new VolumeEvent(VolumeEvent.Kind.MOUNTED, e.getValue()));
            } else if (!sameDevice(before, e.getValue())) {
                // another drive at the same mount point: the old one went away, a new one came
                events.add(new VolumeEvent(VolumeEvent.Kind.UNMOUNTED, before));
                events.add(new VolumeEvent(VolumeEvent.Kind.MOUNTED, e.getValue()));
            }
        }
        known = now;
        return events;
    }

    /** The volumes seen by the last poll. */
    public synchronized List<Volume> current() {
        return new ArrayList<>(known.values());
    }

    private static boolean sameDevice(Volume a, Volume b) {
        return a.label().equals(b.label()) && a.type().equals(b.type()) && a.totalBytes() == b.totalBytes();
    }
}
