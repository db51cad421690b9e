package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultCliTest {
    @TempDir
    Path tmp;

    @Test
    void helpListsCommandsAndExitsZero() {
        CliRunner.Result r = new CliRunner(tmp).run("--help");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Usage: vault"), r.toString());
    }

    @Test
    void unknownCommandIsUsageErrorWithOneLineHint() {
        CliRunner.Result r = new CliRunner(tmp).run("frobnicate");
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("vault: "), r.toString());
        assertTrue(r.err.contains("vault --help"), r.toString());
    }

    @Test
    void noCommandIsUsageError() {
        CliRunner.Result r = new CliRunner(tmp).run();
        assertEquals(2, r.exitCode, r.toString());
    }
}
