package dev.vault.targets.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeMonitorTest {
    static String show(List<VolumeEvent> events) {
        return String.join(",", events.stream().map(e -> e.kind() + " " + e.volume().label()).toList());
    }

    @Test
    void pollsTurnIntoMountedAndUnmountedEvents() {
        ScriptedVolumeSource src = new ScriptedVolumeSource();
        Path e = Path.of("/media/E").toAbsolutePath();
        Path f = Path.of("/media/F").toAbsolutePath();
        src.plug(Path.of("/").toAbsolutePath(), "system");
        VolumeMonitor m = new VolumeMonitor(src);
        assertEquals("MOUNTED system", show(m.poll()), "first poll reports what is already there");
        assertTrue(m.poll().isEmpty());
        src.plug(e, "STICK");
        assertEquals("MOUNTED STICK", show(m.poll()));
        assertTrue(m.poll().isEmpty());
        src.unplug(e).plug(f, "STICK");
        assertEquals("UNMOUNTED STICK,MOUNTED STICK", show(m.poll()));
        // a different drive at the same mount point between two polls
        src.plug(new Volume(f, "OTHER", "exfat", 1L << 30, 1L << 29, true, false));
        assertEquals("UNMOUNTED STICK,MOUNTED OTHER", show(m.poll()));
        assertEquals(2, m.current().size());
    }

    @Test
    void theVolumeOfAPathIsTheLongestMountPointHoldingIt() {
        ScriptedVolumeSource src = new ScriptedVolumeSource();
        Path root = Path.of("/").toAbsolutePath();
        Path media = root.resolve("media").resolve("E");
        src.plug(root, "system").plug(media, "STICK");
        assertEquals("STICK", src.volumeOf(media.resolve("backups/vault")).orElseThrow().label());
        assertEquals("system", src.volumeOf(root.resolve("home/anna")).orElseThrow().label());
        assertEquals("system", src.volumeOf(root.resolve("media/EF")).orElseThrow().label(), "not a prefix by characters");
    }
}
