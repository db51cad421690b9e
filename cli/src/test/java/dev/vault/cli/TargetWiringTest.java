package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.targets.TargetMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository commands and export working on registered targets: backup --target/--all, restore --target, export. */
class TargetWiringTest {
    @TempDir
    Path tmp;

    Path workspace() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("work/docs"));
        Files.writeString(ws.resolve("plan.md"), "step 1\n");
        byte[] b = new byte[700_000];
        new Random(5).nextBytes(b);
        Files.write(tmp.resolve("work/data.bin"), b);
        return tmp.resolve("work");
    }

    static Path find(Path root, String name) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
        }
    }

    @Test
    void backupAllWritesToEveryConnectedTargetAndRestoreAndExportUseTarget() throws Exception {
        Path ws = workspace();
        CliRunner vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "pw");
        for (String n : new String[] {"a", "b", "c"}) {
            CliRunner.Result add = vault.run("target", "add", n, "--kind", "nas", "--path", tmp.resolve("t-" + n).toString(),
                    "--source", ws.toString());
            assertEquals(0, add.exitCode, add.toString());
        }
        // c is absent: its marker is gone
        Files.delete(tmp.resolve("t-c").resolve(TargetMarker.FILE_NAME));

        CliRunner.Result all = vault.run("backup", "--all");
        assertEquals(0, all.exitCode, all.toString());
        assertTrue(all.out.contains("a: backed up to " + tmp.resolve("t-a")), all.out);
        assertTrue(all.out.contains("b: backed up to " + tmp.resolve("t-b")), all.out);
        assertTrue(all.out.contains("waiting for c"), all.out);
        assertTrue(Files.exists(tmp.resolve("t-a/config")) && Files.exists(tmp.resolve("t-b/config")));
        assertFalse(Files.exists(tmp.resolve("t-c/config")), "no marker, nothing written");

        CliRunner.Result one = vault.run("backup", "--target", "a");
        assertEquals(0, one.exitCode, one.toString());
        CliRunner.Result absent = vault.run("backup", "--target", "c");
        assertEquals(ExitCodes.NO_REPOSITORY, absent.exitCode, absent.toString());
        assertTrue(absent.out.contains("waiting for c"), absent.toString());

        CliRunner.Result snaps = vault.run("snapshots", "--target", "a");
        assertEquals(0, snaps.exitCode, snaps.toString());
        CliRunner.Result restore = vault.run("restore", "latest", "--target", "b", "--to", tmp.resolve("restored").toString());
        assertEquals(0, restore.exitCode, restore.toString());
        assertArrayEquals(Files.readAllBytes(ws.resolve("data.bin")), Files.readAllBytes(find(tmp.resolve("restored"), "data.bin")));
        CliRunner.Result waiting = vault.run("restore", "latest", "--target", "c", "--to", tmp.resolve("r2").toString());
        assertEquals(ExitCodes.NO_REPOSITORY, waiting.exitCode, waiting.toString());
        assertTrue(waiting.err.startsWith("vault: waiting for c ("), waiting.err);

        Path bundle = tmp.resolve("export.vaultbundle");
        CliRunner.Result ex = vault.run("export", "latest", "--target", "a", "--to", bundle.toString(), "--encrypt");
        assertEquals(0, ex.exitCode, ex.toString());
        assertTrue(ex.out.startsWith("Exported snapshot "), ex.out);
        CliRunner.Result back = vault.run("restore", "--bundle", bundle.toString(), "--to", tmp.resolve("from-bundle").toString());
        assertEquals(0, back.exitCode, back.toString());
        assertArrayEquals(Files.readAllBytes(ws.resolve("data.bin")), Files.readAllBytes(find(tmp.resolve("from-bundle"), "data.bin")));
        assertEquals("step 1\n", Files.readString(find(tmp.resolve("from-bundle"), "plan.md")));

        CliRunner.Result wrong = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "bad")
                .run("restore", "--bundle", bundle.toString(), "--to", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.WRONG_PASSWORD, wrong.exitCode, wrong.toString());
        assertFalse(Files.exists(tmp.resolve("nope")));

        assertEquals(ExitCodes.USAGE, vault.run("backup", "--target", "a", "--repo", tmp.toString()).exitCode);
        assertEquals(ExitCodes.USAGE, vault.run("restore", "--to", tmp.resolve("x").toString()).exitCode);
    }
}
