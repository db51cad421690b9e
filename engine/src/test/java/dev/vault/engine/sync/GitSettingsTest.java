package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.sync.Computers.Computer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSettingsTest {
    @TempDir
    Path tmp;

    private static long looseObjects(Path gitDir) throws Exception {
        try (Stream<Path> s = Files.walk(gitDir.resolve("objects"))) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")).count();
        }
    }

    @Test
    void automaticGcNeverRunsEvenIfSomeoneTurnedItOn() throws Exception {
        Computers net = new Computers(tmp);
        Computer laptop = net.join("laptop");
        Computer desktop = net.join("desktop");
        StoredConfig c = desktop.ws.repository().getConfig();
        c.setInt("gc", null, "auto", 1); // would pack after the first loose object
        c.setBoolean("fetch", null, "autogc", true);
        c.save();
        for (int i = 0; i < 5; i++) {
            laptop.write("f" + i + ".txt", "content " + i);
            laptop.sync();
            desktop.write("d" + i + ".txt", "desktop " + i);
            desktop.sync();
        }
        assertEquals(0, desktop.ws.repository().getConfig().getInt("gc", "auto", -1), "vault resets gc.auto");
        assertTrue(looseObjects(desktop.ws.gitDir()) >= 10, "objects committed locally stay loose: no gc ran");
        try (Stream<Path> s = Files.list(net.hub.resolve("objects").resolve("pack"))) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".bitmap")), "no gc on the hub either");
        }
    }

    @Test
    void userAndSystemGitConfigAreNeverRead() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "[core]\n\tautocrlf = true\n[user]\n\tname = Someone Else\n");
        org.eclipse.jgit.util.FS fs = org.eclipse.jgit.util.FS.DETECTED.newInstance().setUserHome(home.toFile());
        GitIsolation.install();
        var user = SystemReader.getInstance().openUserConfig(null, fs);
        user.load();
        assertEquals(null, user.getString("user", null, "name"), "~/.gitconfig must not be read");
        Computers net = new Computers(tmp);
        Computer laptop = net.join("laptop");
        assertEquals("false", laptop.ws.repository().getConfig().getString("core", null, "autocrlf"));
        assertEquals("laptop", laptop.ws.repository().getConfig().getString("user", null, "name"));
    }
}
