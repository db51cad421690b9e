package dev.vault.targets.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.volume.ScriptedVolumeSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    @TempDir
    Path tmp;

    Path home;
    ScriptedVolumeSource volumes;
    MutableClock clock;
    FakeRunner runner;

    /** Records calls; writes one real file per backup into the repository so the result is visible on disk. */
    static class FakeRunner implements TargetRunner {
        final List<String> backups = new ArrayList<>();
        final List<String> forgets = new ArrayList<>();
        Consumer<TargetLocation> during = d -> { };
        int n;

        @Override
        public Outcome backup(TargetLocation d) throws IOException {
            backups.add(d.target().name());
            during.accept(d);
            Path snap = d.repository().resolve("snapshot-" + (++n));
            Files.writeString(snap, "snapshot of " + d.target().name());
            return new Outcome("s" + n, Files.size(snap), "1 file");
        }

        @Override
        public String forget(TargetLocation d, Retention keep) {
            forgets.add(d.target().name() + ":" + keep.text());
            return "0 snapshots removed";
        }
    }

    @BeforeEach
    void setUp() {
        home = tmp.resolve("home");
        volumes = new ScriptedVolumeSource();
        clock = MutableClock.at("2026-03-02T10:00", ZoneId.of("Europe/Berlin"));
        runner = new FakeRunner();
    }

    TargetRegistry registry() {
        return TargetRegistry.load(home);
    }

    Scheduler scheduler() {
        return new Scheduler(home, registry(), volumes, clock, runner);
    }

    Target add(String name, TargetKind kind, Path path, String schedule, String keep) {
        return new AddTarget(registry(), volumes, clock)
                .call(new AddTarget.Options(name, kind, path, schedule, null, keep, false)).target();
    }

    /** Unplugs a scripted drive: its folder goes away with it, as a real unmounted drive's content does. */
    void pull(Path mount) throws IOException {
        Files.move(mount, mount.resolveSibling(mount.getFileName() + "-unplugged"));
        volumes.unplug(mount);
    }

    void plugBack(Path mount) throws IOException {
        Files.move(mount.resolveSibling(mount.getFileName() + "-unplugged"), mount);
        volumes.plug(mount, "STICK");
    }

    Scheduler.Report only(Scheduler.PassResult r) {
        assertEquals(1, r.reports().size(), r.toString());
        return r.reports().get(0);
    }

    @Test
    void nightlyTargetRunsOncePerNightAndCatchesUpMissedNights() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        add("nas", TargetKind.NAS, nas, null, null);

        Scheduler.Report first = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, first.action(), first.message());
        assertTrue(Files.exists(nas.resolve("snapshot-1")));

        clock.advance(Duration.ofHours(4)); // 14:00 same day
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action());

        clock.set(java.time.LocalDateTime.parse("2026-03-03T02:00:30").atZone(clock.getZone()).toInstant());
        assertEquals(Scheduler.Action.RAN, only(scheduler().pass(Scheduler.Options.DUE)).action());
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action());

        // the computer sleeps through two nights; the first pass after waking catches up, once
        clock.set(java.time.LocalDateTime.parse("2026-03-05T08:15").atZone(clock.getZone()).toInstant());
        Scheduler.Report catchUp = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, catchUp.action());
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action());
        assertEquals(List.of("nas", "nas", "nas"), runner.backups);
        assertFalse(catchUp.safeToUnplug(), "a NAS is not unplugged");
    }

    @Test
    void absentNasIsBackedUpWhenItIsBack() throws Exception {
        Path share = tmp.resolve("share");
        Files.createDirectories(share);
        volumes.plug(new dev.vault.targets.volume.Volume(share, "nas", "cifs", 1L << 40, 1L << 39, false, true));
        add("nas", TargetKind.NAS, share.resolve("vault"), null, null);
        assertEquals(Scheduler.Action.RAN, only(scheduler().pass(Scheduler.Options.DUE)).action());

        // the share is not mounted at 02:00: the folder under the mount point is empty
        Path hidden = tmp.resolve("share-away");
        Files.move(share, hidden);
        Files.createDirectories(share);
        volumes.unplug(share);
        clock.set(java.time.LocalDateTime.parse("2026-03-03T02:00").atZone(clock.getZone()).toInstant());
        Scheduler.Report waiting = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.WAITING, waiting.action());
        assertTrue(waiting.message().startsWith("waiting for nas"), waiting.message());
        assertTrue(waiting.message().contains("a run is due"), waiting.message());
        assertEquals(ExitCodes.OK, scheduler().pass(Scheduler.Options.DUE).exitCode(), "waiting is not a failure");
        try (var s = Files.list(share)) {
            assertEquals(0, s.count(), "nothing written to the empty mount point");
        }

        // mounted again at 07:30: the missed night is caught up
        Files.delete(share);
        Files.move(hidden, share);
        volumes.plug(new dev.vault.targets.volume.Volume(share, "nas", "cifs", 1L << 40, 1L << 39, false, true));
        clock.set(java.time.LocalDateTime.parse("2026-03-03T07:30").atZone(clock.getZone()).toInstant());
        assertEquals(Scheduler.Action.RAN, only(scheduler().pass(Scheduler.Options.DUE)).action());
        assertEquals(2, runner.backups.size());
    }

    @Test
    void onPlugRunsOncePerPlugInAfterTheMinimumAgeAndSaysSafeToUnplug() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        add("stick", TargetKind.USB, e.resolve("backups"), null, null);

        Scheduler.Report r = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, r.action());
        assertTrue(r.safeToUnplug());
        assertTrue(r.message().endsWith("the drive is safe to unplug"), r.message());

        clock.advance(Duration.ofHours(3));
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action(),
                "still the same plug-in");

        // unplugged and plugged in again 20 minutes later: younger than the 1h minimum age
        pull(e);
        assertEquals(Scheduler.Action.WAITING, only(scheduler().pass(Scheduler.Options.DUE)).action());
        plugBack(e);
        clock.advance(Duration.ofMinutes(20));
        Scheduler.Report tooSoon = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, tooSoon.action(), "3h20m since the last backup is more than 1h");

        pull(e);
        scheduler().pass(Scheduler.Options.DUE);
        plugBack(e);
        clock.advance(Duration.ofMinutes(20));
        Scheduler.Report young = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.NOT_DUE, young.action());
        assertTrue(young.message().contains("less than 1h"), young.message());
        clock.advance(Duration.ofHours(2));
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action(),
                "that plug-in was handled; the next one runs");
        assertEquals(2, runner.backups.size());
    }

    @Test
    void aDriveFoundAtAnotherMountPointIsANewPlugInEvenIfNoPassSawItGone() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        add("stick", TargetKind.USB, e.resolve("backups"), null, null);
        assertEquals(Scheduler.Action.RAN, only(scheduler().pass(Scheduler.Options.DUE)).action());
        clock.advance(Duration.ofHours(2));
        assertEquals(Scheduler.Action.NOT_DUE, only(scheduler().pass(Scheduler.Options.DUE)).action());
        Path f = tmp.resolve("F");
        Files.move(e, f);
        volumes.unplug(e).plug(f, "STICK");
        Scheduler.Report again = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, again.action(), again.message());
        assertTrue(Files.exists(f.resolve("backups/snapshot-2")));
    }

    @Test
    void retentionIsAppliedAfterEachSuccessfulRunOnly() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        add("nas", TargetKind.NAS, nas, "every 1h", "last=2,daily=3");
        Path keepAll = Files.createDirectories(tmp.resolve("all"));
        add("all", TargetKind.NAS, keepAll, "every 1h", "all");
        scheduler().pass(Scheduler.Options.DUE);
        assertEquals(List.of("nas:last=2,daily=3"), runner.forgets, "'all' needs no forget");

        runner.during = d -> {
            throw new IllegalStateException("disk full");
        };
        clock.advance(Duration.ofHours(2));
        Scheduler.PassResult failed = scheduler().pass(Scheduler.Options.DUE);
        assertEquals(1, runner.forgets.size(), "no retention after a failed run");
        assertEquals(ExitCodes.FAILURE, failed.exitCode());
        assertTrue(failed.reports().get(0).message().contains("target 'nas'"), failed.reports().get(0).message());
        assertTrue(failed.reports().get(0).message().contains("disk full"));
        assertNotNull(registry().state(registry().get("nas")).lastError());
        // failed runs stay due, after a pause so a broken drive is not hammered
        runner.during = d -> { };
        clock.advance(Duration.ofMinutes(3));
        Scheduler.Report paused = scheduler().pass(Scheduler.Options.DUE).reports().get(0);
        assertEquals(Scheduler.Action.NOT_DUE, paused.action());
        assertTrue(paused.message().contains("the last run failed 3m ago"), paused.message());
        clock.advance(Scheduler.RETRY_AFTER);
        assertEquals(Scheduler.Action.RAN, scheduler().pass(Scheduler.Options.DUE).reports().get(0).action());
        assertEquals(null, registry().state(registry().get("nas")).lastError());
    }

    @Test
    void aDrivePulledMidRunIsAClearErrorAndTheNextPlugInResumes() throws Exception {
        Path e = Files.createDirectories(tmp.resolve("E"));
        volumes.plug(e, "STICK");
        add("stick", TargetKind.USB, e.resolve("backups"), null, null);
        Path away = tmp.resolve("away");
        runner.during = d -> {
            try {
                Files.move(e, away); // the drive vanishes
                volumes.unplug(e);
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        };
        Scheduler.PassResult r = scheduler().pass(Scheduler.Options.DUE);
        Scheduler.Report rep = only(r);
        assertEquals(Scheduler.Action.FAILED, rep.action());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(rep.message().startsWith("target 'stick': the drive was removed or unmounted during the run"),
                rep.message());
        assertTrue(rep.message().contains("next run resumes"), rep.message());
        assertFalse(rep.safeToUnplug());

        runner.during = d -> { };
        Files.move(away, e);
        volumes.plug(e, "STICK");
        clock.advance(Duration.ofMinutes(5));
        Scheduler.Report next = only(scheduler().pass(Scheduler.Options.DUE));
        assertEquals(Scheduler.Action.RAN, next.action(), next.message());
    }

    @Test
    void forceAndOnlyPickTargetsAndOneRunServesAll() throws Exception {
        List<Integer> batchSizes = new ArrayList<>();
        FakeRunner inner = runner;
        runner = new FakeRunner() {
            @Override
            public List<Result> backupAll(List<TargetLocation> ds) {
                batchSizes.add(ds.size());
                return inner.backupAll(ds);
            }
        };
        for (String n : new String[] {"a", "b", "c"}) {
            add(n, TargetKind.NAS, Files.createDirectories(tmp.resolve(n)), "every 1d", null);
        }
        scheduler().pass(Scheduler.Options.DUE);
        assertEquals(List.of(3), batchSizes, "the three due targets are served by one run");
        assertEquals(Scheduler.Action.NOT_DUE, scheduler().pass(Scheduler.Options.DUE).reports().get(0).action());
        Scheduler.PassResult forced = scheduler().pass(new Scheduler.Options(Set.of("b"), true, false));
        assertEquals(1, forced.reports().size());
        assertEquals(Scheduler.Action.RAN, forced.reports().get(0).action());
        VaultException unknown = assertThrows(VaultException.class,
                () -> scheduler().pass(new Scheduler.Options(Set.of("zzz"), true, false)));
        assertTrue(unknown.getMessage().contains("known targets: a, b, c"), unknown.getMessage());

        Scheduler.PassResult dry = scheduler().pass(new Scheduler.Options(Set.of(), true, true));
        assertTrue(dry.reports().stream().allMatch(x -> x.action() == Scheduler.Action.WOULD_RUN));
        assertEquals(List.of(3, 1), batchSizes, "dry run runs nothing");
    }

    @Test
    void aSecondPassWhileOneRunsIsRefusedAsLocked() throws Exception {
        Files.createDirectories(home);
        try (FileChannel ch = FileChannel.open(home.resolve(Scheduler.LOCK_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock l = ch.lock()) {
            VaultException e = assertThrows(VaultException.class, () -> scheduler().pass(Scheduler.Options.DUE));
            assertEquals(ExitCodes.LOCKED, e.exitCode());
            assertTrue(e.getMessage().contains("wait for it"), e.getMessage());
        }
        assertEquals(0, scheduler().pass(Scheduler.Options.DUE).reports().size());
    }

    @Test
    void runsNeverRewriteTheHandEditedTargetsFile() throws Exception {
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        add("nas", TargetKind.NAS, nas, null, null);
        Path cfg = home.resolve("targets");
        Files.writeString(cfg, Files.readString(cfg) + "# my own note\n");
        String before = Files.readString(cfg);
        scheduler().pass(Scheduler.Options.DUE);
        assertEquals(before, Files.readString(cfg));
        assertTrue(Files.readString(home.resolve("targets-state.json")).contains("lastSuccess"));
    }
}
