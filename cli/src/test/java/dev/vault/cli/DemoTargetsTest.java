package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTargetsTest {
    @TempDir
    Path tmp;

    @Test
    void demoBacksUpToAUsbStyleTargetFindsItUnderAnotherLetterAndExports() throws Exception {
        Path demo = tmp.resolve("demo");
        CliRunner.Result r = new CliRunner(tmp.resolve("config")).run("demo", "--dir", demo.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("stick: backed up to drives/E/vault"), r.out);
        assertTrue(r.out.contains("the drive is safe to unplug"), r.out);
        assertTrue(r.out.contains("stick: backed up to drives/F/vault"), r.out);
        assertTrue(r.out.contains("restored/plans/trip.md: Leave Friday. Pack the tent."), r.out);
        assertTrue(Files.exists(demo.resolve("drives/F/vault/config")));
        assertTrue(Files.notExists(tmp.resolve("config/targets")), "the demo never touches the user's own targets");
    }
}
