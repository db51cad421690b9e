package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    @TempDir
    Path tmp;

    Path source() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("work/sub dir/ünïcode"));
        Files.writeString(src.resolve("notes.md"), "# notes\n");
        byte[] b = new byte[200_000];
        new Random(7).nextBytes(b);
        Files.write(tmp.resolve("work/photo.jpg"), b);
        return tmp.resolve("work");
    }

    @Test
    void encryptedExportRestoresByteIdenticalAndWrongPasswordIsExit12() throws Exception {
        Path work = source();
        Path bundle = tmp.resolve("out/work.vaultbundle");
        CliRunner vault = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "s3cret");
        CliRunner.Result ex = vault.run("export", "--from", work.toString(), "--to", bundle.toString(), "--encrypt");
        assertEquals(0, ex.exitCode, ex.toString());
        assertTrue(ex.out.contains("2 files") && ex.out.contains("encrypted"), ex.out);

        Path wrongDest = tmp.resolve("wrong");
        CliRunner.Result wrong = new CliRunner(tmp.resolve("config")).env("VAULT_PASSWORD", "nope")
                .run("restore-bundle", bundle.toString(), "--to", wrongDest.toString());
        assertEquals(ExitCodes.WRONG_PASSWORD, wrong.exitCode, wrong.toString());
        assertTrue(wrong.err.startsWith("vault: wrong password for bundle"), wrong.err);
        assertFalse(Files.exists(wrongDest));

        Path dest = tmp.resolve("back");
        CliRunner.Result ok = vault.run("restore-bundle", bundle.toString(), "--to", dest.toString());
        assertEquals(0, ok.exitCode, ok.toString());
        assertArrayEquals(Files.readAllBytes(work.resolve("photo.jpg")), Files.readAllBytes(dest.resolve("photo.jpg")));
        assertEquals("# notes\n", Files.readString(dest.resolve("sub dir/ünïcode/notes.md")));
    }

    @Test
    void plainExportFromTheWorkspaceWithPasswordFileAndJson() throws Exception {
        Path work = source();
        Path bundle = tmp.resolve("work.vaultbundle");
        CliRunner vault = new CliRunner(tmp.resolve("config"));
        CliRunner.Result ex = vault.run("export", "-C", work.toString(), "--to", bundle.toString(), "--json");
        assertEquals(0, ex.exitCode, ex.toString());
        assertTrue(ex.out.contains("\"encrypted\": false"), ex.out);
        CliRunner.Result again = vault.run("export", "-C", work.toString(), "--to", bundle.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode);
        assertTrue(again.err.contains("already exists"), again.err);

        Path pwFile = Files.writeString(tmp.resolve("pw.txt"), "from-file\n");
        Path enc = tmp.resolve("enc.vaultbundle");
        assertEquals(0, vault.run("export", "--from", work.toString(), "--to", enc.toString(), "--encrypt",
                "--password-file", pwFile.toString()).exitCode);
        CliRunner.Result noPw = vault.run("restore-bundle", enc.toString(), "--to", tmp.resolve("r0").toString());
        assertEquals(ExitCodes.USAGE, noPw.exitCode, noPw.toString());
        assertTrue(noPw.err.contains("is encrypted"), noPw.err);
        assertEquals(0, vault.run("restore-bundle", enc.toString(), "--to", tmp.resolve("r1").toString(),
                "--password-file", pwFile.toString()).exitCode);
        assertEquals(0, vault.run("restore-bundle", bundle.toString(), "--to", tmp.resolve("r2").toString()).exitCode);
        assertArrayEquals(Files.readAllBytes(work.resolve("photo.jpg")), Files.readAllBytes(tmp.resolve("r1/photo.jpg")));
        assertArrayEquals(Files.readAllBytes(work.resolve("photo.jpg")), Files.readAllBytes(tmp.resolve("r2/photo.jpg")));
        CliRunner.Result noEnc = vault.run("export", "--from", work.toString(), "--to", tmp.resolve("x").toString(), "--encrypt");
        assertEquals(ExitCodes.USAGE, noEnc.exitCode, "no password anywhere");
    }
}
