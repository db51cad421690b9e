package dev.vault.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.volume.ScriptedVolumeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddTargetTest {
    @TempDir
    Path tmp;

    final ScriptedVolumeSource volumes = new ScriptedVolumeSource();
    final Clock clock = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);

    TargetRegistry registry() {
        return TargetRegistry.load(tmp.resolve("home"));
    }

    AddTarget.Options usb(String name, Path path) {
        return new AddTarget.Options(name, TargetKind.USB, path, null, null, null, false);
    }

    @Test
    void addingAUsbTargetWritesTheMarkerAndRemembersTheFolderWithinTheVolume() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        AddTarget.Result r = new AddTarget(registry(), volumes, clock).call(usb("stick", e.resolve("vault/backups")));
        assertFalse(r.adopted());
        TargetMarker.Contents m = TargetMarker.read(e.resolve("vault/backups")).orElseThrow();
        assertEquals(r.target().id(), m.id());
        assertEquals("stick", m.name());

        Target t = registry().get("stick");
        assertEquals("vault/backups", t.volumePath());
        assertEquals("on-plug", t.schedule().text());
        assertEquals(Retention.DEFAULT, t.keep());
        assertTrue(t.encrypt());
        String config = Files.readString(tmp.resolve("home/targets"));
        assertTrue(config.contains("[target \"stick\"]"), config);
        assertTrue(config.contains("volume-path = vault/backups"), config);
    }

    @Test
    void theTargetIsRecognisedWhereverTheDriveIsMountedNext() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        Target t = new AddTarget(registry(), volumes, clock).call(usb("stick", e.resolve("backups"))).target();

        // the drive is pulled and shows up as F: next time (simulated: its content moves to another mount point)
        Path f = tmp.resolve("F");
        Files.move(e, f);
        volumes.unplug(e).plug(f, "STICK");
        TargetLocation loc = new TargetLocator(volumes).locate(t);
        assertTrue(loc.connected(), loc.describe());
        assertEquals(f.resolve("backups").toAbsolutePath(), loc.repository());
    }

    @Test
    void aUsbTargetIsNotSearchedOnNetworkSharesNorACloudFolderElsewhere() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        Target usb = new AddTarget(registry(), volumes, clock).call(usb("stick", e.resolve("backups"))).target();
        Path share = tmp.resolve("share");
        Files.move(e, share);
        volumes.unplug(e).plug(new dev.vault.targets.volume.Volume(share, "nas", "cifs", 1L << 40, 1L << 39, false, true));
        assertFalse(new TargetLocator(volumes).locate(usb).connected());

        Path dropbox = Files.createDirectories(tmp.resolve("home/Dropbox"));
        volumes.plug(new dev.vault.targets.volume.Volume(tmp.resolve("home"), "", "ext4", 1L << 40, 1L << 39, false, false));
        Target cloud = new AddTarget(registry(), volumes, clock).call(new AddTarget.Options("box", TargetKind.CLOUD,
                dropbox.resolve("vault"), null, null, null, false)).target();
        assertTrue(new TargetLocator(volumes).locate(cloud).connected());
        Path other = tmp.resolve("other");
        Files.move(tmp.resolve("home"), other);
        volumes.unplug(tmp.resolve("home")).plug(new dev.vault.targets.volume.Volume(other, "", "ext4", 1L << 40, 1L << 39, false, false));
        assertFalse(new TargetLocator(volumes).locate(cloud).connected(), "a cloud folder is only where it was registered");
    }

    @Test
    void aMountPointWithoutTheMarkerIsWaitingNeverConnected() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        Target t = new AddTarget(registry(), volumes, clock).call(usb("stick", e.resolve("backups"))).target();
        Files.delete(e.resolve("backups").resolve(TargetMarker.FILE_NAME));

        TargetLocation loc = new TargetLocator(volumes).locate(t);
        assertFalse(loc.connected());
        assertNull(loc.repository());
        assertTrue(loc.describe().startsWith("waiting for stick"), loc.describe());
        assertTrue(loc.describe().contains("no vault-target.json marker"), loc.describe());

        // another drive with another target's marker at the same place is not this target either
        TargetMarker.write(e.resolve("backups"), "someone-else", "other", TargetKind.USB, clock.instant());
        TargetLocation other = new TargetLocator(volumes).locate(t);
        assertFalse(other.connected());
        assertTrue(other.describe().contains("marker of another target ('other')"), other.describe());

        // an unplugged drive whose folder is gone
        Files.walk(e).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        volumes.unplug(e);
        assertTrue(new TargetLocator(volumes).locate(t).describe().contains("plug in the drive"));
    }

    @Test
    void cloudTargetsRefuseNoEncryptWithTheReason() {
        VaultException ex = assertThrows(VaultException.class, () -> new AddTarget(registry(), volumes, clock).call(
                new AddTarget.Options("dropbox", TargetKind.CLOUD, tmp.resolve("Dropbox/vault"), null, null, null, true)));
        assertEquals(ExitCodes.USAGE, ex.exitCode());
        assertTrue(ex.getMessage().contains("uploaded to someone else's servers"), ex.getMessage());
        assertFalse(Files.exists(tmp.resolve("Dropbox")), "nothing written");
        assertTrue(registry().targets().isEmpty());
    }

    @Test
    void handEditedUnencryptedCloudTargetIsReportedWithFileAndLine() throws Exception {
        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/targets"), "[target \"c\"]\n  id = x\n  kind = cloud\n  path = /x\n  encrypt = false\n");
        VaultException ex = assertThrows(VaultException.class, () -> registry().targets());
        assertTrue(ex.getMessage().contains("targets:5:"), ex.getMessage());
        assertTrue(ex.getMessage().contains("always encrypted"), ex.getMessage());
    }

    @Test
    void optionsAreValidatedAndStored() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        AddTarget add = new AddTarget(registry(), volumes, clock);
        Target t = add.call(new AddTarget.Options("nas", TargetKind.NAS, nas, "weekly@sat-04:00", null,
                "last=3,daily=14", true)).target();
        assertEquals("weekly@sat-04:00", registry().get("nas").schedule().text());
        assertEquals(new Retention(3, 0, 14, 0, 0, 0), registry().get("nas").keep());
        assertFalse(registry().get("nas").encrypt());
        assertNull(t.volumePath(), "no volume known for this folder");

        assertEquals(ExitCodes.USAGE, assertThrows(VaultException.class, () -> add.call(
                new AddTarget.Options("nas", TargetKind.NAS, nas, null, null, null, false))).exitCode());
        VaultException badSchedule = assertThrows(VaultException.class, () -> add.call(
                new AddTarget.Options("n2", TargetKind.NAS, tmp.resolve("n2"), "nightly", null, null, false)));
        assertTrue(badSchedule.getMessage().contains("'nightly' is not a schedule"), badSchedule.getMessage());
        assertThrows(VaultException.class, () -> add.call(usb("bad name", tmp.resolve("x"))));
        VaultException noDrive = assertThrows(VaultException.class, () -> add.call(usb("u", tmp.resolve("gone/dir"))));
        assertTrue(noDrive.getMessage().contains("plug in the drive"), noDrive.getMessage());
        assertFalse(Files.exists(tmp.resolve("gone")));

        Target u = add.call(new AddTarget.Options("u", TargetKind.USB, tmp.resolve("u"), null, Duration.ofHours(3), null, false))
                .target();
        assertEquals("on-plug", u.schedule().text());
        assertTrue(Files.readString(tmp.resolve("home/targets")).contains("min-age = 3h"));
    }

    @Test
    void anExistingMarkerIsAdoptedAndRemoveLeavesTheBackupsAlone() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        Target first = new AddTarget(registry(), volumes, clock).call(usb("stick", e)).target();
        Files.writeString(e.resolve("config"), "repository data");
        assertTrue(registry().remove("stick"));
        assertTrue(Files.exists(e.resolve("config")));
        assertTrue(TargetMarker.read(e).isPresent());

        AddTarget.Result again = new AddTarget(registry(), volumes, clock).call(usb("stick2", e));
        assertTrue(again.adopted());
        assertEquals(first.id(), again.target().id());
        assertFalse(registry().remove("nope"));
    }
}
