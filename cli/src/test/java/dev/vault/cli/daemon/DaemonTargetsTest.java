package dev.vault.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.Scheduler;
import dev.vault.targets.schedule.TargetRunner;
import dev.vault.targets.volume.ScriptedVolumeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's loop with the real target scheduler, scripted volumes and a clock the test moves:
 * on-plug backups happen once per plug-in, nightly runs catch up after the computer slept, and a
 * failing target never stops syncing.
 */
class DaemonTargetsTest {
    @TempDir
    Path tmp;

    Path home;
    ScriptedVolumeSource volumes;
    MutableClock clock;
    final List<String> backups = new ArrayList<>();
    int syncs;
    String failTarget;
    DaemonCore core;

    @BeforeEach
    void setUp() throws Exception {
        home = tmp.resolve("home");
        volumes = new ScriptedVolumeSource();
        clock = MutableClock.at("2026-03-02T10:00", ZoneId.of("Europe/Berlin"));
        TargetRunner runner = new TargetRunner() {
            @Override
            public Outcome backup(TargetLocation d) throws Exception {
                if (d.target().name().equals(failTarget)) {
                    throw new java.io.IOException("No space left on device");
                }
                backups.add(d.target().name() + "@" + LocalDateTime.ofInstant(clock.instant(), clock.getZone()));
                return new Outcome("s" + backups.size(), -1, "1 file");
            }

            @Override
            public String forget(TargetLocation d, Retention keep) {
                return "";
            }
        };
        DaemonActions actions = new DaemonActions() {
            @Override
            public String sync(String reason) {
                syncs++;
                return "up to date";
            }

            @Override
            public boolean hubChanged() {
                return false;
            }

            @Override
            public String runDueTargets() {
                return TargetPass.run(() -> new Scheduler(home, TargetRegistry.load(home), volumes, clock, runner)
                        .pass(Scheduler.Options.DUE));
            }
        };
        this.actions = actions;
    }

    DaemonActions actions;
    final DaemonCore.Settings settings = new DaemonCore.Settings();

    Path plug(String name) throws Exception {
        Path mount = tmp.resolve("media").resolve(name);
        Path away = tmp.resolve("away").resolve(name);
        if (Files.exists(away)) {
            Files.createDirectories(mount.getParent());
            Files.move(away, mount);
        }
        Files.createDirectories(mount);
        volumes.plug(mount, name.toUpperCase(java.util.Locale.ROOT));
        return mount;
    }

    void unplug(String name) throws Exception {
        Path mount = tmp.resolve("media").resolve(name);
        Files.createDirectories(tmp.resolve("away"));
        Files.move(mount, tmp.resolve("away").resolve(name)); // its files leave with the drive
        volumes.unplug(mount);
    }

    void add(String name, TargetKind kind, Path path, String schedule, Duration minAge) {
        new AddTarget(TargetRegistry.load(home), volumes, clock)
                .call(new AddTarget.Options(name, kind, path, schedule, minAge, "all", false));
    }

    /** Lets the daemon run for {@code d}, waking when it asks to, as the real loop does. */
    void run(Duration d) {
        if (core == null) {
            core = new DaemonCore(clock, settings, actions);
        }
        Instant end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            Instant next = core.step();
            clock.set(next.isAfter(clock.instant()) ? (next.isAfter(end) ? end : next) : clock.instant().plusSeconds(1));
        }
    }

    @Test
    void onPlugBackupRunsOncePerPlugIn() throws Exception {
        Path stick = plug("stick");
        add("stick", TargetKind.USB, stick.resolve("vault"), null, Duration.ofMinutes(10));
        run(Duration.ofMinutes(15));
        assertEquals(1, backups.size(), "one backup for the first plug-in, none while it stays: " + backups);

        unplug("stick");
        run(Duration.ofMinutes(2));
        plug("stick");
        run(Duration.ofMinutes(3));
        assertEquals(2, backups.size(), "a second plug-in 17 minutes later (min age 10m) backs up once more: " + backups);

        unplug("stick");
        run(Duration.ofMinutes(1));
        plug("stick");
        run(Duration.ofMinutes(15));
        assertEquals(2, backups.size(), "plugged in again 4 minutes after a backup (min age 10m): no new backup,"
                + " not even once the minimum age has passed while it stays plugged in: " + backups);
        assertTrue(syncs >= 7, "syncing went on meanwhile: " + syncs);
    }

    @Test
    void nightlyRunCatchesUpOnceAfterTheComputerSlept() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        add("nas", TargetKind.NAS, nas, "daily@02:00", null);
        settings.volumeCheck = Duration.ofMinutes(1); // about schedules, not plug-ins: fewer passes keep the test fast
        run(Duration.ofMinutes(1));
        assertEquals(List.of("nas@2026-03-02T10:00"), backups, "never backed up: runs at once");

        run(Duration.ofHours(17)); // through the night: 02:00 run
        assertEquals(2, backups.size(), backups.toString());
        assertTrue(backups.get(1).startsWith("nas@2026-03-03T02:00"), backups.toString());

        // The computer sleeps from 03:00 until two days later at 09:30: one catch-up run on waking.
        clock.set(LocalDateTime.parse("2026-03-05T09:30").atZone(clock.getZone()).toInstant());
        run(Duration.ofHours(2));
        assertEquals(3, backups.size(), backups.toString());
        assertTrue(backups.get(2).startsWith("nas@2026-03-05T09:30"), backups.toString());
    }

    @Test
    void aFailingTargetIsReportedWhileSyncGoesOn() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        add("nas", TargetKind.NAS, nas, "every 1h", null);
        settings.volumeCheck = Duration.ofMinutes(1);
        failTarget = "nas";
        run(Duration.ofMinutes(2));
        String error = core.errors().get("targets");
        assertTrue(error != null && error.contains("nas") && error.contains("No space left"), String.valueOf(error));
        int before = syncs;
        run(Duration.ofMinutes(6));
        assertTrue(syncs > before, "sync keeps running while a target fails");

        failTarget = null;
        run(Duration.ofHours(1));
        assertFalse(core.errors().containsKey("targets"), core.errors().toString());
        assertFalse(backups.isEmpty());
    }
}
