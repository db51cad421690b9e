package dev.vault.targets.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.LoopVolume;
import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
import dev.vault.targets.CheckTarget;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.schedule.Scheduler;
import dev.vault.targets.volume.OshiVolumeSource;
import dev.vault.targets.volume.VolumeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real backup engine writing to a real loop-mounted drive that is pulled in the middle of the backup. */
class EngineRunnerLoopTest {
    @TempDir
    Path tmp;

    static boolean anyFile(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(Files::isRegularFile);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void drivePulledDuringABackupStopsTheRunAndTheNextPlugInCompletesIt() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("work"));
        Random rnd = new Random(3);
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[14 << 20];
            rnd.nextBytes(b);
            Files.write(src.resolve("big-" + i + ".bin"), b);
        }
        Path home = tmp.resolve("home");
        VolumeSource oshi = new OshiVolumeSource();
        MutableClock clock = MutableClock.at("2026-03-02T10:00", ZoneOffset.UTC);
        EngineRunner runner = new EngineRunner(() -> "pw".toCharArray(), clock);
        try (LoopVolume vol = LoopVolume.create(tmp, "VAULTENG", 160L << 20)) {
            Path mnt = vol.mountAt(tmp.resolve("mnt"));
            Target t = new AddTarget(TargetRegistry.load(home), oshi, clock).call(new AddTarget.Options("stick",
                    TargetKind.USB, mnt.resolve("vault"), null, null, null, false, src)).target();

            // pull the drive as soon as the first pack has landed on it
            AtomicBoolean pulled = new AtomicBoolean();
            Thread puller = new Thread(() -> {
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < end && !anyFile(mnt.resolve("vault/data"))) {
                    Thread.onSpinWait();
                }
                vol.lazyUnmount();
                pulled.set(true);
            });
            puller.start();
            Scheduler.PassResult r = new Scheduler(home, TargetRegistry.load(home), oshi, clock, runner)
                    .pass(Scheduler.Options.DUE);
            puller.join();
            assertTrue(pulled.get());
            Scheduler.Report rep = r.reports().get(0);
            assertEquals(Scheduler.Action.FAILED, rep.action(), rep.message());
            assertTrue(rep.message().startsWith("target 'stick': the drive was removed or unmounted during the run"),
                    rep.message());
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(0, s.count(), "the repository was not recreated on the computer's own disk");
            }

            Path again = vol.mountAt(tmp.resolve("mnt-again"));
            CheckTarget.Result check = new CheckTarget(oshi).call(t, runner::check);
            assertTrue(check.lines().stream().anyMatch(l -> l.startsWith("repository sound: 0 snapshot(s)")), check.lines().toString());

            clock.advance(Duration.ofMinutes(3));
            Scheduler.Report ok = new Scheduler(home, TargetRegistry.load(home), oshi, clock, runner)
                    .pass(Scheduler.Options.DUE).reports().get(0);
            assertEquals(Scheduler.Action.RAN, ok.action(), ok.message());
            try (Repository repo = Repository.open(new LocalStorage(again.resolve("vault")), () -> "pw".toCharArray())) {
                Restore.Options o = new Restore.Options();
                o.target = tmp.resolve("restored");
                Restore.run(repo, o);
            }
            Path restored;
            try (Stream<Path> s = Files.walk(tmp.resolve("restored"))) {
                restored = s.filter(p -> p.getFileName().toString().equals("big-2.bin")).findFirst().orElseThrow().getParent();
            }
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(Files.readAllBytes(src.resolve("big-" + i + ".bin")),
                        Files.readAllBytes(restored.resolve("big-" + i + ".bin")));
            }
        }
    }
}
