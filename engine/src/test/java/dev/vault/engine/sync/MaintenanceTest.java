package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.fixtures.FileTrees;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceTest {
    @TempDir
    Path tmp;

    @AfterEach
    void restoreLimits() {
        Maintenance.looseLimit = 4000;
        Maintenance.packLimit = 50;
        Maintenance.minInterval = java.time.Duration.ofHours(2);
    }

    @Test
    void workspaceAndHubAreRepackedByVaultWhenThresholdsAreCrossed() throws Exception {
        Computers net = new Computers(tmp);
        Computers.Computer laptop = net.join("laptop");
        Computers.Computer desktop = net.join("desktop");
        for (int i = 0; i < 300; i++) {
            laptop.write("f" + i + ".txt", "content " + i);
        }
        laptop.sync();
        for (int i = 0; i < 4; i++) {
            laptop.write("g" + i + ".txt", "more " + i);
            laptop.sync();
        }
        long looseBefore = Maintenance.estimateLooseObjects(laptop.ws.gitDir().resolve("objects"));
        long hubPacksBefore = Maintenance.packCount(net.hub.resolve("objects"));
        assertTrue(looseBefore > 0, "commits made loose objects");
        assertTrue(hubPacksBefore >= 5, "each push added a pack to the hub: " + hubPacksBefore);
        try (var hub = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(net.hub.toFile()).build()) {
            hub.getConfig().setString("gc", null, "prunePackExpire", "now"); // see replaced packs go at once
            hub.getConfig().save();
        }
        Maintenance.looseLimit = 1;
        Maintenance.packLimit = 2;
        laptop.write("last.txt", "last");
        laptop.sync();
        assertEquals(0, Maintenance.estimateLooseObjects(laptop.ws.gitDir().resolve("objects")), "workspace repacked");
        assertTrue(Maintenance.packCount(net.hub.resolve("objects")) <= 2, "hub repacked");
        for (int i = 0; i < 3; i++) {
            laptop.write("again" + i + ".txt", "again");
            laptop.sync();
        }
        assertTrue(Maintenance.packCount(net.hub.resolve("objects")) >= 4, "no second hub repack within two hours");
        net.clock.advance(java.time.Duration.ofHours(3));
        laptop.write("later.txt", "later");
        laptop.sync();
        assertTrue(Maintenance.packCount(net.hub.resolve("objects")) <= 2, "repacked again after two hours");
        desktop.sync();
        assertEquals("", FileTrees.diff(FileTrees.ofBranch(net.hub, "refs/heads/main"), FileTrees.ofFolder(desktop.root())));
        assertEquals("", FileTrees.diff(FileTrees.ofBranch(net.hub, "refs/heads/main"), FileTrees.ofFolder(laptop.root())));
    }
}
