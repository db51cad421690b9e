package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vault.engine.sync.Workspace;
import dev.vault.engine.sync.WorkspaceLock;
import dev.vault.fixtures.FileTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests of the sync commands as a user types them, on real Git repositories in temp dirs. */
class SyncCommandsTest {
    @TempDir
    Path tmp;
    CliRunner vault;
    Path hub;
    Path laptop;
    Path desktop;

    @BeforeEach
    void setUp() {
        vault = new CliRunner(tmp.resolve("config"));
        hub = tmp.resolve("hub.git");
        laptop = tmp.resolve("laptop");
        desktop = tmp.resolve("desktop");
    }

    private CliRunner.Result ok(String... args) {
        CliRunner.Result r = vault.run(args);
        assertEquals(0, r.exitCode, r.toString());
        return r;
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private void twoComputers() throws Exception {
        write(laptop.resolve("notes.txt"), "first\n");
        ok("init", laptop.toString(), "--hub", hub.toString(), "--name", "laptop");
        ok("join", hub.toString(), desktop.toString(), "--name", "desktop");
    }

    private List<String> conflictCopies(Path ws) throws Exception {
        try (Stream<Path> s = Files.list(ws)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".conflict-")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void initWithExistingFilesMakesTheFirstCommitAndCreatesTheHub() throws Exception {
        write(laptop.resolve("a.txt"), "a");
        write(laptop.resolve("docs/b.txt"), "b");
        CliRunner.Result r = ok("init", laptop.toString(), "--hub", hub.toString(), "--name", "laptop");
        assertTrue(r.out.contains("Created hub " + hub), r.out);
        assertTrue(r.out.contains("synced: sent 2 added"), r.out);
        assertTrue(Files.isDirectory(hub.resolve("objects")), "bare hub created");
        Map<String, byte[]> onHub = FileTrees.ofBranch(hub, "refs/heads/main");
        assertEquals(List.of("a.txt", "docs/b.txt"), List.copyOf(onHub.keySet()));
        CliRunner.Result log = ok("log", "-C", laptop.toString());
        assertTrue(log.out.contains("laptop: move current work to central: 2 added"), log.out);
    }

    @Test
    void initIntoEmptyFolderThenJoinIntoEmptyFolder() throws Exception {
        ok("init", laptop.toString(), "--hub", hub.toString(), "--name", "laptop");
        write(laptop.resolve("x.txt"), "x");
        ok("sync", "-C", laptop.toString());
        CliRunner.Result j = ok("join", hub.toString(), desktop.toString(), "--name", "desktop");
        assertTrue(j.out.contains("received 1 file"), j.out);
        assertEquals("x", read(desktop.resolve("x.txt")));
    }

    @Test
    void joinIntoNonEmptyFolderMergesExistingFilesNeverDeletes() throws Exception {
        write(laptop.resolve("shared.txt"), "laptop's\n");
        ok("init", laptop.toString(), "--hub", hub.toString(), "--name", "laptop");
        write(desktop.resolve("shared.txt"), "desktop's\n");
        write(desktop.resolve("own.txt"), "own\n");
        CliRunner.Result j = ok("join", hub.toString(), desktop.toString(), "--name", "desktop");
        assertTrue(j.out.contains("1 conflict"), j.out);
        assertEquals("laptop's\n", read(desktop.resolve("shared.txt")));
        assertEquals("own\n", read(desktop.resolve("own.txt")));
        List<String> copies = conflictCopies(desktop);
        assertEquals(1, copies.size());
        assertEquals("desktop's\n", read(desktop.resolve(copies.get(0))));
        ok("sync", "-C", laptop.toString());
        assertEquals("own\n", read(laptop.resolve("own.txt")));
    }

    @Test
    void joinOfMissingHubIsExit10() {
        CliRunner.Result r = vault.run("join", tmp.resolve("nope.git").toString(), desktop.toString());
        assertEquals(10, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("vault: hub "), r.err);
    }

    @Test
    void syncPrintsOneLineSummaryWithCounts() throws Exception {
        twoComputers();
        write(laptop.resolve("notes.txt"), "second\n");
        write(laptop.resolve("new1.txt"), "1");
        write(laptop.resolve("new2.txt"), "2");
        CliRunner.Result r = ok("sync", "-C", laptop.toString());
        assertEquals("synced: sent 2 added, 1 changed\n", r.out);
        CliRunner.Result d = ok("sync", "-C", desktop.toString());
        assertEquals("synced: received 3 files\n", d.out);
        assertEquals("up to date\n", ok("sync", "-C", desktop.toString()).out);
        Files.delete(desktop.resolve("new1.txt"));
        assertEquals("synced: sent 1 deleted\n", ok("sync", "-C", desktop.toString()).out);
    }

    @Test
    void syncFindsTheWorkspaceFromASubfolder() throws Exception {
        twoComputers();
        write(laptop.resolve("deep/er/file.txt"), "x");
        ok("sync", "-C", laptop.resolve("deep/er").toString());
        assertEquals("x", FileTrees.ofBranch(hub, "refs/heads/main").entrySet().stream()
                .filter(e -> e.getKey().equals("deep/er/file.txt")).map(e -> new String(e.getValue())).findFirst().orElse(""));
    }

    @Test
    void syncOutsideAWorkspaceIsExit10() {
        CliRunner.Result r = vault.run("sync", "-C", tmp.toString());
        assertEquals(10, r.exitCode, r.toString());
        assertTrue(r.err.contains("no vault workspace"), r.err);
    }

    @Test
    void bothEditedKeepsHubVersionUnderNameAndMineAsCopy() throws Exception {
        twoComputers();
        write(laptop.resolve("notes.txt"), "laptop\n");
        write(desktop.resolve("notes.txt"), "desktop\n");
        ok("sync", "-C", laptop.toString());
        CliRunner.Result r = ok("sync", "-C", desktop.toString());
        assertTrue(r.out.contains("1 conflict kept both versions (notes.conflict-desktop-"), r.out);
        assertEquals("laptop\n", read(desktop.resolve("notes.txt")));
        List<String> copies = conflictCopies(desktop);
        assertEquals(1, copies.size());
        assertTrue(copies.get(0).matches("notes\\.conflict-desktop-\\d{8}-\\d{6}\\.txt"), copies.get(0));
        assertEquals("desktop\n", read(desktop.resolve(copies.get(0))));
        ok("sync", "-C", laptop.toString());
        assertEquals("desktop\n", read(laptop.resolve(copies.get(0))));
    }

    @Test
    void deleteVersusEditKeepsTheEdit() throws Exception {
        twoComputers();
        Files.delete(laptop.resolve("notes.txt"));
        write(laptop.resolve("other.txt"), "keeps the workspace non-empty");
        write(desktop.resolve("notes.txt"), "edited\n");
        ok("sync", "-C", laptop.toString());
        ok("sync", "-C", desktop.toString());
        ok("sync", "-C", laptop.toString());
        assertEquals("edited\n", read(laptop.resolve("notes.txt")));
        assertEquals("edited\n", read(desktop.resolve("notes.txt")));
    }

    @Test
    void nonOverlappingEditsMergeAndRenameVersusEditKeepsTheEdit() throws Exception {
        write(laptop.resolve("list.txt"), "a\nb\nc\nd\ne\nf\n");
        write(laptop.resolve("doc.txt"), "doc\n");
        ok("init", laptop.toString(), "--hub", hub.toString(), "--name", "laptop");
        ok("join", hub.toString(), desktop.toString(), "--name", "desktop");
        write(laptop.resolve("list.txt"), "A\nb\nc\nd\ne\nf\n");
        Files.move(laptop.resolve("doc.txt"), laptop.resolve("moved.txt"));
        write(desktop.resolve("list.txt"), "a\nb\nc\nd\ne\nF\n");
        write(desktop.resolve("doc.txt"), "doc edited\n");
        ok("sync", "-C", laptop.toString());
        CliRunner.Result r = ok("sync", "-C", desktop.toString());
        assertFalse(r.out.contains("conflict"), r.out);
        ok("sync", "-C", laptop.toString());
        assertEquals("A\nb\nc\nd\ne\nF\n", read(laptop.resolve("list.txt")));
        assertEquals("doc edited\n", read(laptop.resolve("doc.txt")));
        assertEquals("doc\n", read(laptop.resolve("moved.txt")));
    }

    @Test
    void bothCreatedSamePathKeepsBoth() throws Exception {
        twoComputers();
        write(laptop.resolve("idea.md"), "L\n");
        write(desktop.resolve("idea.md"), "D\n");
        ok("sync", "-C", laptop.toString());
        ok("sync", "-C", desktop.toString());
        assertEquals("L\n", read(desktop.resolve("idea.md")));
        assertEquals(1, conflictCopies(desktop).size());
    }

    @Test
    void offlineThenBackOnline() throws Exception {
        hub = tmp.resolve("usb").resolve("hub.git"); // a hub on a drive: unplugging takes the drive's folder away
        twoComputers();
        Path away = tmp.resolve("usb-unplugged");
        Files.move(hub.getParent(), away);
        write(laptop.resolve("trip.txt"), "offline work\n");
        CliRunner.Result r = vault.run("sync", "-C", laptop.toString());
        assertEquals(3, r.exitCode, r.toString());
        assertTrue(r.out.startsWith("offline, 1 commit waiting"), r.out);
        CliRunner.Result st = ok("status", "--json", "-C", laptop.toString());
        JsonObject j = JsonParser.parseString(st.out).getAsJsonObject();
        assertFalse(j.get("hubReachable").getAsBoolean());
        assertEquals(1, j.get("unpushed").getAsInt());
        Files.move(away, hub.getParent());
        // a hub moved away while the folder around it stays is not an outage: its own state and exit code
        Path moved = tmp.resolve("moved.git");
        Files.writeString(hub.resolveSibling("other.txt"), "the drive is plugged in");
        Files.move(hub, moved);
        CliRunner.Result missing = vault.run("sync", "-C", laptop.toString());
        assertEquals(10, missing.exitCode, missing.toString());
        assertTrue(missing.out.startsWith("hub-missing: hub " + hub + " is not there"), missing.out);
        CliRunner.Result st2 = vault.run("status", "--json", "-C", laptop.toString());
        assertEquals(10, st2.exitCode, st2.toString());
        assertEquals("hub-missing", JsonParser.parseString(st2.out).getAsJsonObject().get("hubState").getAsString());
        Files.move(moved, hub);
        assertTrue(ok("sync", "-C", laptop.toString()).out.startsWith("synced"));
        ok("sync", "-C", desktop.toString());
        assertEquals("offline work\n", read(desktop.resolve("trip.txt")));
    }

    @Test
    void sizeLimitSkipsAndReports() throws Exception {
        twoComputers();
        Path cfg = laptop.resolve(".git/vault/config");
        Files.writeString(cfg, read(cfg).replace("max-file-size = 100MiB", "max-file-size = 10KiB"));
        Files.write(laptop.resolve("video.bin"), new byte[20 * 1024]);
        CliRunner.Result r = ok("sync", "-C", laptop.toString());
        assertTrue(r.out.contains("1 file too big to sync"), r.out);
        assertFalse(FileTrees.ofBranch(hub, "refs/heads/main").containsKey("video.bin"));
        CliRunner.Result st = ok("status", "-C", laptop.toString());
        assertTrue(st.out.contains("video.bin (20.0 KiB)"), st.out);
    }

    @Test
    void badSizeLimitNamesFileLineAndKey() throws Exception {
        twoComputers();
        Path cfg = laptop.resolve(".git/vault/config");
        Files.writeString(cfg, read(cfg).replace("max-file-size = 100MiB", "max-file-size = lots"));
        CliRunner.Result r = vault.run("sync", "-C", laptop.toString());
        assertEquals(1, r.exitCode);
        assertTrue(r.err.contains("config:") && r.err.contains("max-file-size"), r.err);
    }

    @Test
    void ignoredFilesStayLocal() throws Exception {
        twoComputers();
        write(laptop.resolve(".DS_Store"), "x");
        write(laptop.resolve("Thumbs.db"), "x");
        write(laptop.resolve("~$report.docx"), "x");
        write(laptop.resolve("notes.txt.swp"), "x");
        write(laptop.resolve("backup~"), "x");
        write(laptop.resolve(".gitignore"), "secret/\n");
        write(laptop.resolve("secret/key.txt"), "x");
        ok("sync", "-C", laptop.toString());
        assertEquals(List.of(".gitignore", "notes.txt"), List.copyOf(FileTrees.ofBranch(hub, "refs/heads/main").keySet()));
    }

    @Test
    void detachedHeadPausesWithExit1AndStatusSaysSo() throws Exception {
        twoComputers();
        try (Workspace ws = Workspace.open(laptop)) {
            var repo = ws.repository();
            var ru = repo.updateRef("HEAD", true);
            ru.setNewObjectId(repo.resolve("HEAD"));
            ru.forceUpdate();
        }
        CliRunner.Result r = vault.run("sync", "-C", laptop.toString());
        assertEquals(1, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("vault: sync paused:") && r.err.contains("detached HEAD"), r.err);
        CliRunner.Result st = ok("status", "-C", laptop.toString());
        assertTrue(st.out.contains("PAUSED"), st.out);
    }

    @Test
    void secondProcessOnSameWorkspaceGetsExit11() throws Exception {
        twoComputers();
        try (Workspace ws = Workspace.open(laptop); WorkspaceLock held = WorkspaceLock.acquire(ws)) {
            CliRunner.Result r = vault.run("sync", "-C", laptop.toString());
            assertEquals(11, r.exitCode, r.toString());
            assertTrue(r.err.contains("another vault process (pid " + ProcessHandle.current().pid() + ") is syncing " + laptop), r.err);
            CliRunner.Result st = ok("status", "--json", "--no-hub", "-C", laptop.toString());
            assertTrue(JsonParser.parseString(st.out).getAsJsonObject().get("running").getAsBoolean());
        }
    }

    @Test
    void hubGoingBackIsSaidBySyncAndStatus() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(gitCli(tmp, "--version") == 0, "the git command is not installed");
        twoComputers();
        String first;
        try (org.eclipse.jgit.lib.Repository h = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(hub.toFile()).setMustExist(true).build()) {
            first = h.resolve("refs/heads/main").name();
        }
        write(laptop.resolve("b.txt"), "b\n");
        ok("sync", "-C", laptop.toString());
        assertEquals(0, gitCli(tmp, "--git-dir=" + hub, "update-ref", "-m", "rolled back", "refs/heads/main", first));

        JsonObject before = JsonParser.parseString(ok("status", "--json", "-C", laptop.toString()).out).getAsJsonObject();
        JsonObject wb = before.getAsJsonObject("hubWentBack");
        assertEquals("went-back", wb.get("kind").getAsString(), before.toString());
        assertEquals(1, wb.get("lostCommits").getAsInt());
        assertFalse(wb.get("resent").getAsBoolean());
        assertTrue(wb.get("movedBy").getAsString().startsWith("Mallory"), wb.toString());

        CliRunner.Result sync = vault.run("sync", "-C", laptop.toString());
        assertEquals(3, sync.exitCode, sync.toString());
        assertTrue(sync.out.contains("the hub lost 1 commit this computer had sent"), sync.out);
        assertTrue(sync.out.contains("last moved by Mallory"), sync.out);
        assertTrue(sync.out.contains("they were sent again"), sync.out);

        JsonObject after = JsonParser.parseString(ok("status", "--json", "-C", laptop.toString()).out).getAsJsonObject();
        assertTrue(after.getAsJsonObject("hubWentBack").get("resent").getAsBoolean(), after.toString());
        assertTrue(ok("status", "-C", laptop.toString()).out.contains("Hub lost"));
        ok("sync", "-C", desktop.toString());
        assertEquals("b\n", read(desktop.resolve("b.txt")));
    }

    /** Runs C git with no user or system config, as "Mallory"; returns its exit code. */
    private static int gitCli(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_COMMITTER_NAME", "Mallory");
        pb.environment().put("GIT_COMMITTER_EMAIL", "mallory@example.org");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void statusJsonHasEveryField() throws Exception {
        twoComputers();
        write(desktop.resolve("d.txt"), "d");
        ok("sync", "-C", desktop.toString());
        write(laptop.resolve("notes.txt"), "changed, not synced\n");
        write(laptop.resolve("new.txt"), "new\n");
        CliRunner.Result st = ok("status", "--json", "-C", laptop.toString());
        JsonObject j = JsonParser.parseString(st.out).getAsJsonObject();
        assertEquals("laptop", j.get("computer").getAsString());
        assertEquals(hub.toString(), j.get("hub").getAsString());
        assertEquals(1, j.get("uncommittedAdded").getAsInt());
        assertEquals(1, j.get("uncommittedChanged").getAsInt());
        assertEquals(0, j.get("unpushed").getAsInt());
        assertTrue(j.get("hubReachable").getAsBoolean());
        assertTrue(j.get("hubHasNewChanges").getAsBoolean());
        assertFalse(j.get("running").getAsBoolean());
        assertEquals("synced", j.get("lastResult").getAsString());
        assertTrue(j.has("lastSync") && j.has("conflicts") && j.has("skippedForSize"));
        JsonArray computers = j.getAsJsonArray("computers");
        assertEquals(2, computers.size(), st.out);
        CliRunner.Result human = ok("status", "-C", laptop.toString());
        assertTrue(human.out.contains("2 local changes (1 added, 1 changed)"), human.out);
        assertTrue(human.out.contains("desktop: last synced"), human.out);
        JsonObject file = JsonParser.parseString(read(laptop.resolve(".git/vault/status.json"))).getAsJsonObject();
        assertEquals("laptop", file.get("computer").getAsString());
        assertFalse(file.get("running").getAsBoolean());
    }

    @Test
    void logSpeaksHumanWords() throws Exception {
        twoComputers();
        write(desktop.resolve("a.txt"), "a");
        write(desktop.resolve("notes.txt"), "edited");
        ok("sync", "-C", desktop.toString());
        CliRunner.Result log = ok("log", "-C", desktop.toString());
        String[] lines = log.out.split("\n");
        assertEquals("just now, desktop: 1 added, 1 changed", lines[0]);
        assertTrue(log.out.contains("laptop: move current work to central: 1 added"), log.out);
        assertEquals(1, ok("log", "-n", "1", "-C", desktop.toString()).out.split("\n").length);
        JsonArray j = JsonParser.parseString(ok("log", "--json", "-C", desktop.toString()).out).getAsJsonArray();
        assertEquals("desktop", j.get(0).getAsJsonObject().get("computer").getAsString());
    }

    private String makeConflict() throws Exception {
        twoComputers();
        write(laptop.resolve("notes.txt"), "theirs\n");
        write(desktop.resolve("notes.txt"), "mine\n");
        ok("sync", "-C", laptop.toString());
        ok("sync", "-C", desktop.toString());
        return conflictCopies(desktop).get(0);
    }

    @Test
    void conflictsListsCopies() throws Exception {
        String copy = makeConflict();
        CliRunner.Result r = ok("conflicts", "-C", desktop.toString());
        assertTrue(r.out.startsWith(copy + "  (desktop's version of notes.txt)"), r.out);
        JsonArray j = JsonParser.parseString(ok("conflicts", "--json", "-C", desktop.toString()).out).getAsJsonArray();
        assertEquals("notes.txt", j.get(0).getAsJsonObject().get("original").getAsString());
        assertTrue(ok("status", "-C", desktop.toString()).out.contains("Conflicts  1"));
    }

    @Test
    void resolveMineReplacesOriginalAndSyncs() throws Exception {
        String copy = makeConflict();
        ok("conflicts", "resolve", copy, "--keep", "mine", "-C", desktop.toString());
        assertEquals("mine\n", read(desktop.resolve("notes.txt")));
        assertFalse(Files.exists(desktop.resolve(copy)));
        ok("sync", "-C", desktop.toString());
        ok("sync", "-C", laptop.toString());
        assertEquals("mine\n", read(laptop.resolve("notes.txt")));
        assertEquals("No conflicts.\n", ok("conflicts", "-C", laptop.toString()).out);
    }

    @Test
    void resolveTheirsByOriginalNameRemovesCopy() throws Exception {
        String copy = makeConflict();
        ok("conflicts", "resolve", "notes.txt", "--keep", "theirs", "-C", desktop.toString());
        assertEquals("theirs\n", read(desktop.resolve("notes.txt")));
        assertFalse(Files.exists(desktop.resolve(copy)));
    }

    @Test
    void resolveBothKeepsCopyUnderItsOwnName() throws Exception {
        String copy = makeConflict();
        ok("conflicts", "resolve", copy, "--keep", "both", "-C", desktop.toString());
        assertEquals("theirs\n", read(desktop.resolve("notes.txt")));
        assertEquals("mine\n", read(desktop.resolve("notes (desktop).txt")));
        assertEquals("No conflicts.\n", ok("conflicts", "-C", desktop.toString()).out);
    }

    @Test
    void resolveWithoutConflictIsAnError() throws Exception {
        twoComputers();
        CliRunner.Result r = vault.run("conflicts", "resolve", "notes.txt", "--keep", "mine", "-C", laptop.toString());
        assertEquals(1, r.exitCode);
        assertTrue(r.err.contains("has no open conflict"), r.err);
    }

    @Test
    void demoRunsTheTourAndExitsZero() {
        CliRunner.Result r = ok("demo", "--dir", tmp.resolve("demo").toString());
        assertTrue(r.out.contains("1. Set up a hub and two computers"), r.out);
        assertTrue(r.out.contains("The change arrives on the desktop"), r.out);
        assertTrue(r.out.contains("desktop/notes.txt: Shopping: bread, milk"), r.out);
        assertTrue(r.out.contains("keeps desktop's: Shopping: bread, milk, coffee"), r.out);
        assertTrue(r.out.contains("Where everything is:"), r.out);
        assertEquals(FileTrees.ofFolder(tmp.resolve("demo/laptop")).keySet(), FileTrees.ofFolder(tmp.resolve("demo/desktop")).keySet());
    }

    @Test
    void statusSaysWhenTheLastRoundWasInterrupted() throws Exception {
        twoComputers();
        Path st = laptop.resolve(".git/vault/status.json");
        JsonObject j = JsonParser.parseString(read(st)).getAsJsonObject();
        j.addProperty("running", true);
        j.addProperty("runningPid", 424242);
        j.addProperty("runningSince", "2026-11-26T10:00:00Z");
        Files.writeString(st, j.toString());
        CliRunner.Result r = ok("status", "--no-hub", "-C", laptop.toString());
        assertTrue(r.out.contains("interrupted"), r.out);
        assertFalse(r.out.contains("is running now"), r.out);
        ok("sync", "-C", laptop.toString());
        JsonObject after = JsonParser.parseString(ok("status", "--json", "--no-hub", "-C", laptop.toString()).out).getAsJsonObject();
        assertEquals("up-to-date", after.get("lastResult").getAsString());
    }

    /** Runs C git on {@code gitDir} with {@code input}; its trimmed output (fails the test on a non-zero exit). */
    private String git(Path gitDir, String input, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", tmp.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_AUTHOR_NAME", "mallory");
        pb.environment().put("GIT_AUTHOR_EMAIL", "m@example.org");
        pb.environment().put("GIT_COMMITTER_NAME", "mallory");
        pb.environment().put("GIT_COMMITTER_EMAIL", "m@example.org");
        Process p = pb.start();
        if (input != null) {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.strip();
    }

    @Test
    void aHostileHubEntryIsNamedWithCommitAndComputerInSyncAndStatus() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")) || Files.isExecutable(Path.of("/bin/git")),
                "C git is not installed");
        twoComputers();
        String blob = git(hub, "pwned\n", "hash-object", "-w", "--stdin");
        String inner = git(hub, "100644 blob " + blob + "\tescaped.txt\n", "mktree");
        String tip = git(hub, null, "rev-parse", "refs/heads/main");
        StringBuilder root = new StringBuilder();
        for (String l : git(hub, null, "ls-tree", tip).split("\n")) {
            root.append(l).append('\n');
        }
        root.append("040000 tree ").append(inner).append("\t..\n");
        String tree = git(hub, root.toString(), "mktree");
        String commit = git(hub, null, "commit-tree", tree, "-p", tip, "-m", "evil");
        git(hub, null, "update-ref", "refs/heads/main", commit);

        CliRunner.Result sync = vault.run("sync", "-C", laptop.toString());
        assertEquals(3, sync.exitCode, sync.toString());
        assertTrue(sync.out.contains("1 entry from the hub not written"), sync.out);
        assertTrue(sync.out.contains("../escaped.txt: a name '..'") && sync.out.contains("commit " + commit.substring(0, 10) + " by mallory"), sync.out);
        assertFalse(Files.exists(tmp.resolve("escaped.txt")), "nothing outside the workspace");

        CliRunner.Result status = ok("status", "-C", laptop.toString(), "--no-hub");
        assertTrue(status.out.contains("Not here   1 entry from the hub not written on this computer"), status.out);
        assertTrue(status.out.contains("../escaped.txt"), status.out);
        JsonObject js = JsonParser.parseString(ok("status", "-C", laptop.toString(), "--no-hub", "--json").out).getAsJsonObject();
        JsonObject rec = js.getAsJsonArray("notCheckedOut").get(0).getAsJsonObject();
        assertEquals("../escaped.txt", rec.get("path").getAsString());
        assertEquals("mallory", rec.get("author").getAsString());
        assertEquals(commit.substring(0, 10), rec.get("commit").getAsString());

        // the other computer keeps syncing, and a normal edit arrives
        CliRunner.Result d = vault.run("sync", "-C", desktop.toString(), "--json");
        assertEquals(0, d.exitCode, d.toString());
        write(desktop.resolve("notes.txt"), "edited\n");
        ok("sync", "-C", desktop.toString());
        ok("sync", "-C", laptop.toString());
        assertEquals("edited\n", read(laptop.resolve("notes.txt")));
    }
}
