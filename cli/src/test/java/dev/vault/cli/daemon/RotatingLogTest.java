package dev.vault.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLogTest {
    @TempDir
    Path tmp;

    @Test
    void rollsOverAtTheLimitKeepingOnlyAFewFiles() throws Exception {
        Path f = tmp.resolve("daemon.log");
        RotatingLog log = new RotatingLog(f, 1000, 3, Clock.systemUTC());
        for (int i = 0; i < 200; i++) {
            log.log("line " + i + " " + "x".repeat(40));
        }
        assertTrue(Files.size(f) <= 1000);
        assertTrue(Files.exists(tmp.resolve("daemon.log.1")));
        assertTrue(Files.exists(tmp.resolve("daemon.log.3")));
        assertFalse(Files.exists(tmp.resolve("daemon.log.4")));
        String last = Files.readAllLines(f).get(Files.readAllLines(f).size() - 1);
        assertTrue(last.contains("line 199 "), last);
        assertEquals(0, Files.readString(tmp.resolve("daemon.log.1")).lines().filter(l -> l.contains("line 199 ")).count());
    }
}
