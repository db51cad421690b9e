package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vault.engine.ExitCodes;
import dev.vault.fixtures.BareHubs;
import dev.vault.fixtures.OpenSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh hubs against a real OpenSSH sshd on 127.0.0.1: keys from ~/.ssh, ssh-agent, known_hosts, and the
 * named state and exit code of each way a connection is refused.
 */
class SshHubTest {
    @TempDir
    Path tmp;
    Path home;
    Path ssh;
    Path authorized;
    OpenSshServer server;
    CliRunner vault;
    String hubUrl;
    Path laptop;

    @BeforeEach
    void setUp() throws Exception {
        String why = OpenSshServer.unavailable();
        assumeTrue(why == null, why);
        home = tmp.resolve("home");
        ssh = Files.createDirectories(home.resolve(".ssh"));
        authorized = tmp.resolve("authorized_keys");
        Files.writeString(authorized, "");
        server = OpenSshServer.start(tmp.resolve("sshd"), authorized);
        hubUrl = server.url(BareHubs.create(tmp.resolve("hub.git"), "main"));
        vault = new CliRunner(tmp.resolve("config")).env("HOME", home.toString()).env("SSH_AUTH_SOCK", "");
        laptop = tmp.resolve("laptop");
        Files.createDirectories(laptop);
        Files.writeString(laptop.resolve("notes.txt"), "from the laptop\n");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    /** A key pair in ~/.ssh that the server lets in. */
    private Path authorizedKey(String passphrase) throws Exception {
        Path key = OpenSshServer.keygen(ssh.resolve("id_ed25519"), passphrase);
        Files.writeString(authorized, Files.readString(key.resolveSibling("id_ed25519.pub")), java.nio.file.StandardOpenOption.APPEND);
        return key;
    }

    private void knownHost() throws Exception {
        Files.writeString(ssh.resolve("known_hosts"), server.knownHostsLine() + "\n");
    }

    private static JsonObject json(CliRunner.Result r) {
        return JsonParser.parseString(r.out).getAsJsonObject();
    }

    @Test
    void ed25519KeyFromHomeSyncsThroughSshd() throws Exception {
        authorizedKey("");
        knownHost();
        CliRunner.Result init = vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(0, init.exitCode, init.toString());
        Path desktop = tmp.resolve("desktop");
        CliRunner.Result join = vault.run("join", hubUrl, desktop.toString(), "--name", "desktop");
        assertEquals(0, join.exitCode, join.toString());
        assertEquals("from the laptop\n", Files.readString(desktop.resolve("notes.txt")));
        Files.writeString(desktop.resolve("notes.txt"), "edited on the desktop\n");
        assertEquals(0, vault.run("sync", "-C", desktop.toString()).exitCode);
        CliRunner.Result back = vault.run("sync", "-C", laptop.toString());
        assertEquals(0, back.exitCode, back.toString());
        assertEquals("edited on the desktop\n", Files.readString(laptop.resolve("notes.txt")));
        CliRunner.Result st = vault.run("status", "--json", "-C", laptop.toString());
        assertEquals(0, st.exitCode, st.toString());
        assertEquals("reachable", json(st).get("hubState").getAsString());
    }

    @Test
    void passphraseKeyWorksThroughSshAgent() throws Exception {
        Path key = authorizedKey("correct horse");
        knownHost();
        // without an agent and without a terminal the locked key cannot be used: a refused key, and why
        CliRunner.Result locked = vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(ExitCodes.HUB_KEY_REFUSED, locked.exitCode, locked.toString());
        assertTrue(locked.out.contains("\nkey-refused: "), locked.out);
        assertTrue(locked.out.contains("passphrase"), locked.out);
        try (OpenSshServer.Agent agent = OpenSshServer.Agent.start(tmp.resolve("agent"))) {
            agent.add(key, "correct horse");
            CliRunner.Result r = vault.env("SSH_AUTH_SOCK", agent.socket().toString()).run("sync", "-C", laptop.toString());
            assertEquals(0, r.exitCode, r.toString());
            assertTrue(r.out.startsWith("synced"), r.out);
        }
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedWithItsOwnState() throws Exception {
        OpenSshServer.keygen(ssh.resolve("id_ed25519"), ""); // never added to authorized_keys
        knownHost();
        CliRunner.Result init = vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(ExitCodes.HUB_KEY_REFUSED, init.exitCode, init.toString());
        CliRunner.Result sync = vault.run("sync", "--json", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_KEY_REFUSED, sync.exitCode, sync.toString());
        assertEquals("key-refused", json(sync).get("outcome").getAsString());
        assertEquals(1, json(sync).get("waiting").getAsInt());
        CliRunner.Result st = vault.run("status", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_KEY_REFUSED, st.exitCode, st.toString());
        assertTrue(st.out.contains("(KEY-REFUSED: "), st.out);
        assertTrue(st.out.contains("authorized_keys"), st.out);
    }

    @Test
    void unknownHostKeyIsRefusedUntilAcceptedOnce() throws Exception {
        authorizedKey("");
        CliRunner.Result init = vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop");
        assertEquals(ExitCodes.HUB_HOST_UNKNOWN, init.exitCode, init.toString());
        assertTrue(init.out.contains("\nhost-unknown: the ssh host [127.0.0.1]:" + server.port()), init.out);
        assertTrue(init.out.contains("SHA256:"), init.out);
        assertFalse(Files.exists(ssh.resolve("known_hosts")), "nothing is remembered without the user's yes");
        CliRunner.Result st = vault.run("status", "--json", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_HOST_UNKNOWN, st.exitCode, st.toString());
        assertEquals("host-unknown", json(st).get("hubState").getAsString());

        CliRunner.Result accepted = vault.run("sync", "--accept-host-key", "-C", laptop.toString());
        assertEquals(0, accepted.exitCode, accepted.toString());
        assertTrue(Files.readString(ssh.resolve("known_hosts")).contains(server.knownHostsLine().split(" ")[2]));
        CliRunner.Result again = vault.run("sync", "-C", laptop.toString());
        assertEquals(0, again.exitCode, again.toString());
        assertEquals("up to date", again.out.trim());
    }

    @Test
    void changedHostKeyIsAlwaysRefused() throws Exception {
        authorizedKey("");
        Path other = OpenSshServer.keygen(tmp.resolve("other_host_key"), "");
        String[] pub = Files.readString(other.resolveSibling("other_host_key.pub")).trim().split(" ");
        String line = "[127.0.0.1]:" + server.port() + " " + pub[0] + " " + pub[1] + "\n";
        Files.writeString(ssh.resolve("known_hosts"), line);
        CliRunner.Result init = vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop", "--accept-host-key");
        assertEquals(ExitCodes.HUB_HOST_KEY_CHANGED, init.exitCode, init.toString());
        assertTrue(init.out.contains("\nhost-key-changed: "), init.out);
        assertTrue(init.out.contains("ssh-keygen -R"), init.out);
        CliRunner.Result sync = vault.run("sync", "--accept-host-key", "--json", "-C", laptop.toString());
        assertEquals(ExitCodes.HUB_HOST_KEY_CHANGED, sync.exitCode, sync.toString());
        assertEquals("host-key-changed", json(sync).get("hubState").getAsString());
        assertEquals(line, Files.readString(ssh.resolve("known_hosts")), "known_hosts is left as it was");
    }

    @Test
    void aClosedPortIsOfflineAndAMissingRepositoryIsNot() throws Exception {
        authorizedKey("");
        knownHost();
        assertEquals(0, vault.run("init", laptop.toString(), "--hub", hubUrl, "--name", "laptop").exitCode);
        Files.writeString(laptop.resolve("more.txt"), "written while away\n");
        server.close();
        CliRunner.Result off = vault.run("sync", "-C", laptop.toString());
        assertEquals(ExitCodes.WARNINGS, off.exitCode, off.toString());
        assertTrue(off.out.startsWith("offline, 1 commit waiting"), off.out);
        CliRunner.Result st = vault.run("status", "--json", "-C", laptop.toString());
        assertEquals(0, st.exitCode, st.toString());
        assertEquals("offline", json(st).get("hubState").getAsString());

        server = OpenSshServer.start(tmp.resolve("sshd"), authorized);
        String gone = server.url(tmp.resolve("no-such-hub.git"));
        Files.writeString(ssh.resolve("known_hosts"), server.knownHostsLine() + "\n");
        CliRunner.Result missing = vault.run("join", gone, tmp.resolve("desktop").toString(), "--name", "desktop");
        assertEquals(ExitCodes.NO_REPOSITORY, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("no Git repository at that path"), missing.err);
    }
}
