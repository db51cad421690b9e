package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoRepositoryTest {
    @TempDir
    Path tmp;

    @Test
    void demoBacksUpTwiceStoresOnlyTheChangeAndRestoresIdentically() throws Exception {
        Path demo = tmp.resolve("demo");
        CliRunner.Result r = new CliRunner(tmp.resolve("config")).run("demo", "--dir", demo.toString());
        assertEquals(0, r.exitCode, r.toString());
        Matcher second = Pattern.compile("snapshot (\\w+): 1 changed, 0 new, (\\d+) unchanged").matcher(r.out);
        assertTrue(second.find(), r.out);
        assertTrue(Integer.parseInt(second.group(2)) > 0, r.out);
        assertTrue(r.out.contains("files, byte-identical to the laptop"), r.out);
        Path restoredTrip = demo.resolve("restored-snapshot/plans/trip.md");
        assertTrue(Files.readString(restoredTrip).endsWith("Book the ferry.\n"), Files.readString(restoredTrip));
        assertTrue(Files.exists(demo.resolve("backups/config")), "the repository is left for the user to look at");
        assertTrue(r.out.contains("backups  " + demo.resolve("backups")), r.out);
    }
}
