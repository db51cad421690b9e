package dev.vault.engine.sync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * vault's host key policy over OpenSSH's known_hosts files (JGit reads and writes them): a known key
 * is accepted; an unknown host is refused unless the user accepts its key once (a terminal question
 * or {@code --accept-host-key}), and the key is then added to known_hosts as ssh would; a host whose
 * key differs from the known one is always refused. Whatever ~/.ssh/config says about
 * StrictHostKeyChecking, vault never accepts a changed key.
 */
final class HostKeys implements ServerKeyDatabase {
    /** Why the last connection's key was refused: the state and the one-line detail. */
    static final class Refusal {
        final HubProblem problem;
        final String host;
        final String fingerprint;

        Refusal(HubProblem problem, String host, String fingerprint) {
            this.problem = problem;
            this.host = host;
            this.fingerprint = fingerprint;
        }
    }

    private final OpenSshServerKeyDatabase files;
    private final HubAccess access;
    private final Path sshDir;
    private volatile Refusal refusal;

    HostKeys(HubAccess access, Path sshDir) {
        this.access = access;
        this.sshDir = sshDir;
        this.files = new OpenSshServerKeyDatabase(false, List.of(sshDir.resolve("known_hosts"), sshDir.resolve("known_hosts2")));
    }

    Refusal refusal() {
        return refusal;
    }

    void clear() {
        refusal = null;
    }

    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
        return files.lookup(connectAddress, remoteAddress, config);
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
            Configuration config, CredentialsProvider provider) {
        if (files.accept(connectAddress, remoteAddress, serverKey, strict(config, Configuration.StrictHostKeyChecking.REQUIRE_MATCH), null)) {
            return true;
        }
        String fingerprint = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
        if (!files.lookup(connectAddress, remoteAddress, config).isEmpty()) {
            refusal = new Refusal(HubProblem.HOST_KEY_CHANGED, connectAddress, fingerprint);
            return false;
        }
        boolean yes = access.acceptNewHostKey() || askUser(connectAddress, fingerprint);
        if (!yes) {
            refusal = new Refusal(HubProblem.HOST_UNKNOWN, connectAddress, fingerprint);
            return false;
        }
        try {
            if (!Files.isDirectory(sshDir)) {
                Files.createDirectories(sshDir);
                try {
                    Files.setPosixFilePermissions(sshDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // Windows: the user's profile folder is already private
                }
            }
        } catch (IOException e) {
            // the key is still accepted for this connection; known_hosts just cannot remember it
        }
        // ACCEPT_NEW: JGit re-checks revocation (@revoked lines) and appends the key to known_hosts
        if (files.accept(connectAddress, remoteAddress, serverKey, strict(config, Configuration.StrictHostKeyChecking.ACCEPT_NEW), null)) {
            return true;
        }
        refusal = new Refusal(HubProblem.HOST_KEY_CHANGED, connectAddress, fingerprint);
        return false;
    }

    private boolean askUser(String host, String fingerprint) {
        Prompt p = access.prompt();
        if (p == null) {
            return false;
        }
        String answer = p.line("The ssh host " + host + " is not known yet. Its key is " + fingerprint
                + ".\nCompare it with what the server's owner gives you. Accept it and remember it in "
                + sshDir.resolve("known_hosts") + "? [y/N] ");
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    private static Configuration strict(Configuration c, Configuration.StrictHostKeyChecking mode) {
        return new Configuration() {
            @Override
            public List<String> getUserKnownHostsFiles() {
                return c.getUserKnownHostsFiles();
            }

            @Override
            public List<String> getGlobalKnownHostsFiles() {
                return c.getGlobalKnownHostsFiles();
            }

            @Override
            public StrictHostKeyChecking getStrictHostKeyChecking() {
                return mode;
            }

            @Override
            public boolean getHashKnownHosts() {
                return c.getHashKnownHosts();
            }

            @Override
            public String getUsername() {
                return c.getUsername();
            }
        };
    }
}
