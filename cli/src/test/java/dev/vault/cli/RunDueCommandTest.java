package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.Restore;
import dev.vault.engine.repo.storage.LocalStorage;
import dev.vault.fixtures.LoopVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDueCommandTest {
    @TempDir
    Path tmp;

    Path workspace() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("work/src"));
        Files.writeString(ws.resolve("Main.java"), "class Main {}\n");
        byte[] b = new byte[1_500_000];
        new Random(1).nextBytes(b);
        Files.write(tmp.resolve("work/blob.bin"), b);
        return tmp.resolve("work");
    }

    static void assertRestoresTo(Path repo, String password, Path expected, Path scratch) throws Exception {
        try (Repository r = Repository.open(new LocalStorage(repo), () -> password.toCharArray())) {
            Restore.Options o = new Restore.Options();
            o.target = scratch;
            Restore.run(r, o);
        }
        Path restoredRoot;
        try (Stream<Path> s = Files.walk(scratch)) {
            restoredRoot = s.filter(p -> p.getFileName().toString().equals("blob.bin")).findFirst().orElseThrow().getParent();
        }
        assertArrayEquals(Files.readAllBytes(expected.resolve("blob.bin")), Files.readAllBytes(restoredRoot.resolve("blob.bin")));
        assertEquals("class Main {}\n", Files.readString(restoredRoot.resolve("src/Main.java")));
    }

    @Test
    void runDueBacksUpToAUsbDriveWhereverItIsMountedNext() throws Exception {
        Path ws = workspace();
        CliRunner vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "pw");
        try (LoopVolume stick = LoopVolume.create(tmp, "VAULTSTICK", 48L << 20)) {
            Path first = stick.mountAt(tmp.resolve("media/first"));
            CliRunner.Result add = vault.run("target", "add", "stick", "--kind", "usb", "--path",
                    first.resolve("vault").toString(), "--source", ws.toString());
            assertEquals(0, add.exitCode, add.toString());
            stick.unmount();

            CliRunner.Result waiting = vault.run("run-due");
            assertEquals(0, waiting.exitCode, waiting.toString());
            assertTrue(waiting.out.startsWith("waiting for stick"), waiting.out);
            try (Stream<Path> s = Files.list(first)) {
                assertEquals(0, s.count(), "nothing written to the empty mount point");
            }

            Path second = stick.mountAt(tmp.resolve("media/second"));
            CliRunner.Result ran = vault.run("run-due");
            assertEquals(0, ran.exitCode, ran.toString());
            assertTrue(ran.out.contains("stick: backed up to " + second.resolve("vault")), ran.out);
            assertTrue(ran.out.contains("the drive is safe to unplug"), ran.out);
            assertTrue(ran.out.contains("retention last=10,daily=7,weekly=4,monthly=12: kept 1"), ran.out);
            assertTrue(Files.exists(second.resolve("vault/config")));
            assertRestoresTo(second.resolve("vault"), "pw", ws, tmp.resolve("restored"));

            CliRunner.Result again = vault.run("run-due", "--json");
            JsonArray arr = JsonParser.parseString(again.out).getAsJsonArray();
            assertEquals("not-due", arr.get(0).getAsJsonObject().get("action").getAsString(), again.out);

            CliRunner.Result check = vault.run("target", "check", "stick");
            assertEquals(0, check.exitCode, check.toString());
            assertTrue(check.out.contains("repository sound: 1 snapshot(s)"), check.out);
            CliRunner.Result list = vault.run("target", "list");
            assertTrue(list.out.contains("next run: next time it is plugged in"), list.out);
            assertFalse(list.out.contains("repository size: unknown"), list.out);
        }
    }

    @Test
    void wrongPasswordOnAnExistingTargetIsExit12NamingTheTarget() throws Exception {
        Path ws = workspace();
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        CliRunner vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "right");
        assertEquals(0, vault.run("target", "add", "nas", "--kind", "nas", "--path", nas.toString(), "-C", ws.toString())
                .exitCode);
        CliRunner.Result first = vault.run("run-due", "--target", "nas");
        assertEquals(0, first.exitCode, first.toString());
        CliRunner.Result wrong = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "wrong")
                .run("run-due", "--target", "nas", "--force");
        assertEquals(ExitCodes.WRONG_PASSWORD, wrong.exitCode, wrong.toString());
        assertTrue(wrong.err.startsWith("vault: target 'nas': "), wrong.err);
        CliRunner.Result dry = vault.run("run-due", "--force", "--dry-run");
        assertTrue(dry.out.contains("nas: would run"), dry.out);
    }

    @Test
    void unencryptedNasTargetNeedsNoPassword() throws Exception {
        Path ws = workspace();
        Path nas = Files.createDirectories(tmp.resolve("nas"));
        CliRunner vault = new CliRunner(tmp.resolve("config"));
        assertEquals(0, vault.run("target", "add", "nas", "--kind", "nas", "--path", nas.toString(), "--no-encrypt",
                "--source", ws.toString()).exitCode);
        CliRunner.Result r = vault.run("run-due");
        assertEquals(0, r.exitCode, r.toString());
        assertRestoresTo(nas, "unused", ws, tmp.resolve("restored"));

        Path enc = Files.createDirectories(tmp.resolve("enc"));
        assertEquals(0, vault.run("target", "add", "enc", "--kind", "nas", "--path", enc.toString(),
                "--source", ws.toString()).exitCode);
        CliRunner.Result noPw = vault.run("run-due", "--target", "enc");
        assertEquals(ExitCodes.USAGE, noPw.exitCode, noPw.toString());
        assertTrue(noPw.err.contains("target 'enc' is encrypted"), noPw.err);
    }
}
