package dev.vault.targets.volume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A volume source whose volumes a test (or a demo) plugs and unplugs by hand; the folders it
 * names are ordinary directories, so the rest of vault works on them unchanged.
 */
public final class ScriptedVolumeSource implements VolumeSource {
    private final Map<Path, Volume> mounted = new LinkedHashMap<>();

    /** Mounts a removable volume at {@code mount} with the given label. */
    public synchronized ScriptedVolumeSource plug(Path mount, String label) {
        return plug(new Volume(mount, label, "vfat", 64L << 30, 32L << 30, true, false));
    }

    public synchronized ScriptedVolumeSource plug(Volume volume) {
        mounted.put(volume.mount().toAbsolutePath().normalize(), volume);
        return this;
    }

    /** Removes the volume mounted at {@code mount}; the folder itself is left alone. */
    public synchronized ScriptedVolumeSource unplug(Path mount) {
        mounted.remove(mount.toAbsolutePath().normalize());
        return this;
    }

    @Override
    public synchronized List<Volume> volumes() {
        return new ArrayList<>(mounted.values());
    }
}
