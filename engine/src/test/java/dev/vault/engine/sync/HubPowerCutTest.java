package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.fixtures.BareHubs;
import dev.vault.fixtures.FileTrees;
import dev.vault.fixtures.LoopVolume;
import dev.vault.fixtures.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut on the hub's drive right after vault said "sent": a real ext4 volume, loop-mounted, is
 * shut down without flushing its journal (what the drive had not been told to keep is gone), then
 * mounted again. The commits must be in the hub, whole, and the next round has nothing to resend.
 */
class HubPowerCutTest {
    @TempDir
    Path tmp;

    @Test
    void pushedCommitsSurviveAPowerCutRightAfterSent() throws Exception {
        String why = LoopVolume.powerCutUnavailableReason();
        Assumptions.assumeTrue(why == null, () -> "cannot cut the power of a volume here: " + why);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (LoopVolume usb = LoopVolume.create(tmp, "hubdrive", 64L << 20)) {
            Path mnt = usb.mountAt(tmp.resolve("mnt"));
            Path hub = BareHubs.create(mnt.resolve("hub.git"), "main");
            new ProcessBuilder("sync").start().waitFor(); // the empty hub existed long before the cut
            WorkspaceSetup.Result joined = WorkspaceSetup.join(hub.toString(), tmp.resolve("laptop"), "laptop",
                    new SyncEngine.Options().clock(clock));
            try (Workspace ws = joined.workspace) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 20; i++) {
                        Files.writeString(ws.root().resolve("round" + round + "-file" + i + ".txt"), "content " + round + "/" + i + "\n");
                    }
                    clock.advance(java.time.Duration.ofSeconds(30));
                    SyncResult r = new SyncEngine(ws, new SyncEngine.Options().clock(clock)).run();
                    assertTrue(r.pushed, r.summary());
                }
                String sent = ws.repository().resolve("HEAD").name();

                usb.powerCut(); // right after "sent": nothing more reaches the disk
                usb.unmount();
                usb.mountAt(tmp.resolve("mnt"));

                try (Repository h = new FileRepositoryBuilder().setGitDir(hub.toFile()).setMustExist(true).build()) {
                    assertEquals(sent, h.resolve("refs/heads/main").name(), "the hub's branch after the power cut");
                }
                Map<String, byte[]> tree = FileTrees.ofBranch(hub, "refs/heads/main");
                assertEquals(60, tree.size());
                assertEquals("content 2/19\n", new String(tree.get("round2-file19.txt"), StandardCharsets.UTF_8));
                if (GitCli.available()) {
                    assertEquals(0, fsck(hub), "git fsck --strict on the hub after the power cut");
                }
                clock.advance(java.time.Duration.ofSeconds(30));
                SyncResult next = new SyncEngine(ws, new SyncEngine.Options().clock(clock)).run();
                assertNull(next.hubWentBack, next.summary());
                assertEquals(SyncResult.Outcome.UP_TO_DATE, next.outcome, next.summary());
            }
        }
    }

    private static int fsck(Path gitDir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("git", "--git-dir=" + gitDir, "fsck", "--strict", "--no-progress").inheritIO();
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", gitDir.getParent().toString());
        return pb.start().waitFor();
    }
}
