package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where https credentials come from, and that a password never reaches a message or the config. */
class HubCredentialsTest {
    @TempDir
    Path tmp;

    @Test
    void netrcMatchesTheMachineThenTheDefaultAndSkipsMacros() throws Exception {
        Path f = tmp.resolve("netrc");
        Files.writeString(f, "# my logins\nmachine other.example login bob password b0b\n"
                + "macdef init\nmachine evil.example login x password y\n\n"
                + "machine git.example.org\n  login alice\n  password p4ss\ndefault login anon password anon-pw\n");
        Netrc.Login l = Netrc.find(f, "git.example.org", null);
        assertEquals("alice", l.user);
        assertArrayEquals("p4ss".toCharArray(), l.password);
        assertEquals("anon", Netrc.find(f, "unknown.example", null).user);
        assertEquals("anon", Netrc.find(f, "evil.example", null).user, "lines inside a macro are not logins");
        assertNull(Netrc.find(f, "git.example.org", "carol"), "another user's login is not used");
        assertNull(Netrc.find(tmp.resolve("absent"), "git.example.org", null));
    }

    @Test
    void promptIsTheLastSourceAndRefusalMovesOn() throws Exception {
        Files.writeString(tmp.resolve(".netrc"), "machine h.example login alice password from-netrc\n");
        Deque<String> answers = new ArrayDeque<>(java.util.List.of("alice", "typed-pw"));
        Prompt prompt = new Prompt() {
            @Override
            public String line(String question) {
                return answers.poll();
            }

            @Override
            public char[] secret(String question) {
                assertFalse(question.contains("from-netrc"));
                String a = answers.poll();
                return a == null ? null : a.toCharArray();
            }
        };
        // PATH without git: the helper step is skipped, as on a computer without git
        HubAccess access = HubAccess.of(Map.of("HOME", tmp.toString(), "NETRC", "", "PATH", tmp.resolve("nobin").toString()), prompt);
        HubCredentials c = new HubCredentials(access);
        URIish uri = new URIish("https://h.example/hub.git");
        CredentialItem.Username u = new CredentialItem.Username();
        CredentialItem.Password p = new CredentialItem.Password();
        assertTrue(c.get(uri, u, p));
        assertEquals("from-netrc", new String(p.getValue()));
        c.reset(uri); // the server said no
        assertTrue(c.get(uri, u, p));
        assertEquals("alice", u.getValue());
        assertEquals("typed-pw", new String(p.getValue()));
        c.reset(uri);
        assertFalse(c.get(uri, u, p), "no source left");
        assertTrue(c.refusedOrMissing() && c.wasRefused());
    }

    @Test
    void urlsInMessagesHaveNoPasswordAndConfigRefusesOne() {
        assertEquals("https://alice@h.example/hub.git", Hub.display("https://alice:pw@h.example/hub.git"));
        assertEquals("ssh://git@h.example/hub.git", Hub.display("ssh://git@h.example/hub.git"));
        VaultException e = assertThrows(VaultException.class, () -> Hub.normalize("https://alice:pw@h.example/hub.git"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertFalse(e.getMessage().contains("pw@"), e.getMessage());
        assertEquals("https://alice@h.example/hub.git", Hub.normalize("https://alice@h.example/hub.git"));
    }

    /** A password typed into .git/vault/config by hand is refused with file, line and key, and never shown. */
    @Test
    void aHandEditedHubUrlWithAPasswordIsRefusedWithoutShowingIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("ws"));
        Workspace.create(root, "https://alice@h.example/hub.git", "laptop", "main");
        Path cfg = root.resolve(".git/vault/config");
        Files.writeString(cfg, Files.readString(cfg).replace("alice@", "alice:s3cret-pw@"));
        Workspace ws = Workspace.open(root);
        VaultException e = assertThrows(VaultException.class, ws::hub);
        assertTrue(e.getMessage().startsWith(cfg + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("workspace.hub: the URL holds a password"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
        assertThrows(VaultException.class, () -> new SyncEngine(ws, new SyncEngine.Options()).run());
    }

    @Test
    void aVanishedHubFolderIsOfflineWhenItsDriveIsGoneAndMissingWhenItsFolderIsThere() throws Exception {
        Path drive = tmp.resolve("media").resolve("usb");
        assertEquals(HubProblem.OFFLINE, Hub.localHubAbsent(drive.resolve("hub.git").toString(), drive.resolve("hub.git")).problem());
        Files.createDirectories(drive); // an empty mount point: the drive is not mounted
        assertEquals(HubProblem.OFFLINE, Hub.localHubAbsent(drive.resolve("hub.git").toString(), drive.resolve("hub.git")).problem());
        Files.writeString(drive.resolve("other-file"), "the drive is there");
        Hub.UnreachableException missing = Hub.localHubAbsent(drive.resolve("hub.git").toString(), drive.resolve("hub.git"));
        assertEquals(HubProblem.HUB_MISSING, missing.problem());
        assertEquals(ExitCodes.NO_REPOSITORY, missing.problem().exitCode());
    }
}
