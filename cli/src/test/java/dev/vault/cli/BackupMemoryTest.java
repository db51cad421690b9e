package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vault.fixtures.ChildJvm;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's memory does not grow with the data: a real {@code vault backup} process with a 64 MB heap
 * backs up a file of 2.5 times that size, through the same storage wrappers the CLI always uses.
 * (A pack held whole on the heap, or chunks queued without bound, make it fail with OutOfMemoryError.)
 */
class BackupMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aBackupOfAFileLargerThanTheHeapSucceedsWithASmallHeap() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Path big = src.resolve("big.bin");
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        Random r = new Random(7);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < 160; i++) {
                r.nextBytes(block);
                if (i % 2 == 0) {
                    java.util.Arrays.fill(block, 0, 1 << 19, (byte) i); // half compressible: both paths run
                }
                out.write(block);
                want.update(block);
            }
        }
        Path config = tmp.resolve("config");
        Path repo = tmp.resolve("repo");
        CliRunner vault = new CliRunner(config);
        assertEquals(0, vault.run("repo", "init", repo.toString(), "--no-encrypt").exitCode);

        try (ChildJvm backup = ChildJvm.start(List.of("-XX:+UseSerialGC", "-Xmx64m"), "dev.vault.cli.Main",
                List.of("backup", "--repo", repo.toString(), src.toString()),
                Map.of("VAULT_CONFIG_HOME", config.toString()), tmp.resolve("backup.log"))) {
            int code = backup.waitFor(300_000);
            assertEquals(0, code, Files.readString(tmp.resolve("backup.log")));
        }
        CliRunner.Result restore = vault.run("restore", "latest", "--repo", repo.toString(), "--to", tmp.resolve("out").toString());
        assertEquals(0, restore.exitCode, restore.toString());
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(tmp.resolve("out/big.bin"))) {
            byte[] b = new byte[1 << 20];
            for (int n; (n = in.read(b)) > 0; ) {
                got.update(b, 0, n);
            }
        }
        assertArrayEquals(want.digest(), got.digest());
    }
}
