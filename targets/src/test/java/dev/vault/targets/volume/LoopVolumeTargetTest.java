package dev.vault.targets.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.fixtures.LoopVolume;
import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
import dev.vault.targets.CheckTarget;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetLocator;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.WritingRunner;
import dev.vault.targets.schedule.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ext4 volumes, loop-mounted, seen through OSHI: the target follows its drive and survives being pulled. */
class LoopVolumeTargetTest {
    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2026-03-02T10:00", ZoneOffset.UTC);

    Scheduler.Report pass(Path home, VolumeSource volumes, WritingRunner runner) {
        Scheduler.PassResult r = new Scheduler(home, TargetRegistry.load(home), volumes, clock, runner)
                .pass(Scheduler.Options.DUE);
        assertEquals(1, r.reports().size());
        return r.reports().get(0);
    }

    static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void oshiSeesTheDriveAndTheTargetFollowsItToAnotherMountPoint() throws Exception {
        Path home = tmp.resolve("home");
        VolumeSource oshi = new OshiVolumeSource();
        try (LoopVolume vol = LoopVolume.create(tmp, "VAULTUSB", 32L << 20)) {
            Path first = vol.mountAt(tmp.resolve("mnt-first"));
            Volume seen = oshi.volumeOf(first.resolve("backups")).orElseThrow();
            assertEquals(first, seen.mount().toAbsolutePath());
            assertEquals("ext4", seen.type());
            assertTrue(seen.totalBytes() > 20L << 20 && seen.totalBytes() <= 32L << 20, "size " + seen.totalBytes());
            assertTrue(oshi.volumes().stream().anyMatch(v -> v.mount().equals(first)), "listed by volumes()");

            Target t = new AddTarget(TargetRegistry.load(home), oshi, clock).call(new AddTarget.Options("stick",
                    TargetKind.USB, first.resolve("backups"), null, null, null, false)).target();
            assertEquals("backups", t.volumePath());

            vol.unmount();
            assertFalse(oshi.volumes().stream().anyMatch(v -> v.mount().equals(first)));
            TargetLocation away = new TargetLocator(oshi).locate(t);
            assertFalse(away.connected());
            assertTrue(away.describe().startsWith("waiting for stick"), away.describe());
            WritingRunner runner = new WritingRunner(3, 4096);
            assertEquals(Scheduler.Action.WAITING, pass(home, oshi, runner).action());
            assertEquals(0, count(first), "nothing written to the empty mount point");

            Path second = vol.mountAt(tmp.resolve("elsewhere/mnt-second"));
            TargetLocation back = new TargetLocator(oshi).locate(t);
            assertTrue(back.connected(), back.describe());
            assertEquals(second.resolve("backups"), back.repository());

            Scheduler.Report ran = pass(home, oshi, runner);
            assertEquals(Scheduler.Action.RAN, ran.action(), ran.message());
            assertTrue(ran.message().contains("safe to unplug"), ran.message());
            assertEquals("complete", Files.readString(second.resolve("backups/snap-1")));
            assertEquals(3, count(second.resolve("backups/data")));
        }
    }

    @Test
    void driveLazilyUnmountedMidRunIsAClearErrorAndTheNextPlugInSucceeds() throws Exception {
        Path home = tmp.resolve("home");
        VolumeSource oshi = new OshiVolumeSource();
        try (LoopVolume vol = LoopVolume.create(tmp, "VAULTPULL", 32L << 20)) {
            Path mnt = vol.mountAt(tmp.resolve("mnt"));
            Target t = new AddTarget(TargetRegistry.load(home), oshi, clock).call(new AddTarget.Options("stick",
                    TargetKind.USB, mnt.resolve("backups"), null, null, null, false)).target();
            WritingRunner runner = new WritingRunner(20, 64 * 1024);
            runner.afterFile = i -> {
                if (i == 5) {
                    vol.lazyUnmount(); // the drive is pulled while vault is writing to it
                }
            };
            Scheduler.Report failed = pass(home, oshi, runner);
            assertEquals(Scheduler.Action.FAILED, failed.action());
            assertEquals(ExitCodes.FAILURE, failed.exitCode());
            assertTrue(failed.message().startsWith("target 'stick': the drive was removed or unmounted during the run"),
                    failed.message());
            assertEquals(0, count(mnt), "nothing was written to the bare mount point after the drive went");

            runner.afterFile = i -> { };
            Path again = vol.mountAt(tmp.resolve("mnt-again"));
            CheckTarget.Result check = new CheckTarget(oshi).call(t, null);
            assertEquals(again.resolve("backups"), check.location().repository());
            assertTrue(check.lines().contains("writable"));
            assertFalse(Files.exists(again.resolve("backups/snap-1")), "the interrupted run left no completed snapshot");
            clock.advance(Duration.ofMinutes(2));
            Scheduler.Report ok = pass(home, oshi, runner);
            assertEquals(Scheduler.Action.RAN, ok.action(), ok.message());
            assertEquals("complete", Files.readString(again.resolve("backups/snap-2")));
        }
    }

    @Test
    void driveTurningReadOnlyMidRunIsAClearErrorAndCheckSaysSo() throws Exception {
        Path home = tmp.resolve("home");
        VolumeSource oshi = new OshiVolumeSource();
        try (LoopVolume vol = LoopVolume.create(tmp, "VAULTRO", 32L << 20)) {
            Path mnt = vol.mountAt(tmp.resolve("mnt"));
            Target t = new AddTarget(TargetRegistry.load(home), oshi, clock).call(new AddTarget.Options("stick",
                    TargetKind.USB, mnt.resolve("backups"), null, null, null, false)).target();
            WritingRunner runner = new WritingRunner(10, 16 * 1024);
            runner.afterFile = i -> {
                if (i == 3) {
                    vol.remountReadOnly();
                }
            };
            Scheduler.Report failed = pass(home, oshi, runner);
            assertEquals(Scheduler.Action.FAILED, failed.action());
            assertTrue(failed.message().contains("became read-only during the run"), failed.message());
            assertTrue(failed.message().startsWith("target 'stick'"), failed.message());

            VaultException notWritable = assertThrows(VaultException.class, () -> new CheckTarget(oshi).call(t, null));
            assertTrue(notWritable.getMessage().contains("is not writable"), notWritable.getMessage());

            runner.afterFile = i -> { };
            vol.unmount();
            vol.mountAt(tmp.resolve("mnt2"));
            assertTrue(new CheckTarget(oshi).call(t, null).lines().contains("writable"));
            clock.advance(Duration.ofMinutes(2));
            assertEquals(Scheduler.Action.RAN, pass(home, oshi, runner).action());
        }
    }
}
