package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real encrypted repository in a temp folder, used as a user would (backups, forget --prune, listings,
 * so this computer's cache is warm), then damaged with plain file operations: every file kind flipped,
 * truncated, zeroed, swapped, deleted or replayed from an older state. {@code check --read-data} must
 * name the file and exit as documented (README: 1 damage, 3 files gone since seen), and a restore must
 * never leave wrong bytes under a final name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryTrustTest {
    @TempDir
    static Path tmp;
    Path ws;
    Path template;
    CliRunner vault;
    /** An index file and snapshot file as they were before forget --prune replaced them. */
    List<Path> oldIndexes;
    Path oldSnapshot;
    /** The key file of the second password: damaging it leaves the repository open with the first. */
    String otherKey;
    int caseNo;
    static final dev.vault.engine.repo.crypto.KeyFile.KdfParams FAST_KDF = new dev.vault.engine.repo.crypto.KeyFile.KdfParams(1 << 10, 8, 1);

    @BeforeAll
    void setUp() throws IOException {
        ws = tmp.resolve("ws");
        template = tmp.resolve("repo");
        Files.createDirectories(ws.resolve("src"));
        Files.writeString(ws.resolve("README.md"), "hello\n");
        Files.writeString(ws.resolve("src/Main.java"), "class Main {}\n");
        Files.write(ws.resolve("keep.bin"), random(2 << 20, 1));
        Files.write(ws.resolve("old.bin"), random(2 << 20, 2));
        vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "correct horse");
        // made as 'vault repo init' makes it, with a cheap scrypt so that the many commands below stay quick
        dev.vault.engine.repo.Repository.InitOptions io = new dev.vault.engine.repo.Repository.InitOptions();
        io.password = "correct horse".toCharArray();
        io.kdf = FAST_KDF;
        dev.vault.engine.repo.Repository.init(new dev.vault.engine.repo.storage.LocalStorage(template), io).close();
        ok("backup", "--repo", template.toString(), ws.toString());
        Path saved = Files.createDirectories(tmp.resolve("saved"));
        Path sn = only(template.resolve("snapshots"));
        oldIndexes = new ArrayList<>();
        for (Path i : files(template.resolve("index"))) {
            oldIndexes.add(Files.copy(i, Files.createDirectories(saved.resolve("index")).resolve(i.getFileName())));
        }
        oldSnapshot = Files.copy(sn, Files.createDirectories(saved.resolve("snapshots")).resolve(sn.getFileName()));
        Files.delete(ws.resolve("old.bin"));
        Files.writeString(ws.resolve("README.md"), "hello again\n");
        ok("backup", "--repo", template.toString(), ws.toString());
        ok("forget", "--repo", template.toString(), "--keep-last", "1", "--prune");
        // a second password: two key files, and a second index file from a third backup
        List<Path> keysBefore = files(template.resolve("keys"));
        try (dev.vault.engine.repo.Repository r = dev.vault.engine.repo.Repository.open(
                new dev.vault.engine.repo.storage.LocalStorage(template), () -> "correct horse".toCharArray())) {
            dev.vault.engine.repo.Keys.add(r, "second password".toCharArray(), FAST_KDF);
        }
        otherKey = files(template.resolve("keys")).stream().filter(k -> !keysBefore.contains(k)).findFirst().orElseThrow()
                .getFileName().toString();
        Files.writeString(ws.resolve("src/Other.java"), "class Other {}\n");
        ok("backup", "--repo", template.toString(), ws.toString());
        // warm this computer's cache: snapshot and index copies, and index.bin
        ok("snapshots", "--repo", template.toString());
        ok("ls", "--repo", template.toString(), "latest");
        assertTrue(ok("check", "--repo", template.toString(), "--read-data").out.contains("No errors"));
        assertEquals(2, files(template.resolve("index")).size());
        assertEquals(2, files(template.resolve("snapshots")).size());
        assertEquals(2, files(template.resolve("keys")).size());
        for (Path i : oldIndexes) {
            assertFalse(Files.exists(template.resolve("index").resolve(i.getFileName())), "replaced by prune");
        }
    }

    CliRunner.Result ok(String... args) {
        CliRunner.Result r = timed(vault, args);
        assertEquals(0, r.exitCode, r.toString());
        return r;
    }

    /** Runs one command (a seam for timing them while tuning this test). */
    static CliRunner.Result timed(CliRunner v, String... args) {
        CliRunner.Result r = v.run(args);
        return r;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static Path only(Path dir) throws IOException {
        List<Path> f = files(dir);
        assertEquals(1, f.size(), f.toString());
        return f.get(0);
    }

    /** This computer's cache folder for the template's repository id (shared by every copy of it). */
    Path cacheDir() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("config/cache/repos"))) {
            return s.findFirst().orElseThrow();
        }
    }

    /** A fresh copy of the repository (same id, so this computer's warm cache applies to it). */
    Path copy() throws IOException {
        Path to = tmp.resolve("case-" + (++caseNo));
        for (Path f : files(template)) {
            Path dst = to.resolve(template.relativize(f).toString());
            Files.createDirectories(dst.getParent());
            Files.copy(f, dst, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return to;
    }

    /** The file of that kind to damage, and a second one to swap it with. */
    List<Path> ofKind(Path repo, String kind) throws IOException {
        return switch (kind) {
            case "index" -> files(repo.resolve("index"));
            case "snapshot" -> files(repo.resolve("snapshots"));
            case "key" -> {
                // the second password's key first: the repository still opens with the first one
                List<Path> k = new ArrayList<>(files(repo.resolve("keys")));
                k.sort((a, b) -> Boolean.compare(!a.getFileName().toString().equals(otherKey), !b.getFileName().toString().equals(otherKey)));
                yield k;
            }
            case "pack" -> {
                // the biggest packs: data packs holding keep.bin's chunks
                List<Path> p = new ArrayList<>(files(repo.resolve("data")));
                p.sort((a, b) -> Long.compare(b.toFile().length(), a.toFile().length()));
                yield p;
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static Stream<Arguments> damage() {
        List<Arguments> out = new ArrayList<>();
        for (String kind : new String[] {"index", "snapshot", "pack", "key"}) {
            for (String how : new String[] {"flip", "truncate", "zero", "swap"}) {
                out.add(Arguments.of(kind, how));
            }
        }
        out.add(Arguments.of("index", "delete"));
        out.add(Arguments.of("pack", "delete"));
        out.add(Arguments.of("key", "delete"));
        return out.stream();
    }

    static void apply(String how, Path f, Path other) throws IOException {
        byte[] b = Files.readAllBytes(f);
        switch (how) {
            case "flip" -> {
                b[b.length / 2] ^= 0x01;
                Files.write(f, b);
            }
            case "truncate" -> Files.write(f, Arrays.copyOf(b, b.length / 2));
            case "zero" -> Files.write(f, new byte[b.length]);
            case "swap" -> {
                Path t = f.resolveSibling("swap.tmp");
                Files.move(f, t);
                Files.move(other, f);
                Files.move(t, other);
            }
            case "delete" -> {
                if (f.getParent().getFileName().toString().equals("keys")) {
                    for (Path k : files(f.getParent())) {
                        Files.delete(k); // every key: deleting one is what 'vault key remove' does
                    }
                } else {
                    Files.delete(f);
                }
            }
            default -> throw new IllegalArgumentException(how);
        }
    }

    @ParameterizedTest(name = "{1} a {0} file")
    @MethodSource("damage")
    void checkNamesEveryDamagedFileWithAWarmCache(String kind, String how) throws IOException {
        Path repo = copy();
        List<Path> of = ofKind(repo, kind);
        Path f = of.get(0);
        apply(how, f, of.get(1));
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString(), "--read-data");
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        String name = f.getFileName().toString();
        String other = of.get(1).getFileName().toString();
        if (kind.equals("key") && how.equals("delete")) {
            assertTrue(c.err.contains("has no key files left (keys/ is empty)"), c.toString());
        } else if (kind.equals("index") && how.equals("delete")) {
            // a file that is gone cannot be named; what it listed can: its packs and the files they hold
            assertTrue(c.out.contains("is in no index") && c.out.contains("affected: snapshot "), c.toString());
        } else if (kind.equals("pack") && how.equals("delete")) {
            assertTrue(c.out.contains("damaged: pack " + name + " is missing"), c.toString());
        } else if (how.equals("swap")) {
            assertTrue(c.out.contains(name) && c.out.contains(other), "both swapped files are named\n" + c);
        } else {
            assertTrue(c.out.contains(name), c.toString());
        }
        if ((kind.equals("index") || kind.equals("snapshot")) && !how.equals("delete")) {
            // the cache has an intact copy of this file; normal commands still believe the drive
            CliRunner.Result ls = timed(vault, "ls", "--repo", repo.toString(), "latest");
            CliRunner.Result snaps = timed(vault, "snapshots", "--repo", repo.toString(), "--json");
            boolean noticed = ls.exitCode != 0 || !ls.out.contains("src/Other.java")
                    || JsonParser.parseString(snaps.out).getAsJsonArray().size() < 2;
            assertTrue(noticed, "the damaged " + kind + " file went unnoticed:\n" + ls + snaps);
        }
        if (kind.equals("pack") || kind.equals("index")) {
            assertRestoreWritesNoWrongBytes(repo);
        }
    }

    /** Every file a restore leaves under its final name has exactly the bytes that were backed up. */
    void assertRestoreWritesNoWrongBytes(Path repo) throws IOException {
        Path out = tmp.resolve("out-" + caseNo);
        CliRunner.Result r = timed(vault, "restore", "--repo", repo.toString(), "latest", "--to", out.toString());
        if (!Files.isDirectory(out)) {
            assertNotEquals(0, r.exitCode, r.toString());
            return;
        }
        for (Path f : files(out)) {
            String rel = out.relativize(f).toString();
            assertTrue(Files.exists(ws.resolve(rel)), "restore made up " + rel + "\n" + r);
            assertArrayEquals(Files.readAllBytes(ws.resolve(rel)), Files.readAllBytes(f), rel + "\n" + r);
        }
    }

    @Test
    void aReplayedOldIndexIsNamedAndPruneStillKeepsEverySnapshotWhole() throws IOException {
        Path repo = copy();
        for (Path i : oldIndexes) {
            Files.copy(i, repo.resolve("index").resolve(i.getFileName()));
        }
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString(), "--read-data");
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        assertTrue(oldIndexes.stream().anyMatch(i -> c.out.contains("is missing (listed by index/" + i.getFileName() + ")")), c.toString());
        // every snapshot still restores: readers use a copy that exists
        assertRestoreWritesNoWrongBytes(repo);
        assertEquals(0, timed(vault, "restore", "--repo", repo.toString(), "latest", "--to", tmp.resolve("full").toString()).exitCode);
        ok("prune", "--repo", repo.toString());
        assertTrue(ok("check", "--repo", repo.toString(), "--read-data").out.contains("No errors"));
        Path again = tmp.resolve("after-prune");
        ok("restore", "--repo", repo.toString(), "latest", "--to", again.toString());
        for (String f : new String[] {"README.md", "src/Main.java", "src/Other.java", "keep.bin"}) {
            assertArrayEquals(Files.readAllBytes(ws.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void pruneDeletesNothingWhenAnIndexFileIsMissing() throws IOException {
        for (Path index : files(template.resolve("index"))) {
            Path repo = copy();
            Files.delete(repo.resolve("index").resolve(index.getFileName()));
            List<Path> before = files(repo);
            CliRunner.Result p = timed(vault, "prune", "--repo", repo.toString());
            assertEquals(ExitCodes.FAILURE, p.exitCode, p.toString());
            assertTrue(p.err.contains("prune stopped without deleting anything"), p.toString());
            assertEquals(before, files(repo), "the packs that only the deleted index file listed are still there");
        }
    }

    @Test
    void aReplayedForgottenSnapshotIsNamedWithWhatItLacks() throws IOException {
        Path repo = copy();
        Files.copy(oldSnapshot, repo.resolve("snapshots").resolve(oldSnapshot.getFileName()));
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString(), "--read-data");
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        assertTrue(c.out.contains("affected: snapshot " + oldSnapshot.getFileName().toString().substring(0, 8)), c.toString());
    }

    @Test
    void aDeletedSnapshotThisComputerSawIsNamedAsGone() throws IOException {
        Path repo = copy();
        Path snap = files(repo.resolve("snapshots")).get(0);
        Files.delete(snap);
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString(), "--read-data");
        assertEquals(ExitCodes.WARNINGS, c.exitCode, c.toString());
        assertTrue(c.out.contains("gone: snapshots/" + snap.getFileName()), c.toString());
    }

    @Test
    void aChangedConfigIsRefusedWithAClearError() throws IOException {
        for (String[] edit : new String[][] {
            {"\"packSize\":16777216", "\"packSize\":16777217"},
            {"\"min\":524288", "\"min\":524289"},
            {"\"mac\":\"", "\"mac\":\"00"},
        }) {
            Path repo = copy();
            Path config = repo.resolve("config");
            String text = Files.readString(config);
            assertTrue(text.contains(edit[0]), text);
            Files.writeString(config, text.replace(edit[0], edit[1]));
            CliRunner.Result c = timed(vault, "check", "--repo", repo.toString());
            assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
            assertTrue(c.err.contains("config file of " + repo + " was changed or damaged"), c.toString());
            CliRunner.Result b = vault.run("backup", "--repo", repo.toString(), ws.toString());
            assertEquals(ExitCodes.FAILURE, b.exitCode, b.toString());
        }
        // removing the MAC is a change too
        Path repo = copy();
        Path config = repo.resolve("config");
        Files.writeString(config, Files.readString(config).replaceAll(",\"mac\":\"[0-9a-f]+\"", ""));
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString());
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        assertTrue(c.err.contains("its MAC is missing"), c.toString());
        // flipped, truncated or zeroed: damaged (exit 10, no usable repository there)
        for (String how : new String[] {"flip", "truncate", "zero"}) {
            Path r = copy();
            apply(how, r.resolve("config"), null);
            CliRunner.Result x = timed(vault, "check", "--repo", r.toString());
            assertNotEquals(0, x.exitCode, x.toString());
            assertTrue(x.err.contains("config"), x.toString());
        }
    }

    @Test
    void anEncryptedRepositoryNeverTurnsIntoAPlaintextOne() throws IOException {
        // keys deleted and the config rewritten to "not encrypted" (MAC dropped): refused, nothing written
        for (boolean keepCache : new boolean[] {true, false}) {
            Path repo = copy();
            for (Path k : files(repo.resolve("keys"))) {
                Files.delete(k);
            }
            Path config = repo.resolve("config");
            Files.writeString(config, Files.readString(config).replace("\"encrypted\":true", "\"encrypted\":false")
                    .replaceAll(",\"mac\":\"[0-9a-f]+\"", ""));
            CliRunner runner = vault;
            if (!keepCache) {
                runner = new CliRunner(tmp.resolve("other-computer-" + caseNo));
            }
            List<Path> before = files(repo);
            CliRunner.Result b = runner.run("backup", "--repo", repo.toString(), ws.toString());
            assertEquals(ExitCodes.FAILURE, b.exitCode, b.toString());
            assertTrue(b.err.contains("says the repository is not encrypted"), b.toString());
            assertEquals(before, files(repo), "nothing was written");
        }
    }

    @Test
    void hostileKeyFilesAreSkippedWithAWarningAndTheOtherKeyStillOpens() throws IOException {
        String[] hostile = {
            "{\"version\":1,\"kdf\":\"scrypt\",\"n\":1073741824,\"r\":8,\"p\":1,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"data\":\"AAAA\"}",
            "{\"version\":1,\"kdf\":\"scrypt\",\"n\":4194304,\"r\":32,\"p\":16,\"salt\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"data\":\"AAAA\"}",
            "{\"version\":1,\"kdf\":\"scrypt\",\"n\":1000,\"r\":8,\"p\":1,\"salt\":\"AAAA\",\"data\":\"AAAA\"}",
            "{\"version\":1,\"kdf\":\"scrypt\",\"n\":1024,\"r\":8,\"p\":1,\"salt\":\"!!not base64!!\",\"data\":\"%%%\"}",
            "[\"not\", \"a key file\"]",
            "{\"n\":\"lots\"}",
        };
        Path repo = copy();
        List<String> names = new ArrayList<>();
        for (String h : hostile) {
            byte[] b = h.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String name = dev.vault.engine.repo.crypto.Hashes.sha256Hex(b);
            Files.write(repo.resolve("keys").resolve(name), b); // named correctly: only the content is hostile
            names.add(name);
        }
        // only the second password opens: every hostile file sorted before its key file is tried and skipped
        CliRunner other = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "second password");
        CliRunner.Result s = timed(other, "snapshots", "--repo", repo.toString());
        assertEquals(0, s.exitCode, s.toString());
        for (String n : names) {
            if (n.compareTo(otherKey) < 0) {
                assertTrue(s.err.contains("warning: key file keys/" + n + " is skipped"), n + "\n" + s);
            }
        }
        assertTrue(s.err.lines().allMatch(l -> l.startsWith("warning: key file keys/") && l.contains(" is skipped: ")), s.err);
        CliRunner.Result c = timed(vault, "check", "--repo", repo.toString());
        assertEquals(ExitCodes.FAILURE, c.exitCode, c.toString());
        for (String n : names) {
            assertTrue(c.out.contains("damaged: keys/" + n), n + "\n" + c);
        }
    }

    @Test
    void secretsAtRestAreOwnerOnly() throws IOException {
        Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX only");
        List<Path> checked = new ArrayList<>();
        for (Path root : new Path[] {template, cacheDir()}) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.equals(root) || p.startsWith(template.resolve("locks"))) {
                        continue;
                    }
                    String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
                    assertEquals(want, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
                    checked.add(p);
                }
            }
        }
        for (String must : new String[] {"config", "keys", "data", "index", "snapshots", "index.bin"}) {
            assertTrue(checked.stream().anyMatch(p -> p.getFileName().toString().equals(must)), must + " was checked");
        }
        JsonArray a = JsonParser.parseString(ok("snapshots", "--repo", template.toString(), "--json").out).getAsJsonArray();
        assertEquals(2, a.size());
    }
}
