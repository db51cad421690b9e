package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import dev.vault.targets.TargetMarker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetCommandTest {
    @TempDir
    Path tmp;

    CliRunner vault() {
        return new CliRunner(tmp.resolve("config"));
    }

    @Test
    void addListCheckRemoveATarget() throws Exception {
        Path drive = Files.createDirectories(tmp.resolve("drive"));
        CliRunner.Result add = vault().run("target", "add", "stick", "--kind", "usb", "--path", drive.resolve("backups").toString(),
                "--keep", "daily=3");
        assertEquals(0, add.exitCode, add.toString());
        assertTrue(add.out.contains("Added usb target 'stick'"), add.out);
        assertTrue(Files.exists(drive.resolve("backups").resolve(TargetMarker.FILE_NAME)));

        CliRunner.Result list = vault().run("target", "list");
        assertEquals(0, list.exitCode, list.toString());
        assertTrue(list.out.contains("stick (usb, on-plug, keep daily=3)"), list.out);
        assertTrue(list.out.contains("connected at " + drive.resolve("backups")), list.out);
        assertTrue(list.out.contains("last backup: never"), list.out);
        assertTrue(list.out.contains("next run: due now"), list.out);

        CliRunner.Result json = vault().run("target", "list", "--json");
        JsonArray arr = JsonParser.parseString(json.out).getAsJsonArray();
        JsonObject o = arr.get(0).getAsJsonObject();
        assertEquals("stick", o.get("name").getAsString());
        assertTrue(o.get("connected").getAsBoolean());
        assertTrue(o.get("encrypt").getAsBoolean());

        CliRunner.Result check = vault().run("target", "check", "stick");
        assertEquals(0, check.exitCode, check.toString());
        assertTrue(check.out.contains("writable"), check.out);

        CliRunner.Result rm = vault().run("target", "remove", "stick");
        assertEquals(0, rm.exitCode, rm.toString());
        assertTrue(Files.exists(drive.resolve("backups").resolve(TargetMarker.FILE_NAME)), "backups untouched");
        assertTrue(vault().run("target", "list").out.contains("No targets yet"));
        CliRunner.Result again = vault().run("target", "remove", "stick");
        assertEquals(ExitCodes.USAGE, again.exitCode);
        assertTrue(again.err.startsWith("vault: there is no target called 'stick'"), again.err);
    }

    @Test
    void checkOfAnAbsentTargetSaysWaitingWithExit10() throws Exception {
        Path drive = Files.createDirectories(tmp.resolve("drive"));
        assertEquals(0, vault().run("target", "add", "stick", "--kind", "usb", "--path", drive.toString()).exitCode);
        Files.delete(drive.resolve(TargetMarker.FILE_NAME));
        CliRunner.Result check = vault().run("target", "check", "stick");
        assertEquals(ExitCodes.NO_REPOSITORY, check.exitCode, check.toString());
        assertTrue(check.err.startsWith("vault: waiting for stick ("), check.err);
        CliRunner.Result list = vault().run("target", "list");
        assertTrue(list.out.contains("not connected: " + drive + " has no vault-target.json marker"), list.out);
    }

    @Test
    void cloudTargetRefusesNoEncryptAndBadOptionsAreUsageErrors() throws Exception {
        CliRunner.Result r = vault().run("target", "add", "box", "--kind", "cloud", "--path", tmp.resolve("Dropbox").toString(),
                "--no-encrypt");
        assertEquals(ExitCodes.USAGE, r.exitCode);
        assertTrue(r.err.contains("cloud target 'box' cannot be unencrypted"), r.err);
        assertFalse(Files.exists(tmp.resolve("Dropbox")));

        CliRunner.Result kind = vault().run("target", "add", "x", "--kind", "floppy", "--path", tmp.toString());
        assertEquals(ExitCodes.USAGE, kind.exitCode);
        assertTrue(kind.err.contains("'floppy' is not a target kind"), kind.err);
        CliRunner.Result sched = vault().run("target", "add", "x", "--kind", "nas", "--path", tmp.resolve("n").toString(),
                "--schedule", "hourly");
        assertEquals(ExitCodes.USAGE, sched.exitCode);
        assertTrue(sched.err.contains("'hourly' is not a schedule"), sched.err);
        assertEquals(ExitCodes.USAGE, vault().run("target", "add", "x", "--kind", "nas").exitCode, "--path is required");
    }

    @Test
    void badHandEditedConfigNamesFileLineAndKey() throws Exception {
        Files.createDirectories(tmp.resolve("config"));
        Files.writeString(tmp.resolve("config/targets"), "[target \"nas\"]\n id = abc\n kind = nas\n path = /x\n schedule = sometimes\n");
        CliRunner.Result r = vault().run("target", "list");
        assertEquals(ExitCodes.FAILURE, r.exitCode);
        assertTrue(r.err.contains("targets:5: target \"nas\".schedule: 'sometimes' is not a schedule"), r.err);
    }

    @Test
    void volumesListsTheMountedVolumesAndTheirTargets() throws Exception {
        CliRunner.Result r = vault().run("volumes");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("MOUNT"), r.out);
        Path drive = Files.createDirectories(tmp.resolve("drive"));
        assertEquals(0, vault().run("target", "add", "here", "--kind", "nas", "--path", drive.toString()).exitCode);
        CliRunner.Result json = vault().run("volumes", "--json");
        JsonArray arr = JsonParser.parseString(json.out).getAsJsonArray();
        assertTrue(arr.size() > 0);
        boolean found = false;
        for (var v : arr) {
            JsonObject o = v.getAsJsonObject();
            assertTrue(o.has("mount") && o.has("filesystem") && o.has("freeBytes"));
            found |= o.getAsJsonArray("targets").toString().contains("here");
        }
        assertTrue(found, "the volume holding the temp folder lists target 'here': " + json.out);
    }
}
