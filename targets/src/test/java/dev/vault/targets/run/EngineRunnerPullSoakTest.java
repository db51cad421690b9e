package dev.vault.targets.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.Check;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.LoopVolume;
import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: the drive is pulled at a random moment of many backups in a row (mvn verify -Pslow). The fast
 * version is {@link EngineRunnerLoopTest}. After every pull the repository must check clean once
 * re-mounted, and in the end every file must restore byte-identical.
 */
@Tag("slow")
class EngineRunnerPullSoakTest {
    @TempDir
    Path tmp;

    @Test
    void pullsAtRandomMomentsNeverDamageTheRepository() throws Exception {
        Random rnd = new Random(Long.getLong("soak.seed", 11));
        int cycles = Integer.getInteger("soak.cycles", 12);
        Path src = Files.createDirectories(tmp.resolve("work"));
        Path home = tmp.resolve("home");
        VolumeSource oshi = new OshiVolumeSource();
        MutableClock clock = MutableClock.at("2026-03-02T10:00", ZoneOffset.UTC);
        try (LoopVolume vol = LoopVolume.create(tmp, "VAULTSOAK", 512L << 20)) {
            Path mnt = vol.mountAt(tmp.resolve("m0"));
            new AddTarget(TargetRegistry.load(home), oshi, clock).call(new AddTarget.Options("stick", TargetKind.USB,
                    mnt.resolve("vault"), null, null, null, false, src));
            int failed = 0;
            for (int c = 1; c <= cycles; c++) {
                byte[] b = new byte[(4 + rnd.nextInt(12)) << 20];
                rnd.nextBytes(b);
                Files.write(src.resolve("f" + c + ".bin"), b);
                long delayMs = rnd.nextInt(5000);
                Thread puller = new Thread(() -> {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    vol.lazyUnmount();
                });
                puller.start();
                clock.advance(Duration.ofHours(2));
                Scheduler.Report r;
                try (EngineRunner runner = new EngineRunner(() -> "pw".toCharArray(), clock)) {
                    r = new Scheduler(home, TargetRegistry.load(home), oshi, clock, runner).pass(Scheduler.Options.DUE)
                            .reports().get(0);
                }
                puller.join();
                if (r.action() == Scheduler.Action.FAILED) {
                    failed++;
                    assertTrue(r.message().startsWith("target 'stick': the drive was removed"), r.message());
                } else {
                    assertNotEquals(Scheduler.Action.WAITING, r.action(), r.message());
                }
                if (vol.mounted()) {
                    vol.lazyUnmount();
                }
                Path m = vol.mountAt(tmp.resolve("m" + c));
                if (!Files.exists(m.resolve("vault/config"))) {
                    continue; // pulled before the repository was even created: the next run creates it
                }
                try (Repository repo = Repository.open(new LocalStorage(m.resolve("vault")), () -> "pw".toCharArray())) {
                    Check.Result ck = Check.run(repo, new Check.Options());
                    assertTrue(ck.ok(), "cycle " + c + ": " + ck.errors);
                }
            }
            clock.advance(Duration.ofHours(2));
            try (EngineRunner runner = new EngineRunner(() -> "pw".toCharArray(), clock)) {
                Scheduler.Report last = new Scheduler(home, TargetRegistry.load(home), oshi, clock, runner)
                        .pass(Scheduler.Options.DUE).reports().get(0);
                assertEquals(Scheduler.Action.RAN, last.action(), last.message());
            }
            try (Repository repo = Repository.open(new LocalStorage(vol.mountPoint().resolve("vault")), () -> "pw".toCharArray())) {
                Restore.Options o = new Restore.Options();
                o.target = tmp.resolve("restored");
                Restore.run(repo, o);
            }
            Path got;
            try (Stream<Path> s = Files.walk(tmp.resolve("restored"))) {
                got = s.filter(p -> p.getFileName().toString().equals("f1.bin")).findFirst().orElseThrow().getParent();
            }
            for (int c = 1; c <= cycles; c++) {
                assertArrayEquals(Files.readAllBytes(src.resolve("f" + c + ".bin")), Files.readAllBytes(got.resolve("f" + c + ".bin")));
            }
            System.out.println("soak: " + cycles + " cycles, " + failed + " pulled mid-run");
        }
    }
}
