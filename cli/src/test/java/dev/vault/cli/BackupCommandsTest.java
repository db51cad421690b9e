package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end: the backup commands as a user types them, against real folders. */
class BackupCommandsTest {
    @TempDir
    Path tmp;
    Path ws;
    Path repo;
    CliRunner vault;

    @BeforeEach
    void setUp() throws IOException {
        ws = tmp.resolve("ws");
        repo = tmp.resolve("repo");
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("README.md"), "hello\n");
        Files.writeString(ws.resolve("src/Main.java"), "class Main {}\n");
        byte[] big = new byte[3 << 20];
        new Random(1).nextBytes(big);
        Files.write(ws.resolve("data.bin"), big);
        vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "correct horse");
    }

    CliRunner.Result ok(String... args) {
        CliRunner.Result r = vault.run(args);
        assertEquals(0, r.exitCode, r.toString());
        return r;
    }

    @Test
    void initBackupSnapshotsLsDiffRestoreCheckRoundTrip() throws IOException {
        ok("repo", "init", repo.toString());
        CliRunner.Result b1 = ok("backup", "--repo", repo.toString(), "--tag", "first", ws.toString());
        assertTrue(b1.out.contains("3 new, 0 changed, 0 unchanged"), b1.out);
        Files.writeString(ws.resolve("src/Main.java"), "class Main { int x; }\n");
        Files.writeString(ws.resolve("NEW.txt"), "new\n");
        CliRunner.Result b2 = ok("backup", "--repo", repo.toString(), "--json", ws.toString());
        JsonObject sum = JsonParser.parseString(b2.out.lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        assertEquals("summary", sum.get("type").getAsString());
        assertEquals(1, sum.get("filesNew").getAsInt());
        assertEquals(1, sum.get("filesChanged").getAsInt());
        assertEquals(2, sum.get("filesUnchanged").getAsInt());
        assertTrue(sum.get("bytesAdded").getAsLong() < 100_000, b2.out);

        JsonArray snaps = JsonParser.parseString(ok("snapshots", "--repo", repo.toString(), "--json").out).getAsJsonArray();
        assertEquals(2, snaps.size());
        String first = snaps.get(0).getAsJsonObject().get("id").getAsString();
        assertEquals("first", snaps.get(0).getAsJsonObject().get("tags").getAsJsonArray().get(0).getAsString());
        assertTrue(ok("snapshots", "--repo", repo.toString()).out.contains(first.substring(0, 8)));

        String ls = ok("ls", "--repo", repo.toString(), "latest").out;
        assertTrue(ls.contains("src/Main.java") && ls.contains("NEW.txt") && ls.contains("src/"), ls);
        assertTrue(ok("ls", "--repo", repo.toString(), first.substring(0, 8), "src").out.contains("src/Main.java"));

        String diff = ok("diff", "--repo", repo.toString(), first.substring(0, 8), "latest").out;
        assertTrue(diff.contains("+ NEW.txt") && diff.contains("M src/Main.java") && !diff.contains("README"), diff);

        Path out = tmp.resolve("restored");
        ok("restore", "--repo", repo.toString(), "latest", "--to", out.toString());
        for (String f : new String[] {"README.md", "src/Main.java", "data.bin", "NEW.txt"}) {
            assertArrayEquals(Files.readAllBytes(ws.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        Path part = tmp.resolve("part");
        ok("restore", "--repo", repo.toString(), first, "--to", part.toString(), "--path", "src");
        assertEquals("class Main {}\n", Files.readString(part.resolve("src/Main.java")));
        assertFalse(Files.exists(part.resolve("README.md")));

        assertTrue(ok("check", "--repo", repo.toString(), "--read-data").out.contains("No errors"));
        assertTrue(ok("check", "--repo", repo.toString(), "--read-data-subset", "50%").out.contains("No errors"));
    }

    @Test
    void defaultSourceIsTheWorkspaceAroundTheCurrentDirectory() throws IOException {
        Files.createDirectories(ws.resolve(".git"));
        ok("repo", "init", repo.toString(), "--no-encrypt");
        ok("backup", "--repo", repo.toString(), "-C", ws.resolve("src").toString());
        String ls = ok("ls", "--repo", repo.toString(), "latest").out;
        assertTrue(ls.contains("README.md") && ls.contains("src/Main.java"), ls);
    }

    @Test
    void exitCodesForMissingRepositoryWrongPasswordAndUsage() throws IOException {
        CliRunner.Result none = vault.run("snapshots", "--repo", tmp.resolve("nothing").toString());
        assertEquals(ExitCodes.NO_REPOSITORY, none.exitCode, none.toString());
        assertTrue(none.err.startsWith("vault: no vault repository at " + tmp.resolve("nothing")), none.err);
        ok("repo", "init", repo.toString());
        CliRunner.Result wrong = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "nope")
                .run("snapshots", "--repo", repo.toString());
        assertEquals(ExitCodes.WRONG_PASSWORD, wrong.exitCode, wrong.toString());
        assertFalse(wrong.err.contains("nope"));
        CliRunner.Result noPw = new CliRunner(tmp.resolve("config")).run("snapshots", "--repo", repo.toString());
        assertEquals(ExitCodes.USAGE, noPw.exitCode, noPw.toString());
        assertEquals(ExitCodes.USAGE, vault.run("backup", ws.toString()).exitCode);
        assertEquals(ExitCodes.USAGE, vault.run("forget", "--repo", repo.toString()).exitCode);
        assertEquals(ExitCodes.USAGE, vault.run("check", "--repo", repo.toString(), "--read-data-subset", "0%").exitCode);
        assertEquals(ExitCodes.FAILURE, vault.run("repo", "init", repo.toString()).exitCode);
        Path pwFile = tmp.resolve("pw.txt");
        Files.writeString(pwFile, "correct horse\n");
        assertEquals(0, new CliRunner(tmp.resolve("config")).run("snapshots", "--repo", repo.toString(),
                "--password-file", pwFile.toString()).exitCode);
    }

    /** The repository root is created only by 'repo init': a pulled drive's empty mount point stays empty. */
    @Test
    void noCommandButRepoInitCreatesARepositoryFolder() throws IOException {
        Path mountPoint = Files.createDirectories(tmp.resolve("media/usb")); // the drive is not mounted
        Path gone = mountPoint.resolve("vault");
        String[][] commands = {
            {"backup", "--repo", gone.toString(), ws.toString()},
            {"snapshots", "--repo", gone.toString()},
            {"check", "--read-data", "--repo", gone.toString()},
            {"forget", "--keep-last", "1", "--prune", "--repo", gone.toString()},
            {"prune", "--repo", gone.toString()},
            {"unlock", "--repo", gone.toString()},
            {"restore", "latest", "--repo", gone.toString(), "--to", tmp.resolve("out").toString()},
            {"backup", "--repo", mountPoint.toString(), ws.toString()},
        };
        for (String[] c : commands) {
            CliRunner.Result r = vault.run(c);
            assertEquals(ExitCodes.NO_REPOSITORY, r.exitCode, String.join(" ", c) + "\n" + r);
            assertTrue(r.err.startsWith("vault: no vault repository at "), r.err);
            assertFalse(Files.exists(gone), String.join(" ", c) + " created " + gone);
            try (var left = Files.list(mountPoint)) {
                assertEquals(0, left.count(), String.join(" ", c) + " wrote into the empty mount point");
            }
        }
        ok("repo", "init", gone.toString());
        ok("backup", "--repo", gone.toString(), ws.toString());
    }

    @Test
    void aTamperedConfigIsRefusedAndNothingIsWrittenUnencrypted() throws IOException {
        ok("repo", "init", repo.toString());
        ok("backup", "--repo", repo.toString(), ws.toString());
        Path config = repo.resolve("config");
        String original = Files.readString(config);
        assertTrue(original.contains("\"encrypted\":true"), original);
        long snapshotsBefore;
        try (var s = Files.list(repo.resolve("snapshots"))) {
            snapshotsBefore = s.count();
        }
        // someone with write access to the folder flips the flag: no backup may then go out in plaintext
        Files.writeString(config, original.replace("\"encrypted\":true", "\"encrypted\":false"));
        CliRunner.Result flipped = vault.run("backup", "--repo", repo.toString(), ws.toString());
        assertEquals(ExitCodes.FAILURE, flipped.exitCode, flipped.toString());
        assertEquals(1, flipped.err.lines().count(), flipped.err);
        assertTrue(flipped.err.contains("config of " + repo) && flipped.err.contains("has key files"), flipped.err);
        try (var s = Files.list(repo.resolve("snapshots"))) {
            assertEquals(snapshotsBefore, s.count());
        }
        // absurd sizes (a 2 GiB chunk buffer, 1-byte packs) are refused before any backup starts
        Files.writeString(config, original.replace("\"max\":8388608", "\"max\":2147483647"));
        CliRunner.Result huge = vault.run("backup", "--repo", repo.toString(), ws.toString());
        assertEquals(ExitCodes.NO_REPOSITORY, huge.exitCode, huge.toString());
        assertTrue(huge.err.contains("is damaged or was changed: chunker sizes"), huge.err);
        Files.writeString(config, original.replace("\"packSize\":16777216", "\"packSize\":1"));
        CliRunner.Result tiny = vault.run("snapshots", "--repo", repo.toString());
        assertEquals(ExitCodes.NO_REPOSITORY, tiny.exitCode, tiny.toString());
        assertTrue(tiny.err.contains("pack size 1 is outside"), tiny.err);
        Files.writeString(config, original);
        assertTrue(ok("check", "--repo", repo.toString(), "--read-data").out.contains("No errors"));
    }

    @Test
    void forgetPruneKeysAndUnlock() throws IOException {
        ok("repo", "init", repo.toString());
        for (int i = 0; i < 3; i++) {
            Files.writeString(ws.resolve("counter.txt"), "round " + i);
            byte[] big = new byte[1 << 20];
            new Random(10 + i).nextBytes(big);
            Files.write(ws.resolve("changing.bin"), big);
            ok("backup", "--repo", repo.toString(), ws.toString());
        }
        String dry = ok("forget", "--repo", repo.toString(), "--keep-last", "1", "--dry-run").out;
        assertTrue(dry.contains("Would remove 2 snapshot(s), kept 1."), dry);
        String forget = ok("forget", "--repo", repo.toString(), "--keep-last", "1", "--prune").out;
        assertTrue(forget.contains("Removed 2 snapshot(s)") && forget.contains("Pruned:"), forget);
        assertTrue(ok("check", "--repo", repo.toString(), "--read-data").out.contains("No errors"));
        assertTrue(ok("prune", "--repo", repo.toString()).out.contains("deleted 0 pack(s)"));

        CliRunner.Result none = vault.run("key", "add", "--repo", repo.toString());
        assertEquals(ExitCodes.USAGE, none.exitCode);
        vault.env("VAULT_NEW_PASSWORD", "second password");
        ok("key", "add", "--repo", repo.toString());
        CliRunner other = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "second password");
        String keys = other.run("key", "list", "--repo", repo.toString()).out;
        assertEquals(2, keys.lines().filter(l -> l.matches("^[ *] [0-9a-f]{8} .*")).count(), keys);
        vault.env("VAULT_NEW_PASSWORD", "third password");
        ok("key", "passwd", "--repo", repo.toString());
        assertEquals(ExitCodes.WRONG_PASSWORD, vault.run("snapshots", "--repo", repo.toString()).exitCode);
        assertEquals(0, other.run("snapshots", "--repo", repo.toString()).exitCode);

        assertTrue(ok("unlock", "--repo", repo.toString()).out.contains("Removed 0 lock(s)"));
    }

    @Test
    void restoreOfDamagedDataFailsLoudlyButRestoresTheRest() throws IOException {
        ok("repo", "init", repo.toString());
        ok("backup", "--repo", repo.toString(), ws.toString());
        // the biggest pack holds data.bin's chunks
        Path biggest;
        try (var s = Files.walk(repo.resolve("data"))) {
            biggest = s.filter(Files::isRegularFile).max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        byte[] b = Files.readAllBytes(biggest);
        b[b.length / 3] ^= 0x40;
        Files.write(biggest, b);
        CliRunner.Result check = vault.run("check", "--repo", repo.toString(), "--read-data");
        assertEquals(ExitCodes.FAILURE, check.exitCode, check.toString());
        assertTrue(check.out.contains("damaged: pack " + biggest.getFileName()), check.out);
        assertTrue(check.out.contains(": data.bin"), check.out);
        CliRunner.Result r = vault.run("restore", "--repo", repo.toString(), "latest", "--to", tmp.resolve("out").toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode, r.toString());
        assertTrue(r.err.contains("not restored: data.bin"), r.err);
        assertEquals("hello\n", Files.readString(tmp.resolve("out/README.md")));
        assertFalse(Files.exists(tmp.resolve("out/data.bin")));
    }

    @Test
    void unreadableSourceFileIsNamedRecordedAndGivesExitCodeThree() throws IOException {
        // /proc/self/mem looks like a regular file but fails to read (EIO): an unreadable file even for root
        Path mem = Path.of("/proc/self/mem");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(mem), "needs Linux /proc");
        ok("repo", "init", repo.toString());
        CliRunner.Result r = vault.run("backup", "--repo", repo.toString(), ws.toString(), mem.toString());
        assertEquals(ExitCodes.WARNINGS, r.exitCode, r.toString());
        assertTrue(r.err.contains("could not read mem"), r.err);
        JsonArray snaps = JsonParser.parseString(ok("snapshots", "--repo", repo.toString(), "--json").out).getAsJsonArray();
        assertTrue(snaps.get(0).getAsJsonObject().get("unreadable").getAsJsonArray().get(0).getAsString().startsWith("mem"));
        assertTrue(ok("ls", "--repo", repo.toString(), "latest").out.contains("ws/README.md"));
    }
}
