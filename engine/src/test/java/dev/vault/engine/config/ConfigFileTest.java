package dev.vault.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsSectionsAndNamedSections() {
        Path f = tmp.resolve("config");
        ConfigFile c = ConfigFile.empty(f, "vault config");
        c.section("sync", null).set("computer", "laptop").set("interval", "5m");
        c.section("target", "usb \"one\"").set("path", "E:\\vault backup");
        c.save();
        ConfigFile r = ConfigFile.load(f, "vault config");
        assertEquals("laptop", r.find("sync", null).orElseThrow().getString("computer", null));
        assertEquals(Duration.ofMinutes(5), r.find("sync", null).orElseThrow().getDuration("interval", null));
        assertEquals("E:\\vault backup", r.find("target", "usb \"one\"").orElseThrow().getString("path", null));
        assertEquals(1, r.sections("target").size());
    }

    @Test
    void badValueNamesFileLineAndKey() throws Exception {
        Path f = tmp.resolve("config");
        Files.writeString(f, "# c\n[sync]\n  computer = pc\n  interval = soon\n");
        ConfigFile c = ConfigFile.load(f, "");
        VaultException e = assertThrows(VaultException.class,
                () -> c.find("sync", null).orElseThrow().getDuration("interval", Duration.ZERO));
        assertTrue(e.getMessage().startsWith(f + ":4: sync.interval: 'soon' is not a duration"), e.getMessage());
    }

    @Test
    void syntaxErrorNamesLine() throws Exception {
        Path f = tmp.resolve("config");
        Files.writeString(f, "[sync]\ncomputer pc\n");
        VaultException e = assertThrows(VaultException.class, () -> ConfigFile.load(f, ""));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
    }

    @Test
    void durationsAndSizes() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 minutes"));
        assertEquals(100L * 1024 * 1024, Sizes.parse("100MiB"));
        assertEquals(2_000_000L, Sizes.parse("2MB"));
        assertEquals(4096L, Sizes.parse("4096"));
        assertEquals("1.5 MiB", Sizes.format(1536 * 1024));
    }
}
