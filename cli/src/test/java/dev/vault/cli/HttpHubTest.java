package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import dev.vault.fixtures.BareHubs;
import dev.vault.fixtures.GitHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http(s) hubs against a real web server running C git's http-backend with basic auth: credentials come
 * from a git credential helper or ~/.netrc as for C git, a refused or missing password is its own state,
 * and the password never shows in any output or in any file under the workspace.
 */
class HttpHubTest {
    static final String PASSWORD = "s3cret-Pa55-word";

    @TempDir
    Path tmp;
    Path home;
    GitHttpServer server;
    CliRunner vault;
    String hubUrl;
    Path laptop;
    Path helperLog;
    final List<CliRunner.Result> results = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        String why = GitHttpServer.unavailable();
        assumeTrue(why == null, why);
        home = Files.createDirectories(tmp.resolve("home"));
        BareHubs.create(tmp.resolve("served").resolve("hub.git"), "main");
        server = GitHttpServer.start(tmp.resolve("served"), "alice", PASSWORD);
        hubUrl = server.url("hub.git");
        helperLog = tmp.resolve("helper.log");
        vault = new CliRunner(tmp.resolve("config")).env("HOME", home.toString())
                .env("GIT_CONFIG_GLOBAL", tmp.resolve("gitconfig").toString()).env("GIT_CONFIG_NOSYSTEM", "1")
                .env("NETRC", home.resolve(".netrc").toString());
        Files.writeString(tmp.resolve("gitconfig"), "");
        laptop = Files.createDirectories(tmp.resolve("laptop"));
        Files.writeString(laptop.resolve("notes.txt"), "from the laptop\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        // whatever happened, the password is in no output and in no file under the workspaces
        for (CliRunner.Result r : results) {
            assertFalse(r.out.contains(PASSWORD) || r.err.contains(PASSWORD), "password printed: " + r);
        }
        for (Path ws : List.of(laptop, tmp.resolve("desktop"), tmp.resolve("config"))) {
            if (!Files.exists(ws)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(ws)) {
                for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(PASSWORD), "password written to " + f);
                }
            }
        }
    }

    private CliRunner.Result run(String... args) {
        CliRunner.Result r = vault.run(args);
        results.add(r);
        return r;
    }

    /** A git credential helper (configured as C git users do) that answers with {@code password}. */
    private void helperAnswers(String password) throws Exception {
        Path helper = tmp.resolve("helper.sh");
        Files.writeString(helper, "#!/bin/sh\ncat >/dev/null\necho \"$1\" >> '" + helperLog + "'\n"
                + "if [ \"$1\" = get ]; then printf 'username=alice\\npassword=%s\\n' '" + password + "'; fi\n");
        helper.toFile().setExecutable(true);
        Files.writeString(tmp.resolve("gitconfig"), "[credential]\n\thelper = " + helper + "\n");
    }

    @Test
    void credentialsFromAGitCredentialHelperSyncAndAreApproved() throws Exception {
        helperAnswers(PASSWORD);
        CliRunner.Result init = run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(0, init.exitCode, init.toString());
        Path desktop = tmp.resolve("desktop");
        CliRunner.Result join = run("join", hubUrl, desktop.toString(), "--name", "desktop", "--verbose");
        assertEquals(0, join.exitCode, join.toString());
        assertEquals("from the laptop\n", Files.readString(desktop.resolve("notes.txt")));
        CliRunner.Result st = run("status", "--json", "-C", desktop.toString());
        assertEquals(0, st.exitCode, st.toString());
        assertEquals("reachable", JsonParser.parseString(st.out).getAsJsonObject().get("hubState").getAsString());
        String log = Files.readString(helperLog);
        assertTrue(log.contains("get") && log.contains("store"), "the helper was asked, then told the credentials worked: " + log);
        assertFalse(Files.readString(laptop.resolve(".git/vault/config")).contains("alice"), "no credentials in vault's config");
    }

    @Test
    void aWrongPasswordIsItsOwnStateAndTheHelperIsTold() throws Exception {
        helperAnswers(PASSWORD);
        assertEquals(0, run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop").exitCode);
        helperAnswers("not-the-password");
        Files.writeString(laptop.resolve("notes.txt"), "edited\n");
        CliRunner.Result sync = run("sync", "--verbose", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_PASSWORD_REFUSED, sync.exitCode, sync.toString());
        assertTrue(sync.out.startsWith("password-refused: hub " + hubUrl + " refused the user name and password"), sync.out);
        assertTrue(Files.readString(helperLog).contains("erase"), "refused credentials are rejected to the helper");
        CliRunner.Result json = run("sync", "--json", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_PASSWORD_REFUSED, json.exitCode, json.toString());
        assertEquals("password-refused", JsonParser.parseString(json.out).getAsJsonObject().get("hubState").getAsString());
        CliRunner.Result st = run("status", "-C", laptop.toString(), "--verbose");
        assertEquals(ExitCodes.HUB_PASSWORD_REFUSED, st.exitCode, st.toString());
        assertTrue(st.out.contains("(PASSWORD-REFUSED: "), st.out);
        String status = Files.readString(laptop.resolve(".git/vault/status.json"));
        assertTrue(status.contains("\"hubState\": \"password-refused\""), status);
    }

    @Test
    void noCredentialsAnywhereIsAPasswordStateNotOffline() throws Exception {
        CliRunner.Result init = run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(ExitCodes.HUB_PASSWORD_REFUSED, init.exitCode, init.toString());
        assertTrue(init.out.contains("needs a user name and password and none was found"), init.out);
    }

    @Test
    void netrcInHomeIsUsed() throws Exception {
        Files.writeString(home.resolve(".netrc"), "machine 127.0.0.1\n  login alice\n  password " + PASSWORD + "\n");
        CliRunner.Result init = run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(0, init.exitCode, init.toString());
        assertTrue(init.out.contains("synced"), init.out);
    }

    @Test
    void aPasswordInTheHubUrlIsRefusedBeforeItIsStored() {
        String withPassword = hubUrl.replace("http://", "http://alice:" + PASSWORD + "@");
        CliRunner.Result init = run("init", laptop.toString(), "--hub", withPassword, "--name", "laptop");
        assertEquals(ExitCodes.USAGE, init.exitCode, init.toString());
        assertTrue(init.err.contains("must not hold a password"), init.err);
        assertFalse(Files.exists(laptop.resolve(".git")));
    }

    @Test
    void aStoppedServerIsOffline() throws Exception {
        helperAnswers(PASSWORD);
        assertEquals(0, run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop").exitCode);
        server.close();
        server = null;
        Files.writeString(laptop.resolve("notes.txt"), "edited offline\n");
        CliRunner.Result sync = run("sync", "-C", laptop.toString());
        assertEquals(ExitCodes.WARNINGS, sync.exitCode, sync.toString());
        assertTrue(sync.out.startsWith("offline, 1 commit waiting"), sync.out);
    }
}
