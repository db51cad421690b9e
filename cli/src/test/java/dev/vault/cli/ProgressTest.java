package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line's figures: files, bytes, rate and ETA (the terminal itself is not available to tests). */
class ProgressTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void terminalLineShowsFilesBytesRateAndEta() {
        // 40 MiB of 100 MiB in 4 s: 10 MiB/s, 60 MiB left -> 6 s
        Progress.Figures f = new Progress.Figures(120, 300, 40 * MIB, 100 * MIB, true, "src/a.txt");
        assertEquals("backup 120/300 files, 40.0 MiB/100.0 MiB, 10.0 MiB/s, ETA 6.0s", Progress.terminalLine("backup", f, 4.0));
    }

    @Test
    void etaIsUnknownWhileTheTotalsAreStillCounted() {
        Progress.Figures f = new Progress.Figures(5, 9, 3 * MIB, 4 * MIB, false, "");
        assertTrue(Progress.terminalLine("restore", f, 1.0).endsWith("ETA ?"), Progress.terminalLine("restore", f, 1.0));
        Map<String, Object> m = Progress.jsonLine(f, 1.0);
        assertNull(m.get("etaSeconds"));
        assertEquals(3L * MIB, m.get("bytesPerSecond"));
        assertEquals("progress", m.get("type"));
    }

    @Test
    void longLinesAreCutToFitATerminal() {
        Progress.Figures f = new Progress.Figures(Long.MAX_VALUE / 2, Long.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE, true, "");
        String line = Progress.terminalLine("a-very-long-verb-".repeat(3), f, 1e-3);
        assertEquals(100, line.length(), line);
    }
}
