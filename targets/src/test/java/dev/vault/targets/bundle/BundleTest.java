package dev.vault.targets.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
    @TempDir
    Path tmp;

    static final char[] PW = "correct horse battery staple".toCharArray();

    /** A source tree with long and Unicode names, an empty folder, binary data, a symlink and odd modes. */
    Path sourceTree() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("readme.txt"), "hello\n");
        String longName = "a-very-long-folder-name-" + "x".repeat(90);
        Path deep = Files.createDirectories(src.resolve(longName).resolve("Übergrößen 漢字 ✓").resolve("b".repeat(120)));
        Files.writeString(deep.resolve("notes-ünïcødé-" + "y".repeat(100) + ".md"), "deep\n");
        byte[] random = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(random);
        Files.write(src.resolve("data.bin"), random);
        Files.write(src.resolve("empty"), new byte[0]);
        Files.createDirectories(src.resolve("empty-dir"));
        Path script = src.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
            Files.createSymbolicLink(src.resolve("link-to-readme"), Path.of("readme.txt"));
            Files.createSymbolicLink(src.resolve("dangling"), Path.of("../outside/nowhere"));
        } catch (UnsupportedOperationException e) {
            // Windows without symlink rights: the rest of the tree still round-trips
        }
        Files.setLastModifiedTime(src.resolve("readme.txt"), FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        return src;
    }

    ExportBundle.Result export(Path src, Path bundle, char[] pw) {
        return new ExportBundle().call(ExportBundle.folder(src, bundle), new ExportBundle.Options(bundle, pw, false));
    }

    RestoreBundle.Result restore(Path bundle, Path to, char[] pw) {
        return new RestoreBundle().call(new RestoreBundle.Options(bundle, to, () -> pw));
    }

    static void assertSameTree(Path a, Path b) throws IOException {
        List<Path> left = list(a);
        List<Path> right = list(b);
        assertEquals(left.stream().map(p -> a.relativize(p).toString()).toList(),
                right.stream().map(p -> b.relativize(p).toString()).toList());
        for (Path p : left) {
            Path q = b.resolve(a.relativize(p).toString());
            if (Files.isSymbolicLink(p)) {
                assertTrue(Files.isSymbolicLink(q), q.toString());
                assertEquals(Files.readSymbolicLink(p), Files.readSymbolicLink(q));
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), q.toString());
                assertEquals(Files.getLastModifiedTime(p).toMillis() / 1000, Files.getLastModifiedTime(q).toMillis() / 1000, q.toString());
                if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    assertEquals(Files.getPosixFilePermissions(p), Files.getPosixFilePermissions(q), q.toString());
                }
            } else {
                assertTrue(Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS), q.toString());
            }
        }
    }

    static List<Path> list(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).sorted().toList();
        }
    }

    @Test
    void roundTripIsByteIdenticalWithoutEncryption() throws Exception {
        Path src = sourceTree();
        Path bundle = tmp.resolve("out/export.vaultbundle");
        ExportBundle.Result r = export(src, bundle, null);
        assertFalse(r.encrypted());
        assertEquals(5, r.files());
        assertEquals(Files.size(bundle), r.bundleBytes());
        RestoreBundle.Result back = restore(bundle, tmp.resolve("restored"), null);
        assertEquals(ExitCodes.OK, back.exitCode(), back.warnings().toString());
        assertSameTree(src, tmp.resolve("restored"));
        byte[] head = Arrays.copyOf(Files.readAllBytes(bundle), 10);
        assertEquals("VAULTBDL", new String(head, 0, 8, StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripIsByteIdenticalWithEncryptionAndTheBundleRevealsNoNames() throws Exception {
        Path src = sourceTree();
        Path bundle = tmp.resolve("export.vaultbundle");
        ExportBundle.Result r = export(src, bundle, PW);
        assertTrue(r.encrypted());
        String raw = new String(Files.readAllBytes(bundle), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("readme"), "names are encrypted");
        RestoreBundle.Result back = restore(bundle, tmp.resolve("restored"), PW);
        assertEquals(ExitCodes.OK, back.exitCode(), back.warnings().toString());
        assertSameTree(src, tmp.resolve("restored"));
    }

    @Test
    void wrongPasswordFailsWithExit12AndWritesNothing() throws Exception {
        Path bundle = tmp.resolve("export.vaultbundle");
        export(sourceTree(), bundle, PW);
        Path dest = tmp.resolve("restored");
        VaultException e = assertThrows(VaultException.class, () -> restore(bundle, dest, "wrong".toCharArray()));
        assertEquals(ExitCodes.WRONG_PASSWORD, e.exitCode());
        assertTrue(e.getMessage().contains("wrong password for bundle"), e.getMessage());
        assertFalse(Files.exists(dest), "destination not even created");

        VaultException none = assertThrows(VaultException.class, () -> restore(bundle, dest, null));
        assertEquals(ExitCodes.USAGE, none.exitCode());
        assertTrue(none.getMessage().contains("VAULT_PASSWORD"), none.getMessage());
        assertFalse(Files.exists(dest));
    }

    @Test
    void tamperedOrTruncatedBundlesAreRejected() throws Exception {
        Path bundle = tmp.resolve("export.vaultbundle");
        export(sourceTree(), bundle, PW);
        byte[] b = Files.readAllBytes(bundle);
        byte[] flipped = b.clone();
        flipped[b.length / 2] ^= 1;
        Path bad = Files.write(tmp.resolve("flipped.vaultbundle"), flipped);
        VaultException e = assertThrows(VaultException.class, () -> restore(bad, tmp.resolve("r1"), PW));
        assertEquals(ExitCodes.FAILURE, e.exitCode());
        assertTrue(e.getMessage().contains("damaged or truncated"), e.getMessage());

        Path cut = Files.write(tmp.resolve("cut.vaultbundle"), Arrays.copyOf(b, b.length - 100));
        assertThrows(VaultException.class, () -> restore(cut, tmp.resolve("r2"), PW));

        Path header = Files.write(tmp.resolve("header.vaultbundle"), Arrays.copyOf(b, 20));
        assertTrue(assertThrows(VaultException.class, () -> restore(header, tmp.resolve("r3"), PW)).getMessage()
                .contains("too short"));
        Path notBundle = Files.writeString(tmp.resolve("x.txt"), "hello world, not a bundle");
        assertTrue(assertThrows(VaultException.class, () -> restore(notBundle, tmp.resolve("r4"), PW)).getMessage()
                .contains("is not a vault bundle"));
    }

    @Test
    void restoreRefusesANonEmptyDestinationAndExportRefusesToOverwrite() throws Exception {
        Path bundle = tmp.resolve("export.vaultbundle");
        Path src = sourceTree();
        export(src, bundle, null);
        Path dest = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(dest.resolve("mine.txt"), "keep me");
        VaultException e = assertThrows(VaultException.class, () -> restore(bundle, dest, null));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertEquals("keep me", Files.readString(dest.resolve("mine.txt")));
        assertEquals(ExitCodes.USAGE, assertThrows(VaultException.class, () -> export(src, bundle, null)).exitCode());
    }

    @Test
    void exportingIntoTheSourceFolderLeavesTheBundleItselfOut() throws Exception {
        Path src = sourceTree();
        Path bundle = src.resolve("self.vaultbundle");
        export(src, bundle, null);
        restore(bundle, tmp.resolve("restored"), null);
        assertFalse(Files.exists(tmp.resolve("restored/self.vaultbundle")));
        try (Stream<Path> s = Files.list(src)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary file left");
        }
    }

    /** Writes a bundle entry by entry, including entries vault itself never writes. */
    Path craft(String name, char[] pw, Crafter c) throws IOException {
        Path bundle = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(bundle); BundleWriter w = BundleWriter.open(out, pw)) {
            c.write(w);
        }
        return bundle;
    }

    interface Crafter {
        void write(BundleWriter w) throws IOException;
    }

    static void file(BundleWriter w, String name, String content) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        w.addFile(name, b.length, FileTime.from(Instant.now()), 0644, new ByteArrayInputStream(b));
    }

    @Test
    void maliciousEntriesNeverWriteOutsideTheDestination() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path bundle = craft("evil.vaultbundle", null, w -> {
            file(w, "ok.txt", "fine");
            file(w, "../outside/dotdot.txt", "escaped");
            file(w, "sub/../../outside/dotdot2.txt", "escaped");
            file(w, outside.resolve("absolute.txt").toString(), "escaped");
            w.addSymlink("link", outside.toString(), FileTime.from(Instant.now()));
            file(w, "link/through-link.txt", "escaped");
            w.addSymlink("sub2", "../outside", FileTime.from(Instant.now()));
            w.addSymlink("sub2/x", "y", FileTime.from(Instant.now()));
            TarArchiveEntry dev = new TarArchiveEntry("dev-null", TarConstants.LF_CHR, false);
            dev.setDevMajor(1);
            dev.setDevMinor(3);
            w.addRaw(dev);
            TarArchiveEntry fifo = new TarArchiveEntry("fifo", TarConstants.LF_FIFO, false);
            w.addRaw(fifo);
            TarArchiveEntry hard = new TarArchiveEntry("hard", TarConstants.LF_LINK, false);
            hard.setLinkName("/etc/passwd");
            w.addRaw(hard);
            file(w, "after.txt", "still restored");
        });
        Path dest = tmp.resolve("restored");
        RestoreBundle.Result r = restore(bundle, dest, null);
        assertEquals(ExitCodes.WARNINGS, r.exitCode());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing written outside: " + r.warnings());
        }
        assertEquals("fine", Files.readString(dest.resolve("ok.txt")));
        assertEquals("still restored", Files.readString(dest.resolve("after.txt")));
        // symlinks are created after every file, so "link/through-link.txt" made a real folder inside the
        // destination, and the link of the same name is then refused rather than followed
        assertFalse(Files.isSymbolicLink(dest.resolve("link")));
        assertEquals("escaped", Files.readString(dest.resolve("link/through-link.txt")));
        assertTrue(Files.isSymbolicLink(dest.resolve("sub2")), "a link is recreated as a link");
        assertEquals(Path.of("../outside"), Files.readSymbolicLink(dest.resolve("sub2")));
        assertFalse(Files.exists(dest.resolve("dev-null")));
        assertFalse(Files.exists(dest.resolve("fifo")));
        assertFalse(Files.exists(dest.resolve("hard")));
        String w = String.join("\n", r.warnings());
        assertTrue(w.contains("'..'"), w);
        assertTrue(w.contains("absolute names"), w);
        assertTrue(w.contains("is a symbolic link; never written through"), w);
        assertTrue(w.contains("device files and pipes are never restored"), w);
        assertTrue(w.contains("hard links are not restored"), w);
        assertEquals(8, r.warnings().size(), w);
    }

    @Test
    void anEntryNamedWithNulIsSkipped() throws Exception {
        Path bundle = craft("nul.vaultbundle", PW, w -> {
            // PAX headers carry the full name, so a NUL survives into the reader
            file(w, "evil\0/../../x" + "-long".repeat(40) + ".txt", "escaped");
            file(w, "good.txt", "ok");
        });
        RestoreBundle.Result r = restore(bundle, tmp.resolve("restored"), PW);
        assertEquals("ok", Files.readString(tmp.resolve("restored/good.txt")));
        List<Path> all = new ArrayList<>(list(tmp.resolve("restored")));
        assertEquals(1, all.size(), all + " " + r.warnings());
        assertFalse(Files.exists(tmp.resolve("x.txt")));
    }
}
