package dev.vault.targets.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.Check;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.MutableClock;
import dev.vault.targets.AddTarget;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.schedule.Scheduler;
import dev.vault.targets.volume.ScriptedVolumeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup --all: one backup, copied to the sibling repositories of the other targets. */
class EngineRunnerReplicationTest {
    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2026-03-02T10:00", ZoneOffset.UTC);
    final ScriptedVolumeSource volumes = new ScriptedVolumeSource();

    Scheduler.PassResult all(Path home) {
        try (EngineRunner runner = new EngineRunner(() -> "pw".toCharArray(), clock)) {
            return new Scheduler(home, TargetRegistry.load(home), volumes, clock, runner)
                    .pass(new Scheduler.Options(Set.of(), true, false));
        }
    }

    static void assertRestores(Path repo, Path src, Path scratch) throws Exception {
        try (Repository r = Repository.open(new LocalStorage(repo), () -> "pw".toCharArray())) {
            assertTrue(Check.run(r, new Check.Options()).ok(), "check of " + repo);
            Restore.Options o = new Restore.Options();
            o.target = scratch;
            Restore.run(r, o);
        }
        Path got;
        try (Stream<Path> s = Files.walk(scratch)) {
            got = s.filter(p -> p.getFileName().toString().equals("a.bin")).findFirst().orElseThrow().getParent();
        }
        assertArrayEquals(Files.readAllBytes(src.resolve("a.bin")), Files.readAllBytes(got.resolve("a.bin")));
        assertEquals(Files.readString(src.resolve("notes.txt")), Files.readString(got.resolve("notes.txt")));
    }

    @Test
    void anEncryptedTargetWhoseRepositoryTurnedUnencryptedGetsNothingInPlaintext() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(src.resolve("secret.txt"), "the plan");
        Path home = tmp.resolve("home");
        new AddTarget(TargetRegistry.load(home), volumes, clock).call(new AddTarget.Options("cloud", TargetKind.CLOUD,
                tmp.resolve("cloud"), null, null, null, false, src));
        assertEquals(0, all(home).exitCode());
        Path config;
        try (Stream<Path> s = Files.walk(tmp.resolve("cloud"))) {
            config = s.filter(p -> p.getFileName().toString().equals("config") && Files.isDirectory(p.resolveSibling("keys")))
                    .findFirst().orElseThrow();
        }
        Path repo = config.getParent();
        // whoever can write to the synced folder replaces the repository's keys and config
        for (String dir : List.of("keys", "snapshots", "index")) {
            try (Stream<Path> s = Files.list(repo.resolve(dir))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.delete(p);
                }
            }
        }
        Files.writeString(config, Files.readString(config).replace("\"encrypted\":true", "\"encrypted\":false"));
        clock.advance(Duration.ofDays(2));
        Scheduler.PassResult again = all(home);
        assertNotEquals(0, again.exitCode(), again.toString());
        String msg = again.reports().get(0).message();
        // refused when opened (the packs left are not plaintext: docs/FORMAT.md §3.1), or by the target's own record
        assertTrue(msg.contains("says the repository is not encrypted")
                || msg.contains("target 'cloud' is encrypted") && msg.contains("nothing was written"), msg);
        try (Stream<Path> s = Files.list(repo.resolve("snapshots"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void oneBackupIsCopiedToEverySiblingTarget() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("work"));
        byte[] b = new byte[3 << 20];
        new Random(9).nextBytes(b);
        Files.write(src.resolve("a.bin"), b);
        Files.writeString(src.resolve("notes.txt"), "v1");
        Path home = tmp.resolve("home");
        for (String n : List.of("one", "two", "three")) {
            new AddTarget(TargetRegistry.load(home), volumes, clock).call(new AddTarget.Options(n, TargetKind.NAS,
                    tmp.resolve(n), null, null, null, false, src));
        }
        Scheduler.PassResult first = all(home);
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.reports().get(1).message().contains("copied"), first.reports().get(1).message());
        assertTrue(first.reports().get(2).message().contains("from target 'one'"), first.reports().get(2).message());
        String snap = first.reports().get(0).snapshot();
        assertEquals(snap, first.reports().get(2).snapshot());
        assertEquals(Repository.peekId(new LocalStorage(tmp.resolve("one"))), Repository.peekId(new LocalStorage(tmp.resolve("three"))));

        Files.writeString(src.resolve("notes.txt"), "v2");
        clock.advance(Duration.ofHours(1));
        Scheduler.PassResult second = all(home);
        assertEquals(0, second.exitCode(), second.toString());
        for (String n : List.of("one", "two", "three")) {
            assertRestores(tmp.resolve(n), src, tmp.resolve("restored-" + n));
        }
    }

    @Test
    void anUnrelatedRepositoryGetsItsOwnBackup() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("work"));
        Files.write(src.resolve("a.bin"), new byte[1000]);
        Files.writeString(src.resolve("notes.txt"), "x");
        Path home = tmp.resolve("home");
        // two repositories made independently (e.g. on two computers): not siblings
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path other = Files.createDirectories(tmp.resolve("other"));
        for (Path p : List.of(first, other)) {
            Repository.InitOptions io = new Repository.InitOptions();
            io.encrypt = false;
            Repository.init(new LocalStorage(p), io).close();
        }
        new AddTarget(TargetRegistry.load(home), volumes, clock).call(new AddTarget.Options("first", TargetKind.NAS,
                first, null, null, null, true, src));
        new AddTarget(TargetRegistry.load(home), volumes, clock).call(new AddTarget.Options("other", TargetKind.NAS,
                other, null, null, null, true, src));
        Scheduler.PassResult r = all(home);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(!r.reports().get(1).message().contains("copied"), r.reports().get(1).message());
        assertNotEquals(Repository.peekId(new LocalStorage(first)), Repository.peekId(new LocalStorage(other)));
        assertRestores(other, src, tmp.resolve("restored-other"));
        assertRestores(tmp.resolve("first"), src, tmp.resolve("restored-first"));
    }
}
