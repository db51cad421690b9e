package dev.vault.engine.sync;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.transport.sshd.AuthenticationCanceledException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.HttpTransport;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.DefaultProxyDataFactory;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

/**
 * How this process reaches network hubs, as C git would for the same user: ssh keys, known_hosts and
 * the ssh config from {@code ~/.ssh}, a running ssh-agent, https credentials from ~/.netrc and the git
 * credential helpers, and a terminal for questions when there is one. Every transport to a hub is
 * opened here, and every failure to reach one is turned into a {@link HubProblem} here, from typed
 * exceptions and from what vault's own key and credential callbacks saw (never from message text).
 * One instance serves one round (or one command); it keeps credentials that worked for its lifetime.
 */
public final class HubAccess {
    /**
     * sshd registers Bouncy Castle as a JCE provider when it finds it (vault has it for Argon2), which
     * loads ~800 classes and cost ~0.5 s of CPU in every ssh round; without it the JDK does the ciphers
     * and key exchange and net.i2p's small library does Ed25519. Set before sshd's first use; a value
     * the user gives on the command line wins.
     */
    private static final String SSHD_BC = "org.apache.sshd.security.provider.BC.enabled";

    static {
        if (System.getProperty(SSHD_BC) == null) {
            System.setProperty(SSHD_BC, "false");
        }
    }

    private final Map<String, String> env;
    private final Prompt prompt;
    private boolean acceptNewHostKey;
    private HostKeys hostKeys;
    private SshdSessionFactory ssh;
    private HubCredentials credentials;
    private boolean passphraseUnavailable;
    /** While a round runs, one ssh session per server serves its ls-remote, fetch and push. */
    private boolean holdSessions;
    private final Map<String, org.eclipse.jgit.transport.sshd.SshdSession> sessions = new HashMap<>();

    private HubAccess(Map<String, String> env, Prompt prompt) {
        this.env = env;
        this.prompt = prompt;
    }

    /**
     * Access with these environment variables over the process's own (HOME, NETRC, SSH_AUTH_SOCK, PATH
     * and GIT_* as the user's shell has them) and {@code prompt} for questions, or null for none.
     */
    public static HubAccess of(Map<String, String> env, Prompt prompt) {
        return new HubAccess(env == null ? Map.of() : new HashMap<>(env), prompt);
    }

    /** The process's environment, asking on the terminal when there is one. */
    public static HubAccess system() {
        return of(Map.of(), Prompt.console());
    }

    /** Accept an ssh host key that is not known yet and add it to known_hosts (never a changed one). */
    public HubAccess acceptNewHostKey(boolean v) {
        acceptNewHostKey = v;
        return this;
    }

    boolean acceptNewHostKey() {
        return acceptNewHostKey;
    }

    Prompt prompt() {
        return prompt;
    }

    String getenv(String key) {
        return env.containsKey(key) ? env.get(key) : System.getenv(key);
    }

    /** The variables given over the process's own (for the git credential program). */
    Map<String, String> overlay() {
        Map<String, String> m = new HashMap<>();
        env.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** The user's home folder: HOME, else USERPROFILE (Windows), else Java's user.home. */
    Path home() {
        for (String k : new String[] {"HOME", "USERPROFILE"}) {
            String v = getenv(k);
            if (v != null && !v.isEmpty()) {
                return Path.of(v);
            }
        }
        return Path.of(System.getProperty("user.home"));
    }

    Path sshDir() {
        return home().resolve(".ssh");
    }

    Path netrcFile() {
        return HubCredentials.netrcFile(this);
    }

    /** Opens a transport to {@code hub} with this computer's keys, agent, known hosts and credentials, checking objects it fetches. */
    Transport open(Repository repo, String hub) throws NotSupportedException, TransportException {
        Transport t = Transport.open(repo, Hub.uri(hub));
        t.setObjectChecker(PathValidator.fetchChecker()); // every fetch checks what it receives; damaged objects never enter
        if (t instanceof SshTransport) {
            ((SshTransport) t).setSshSessionFactory(ssh());
        }
        if (t instanceof HttpTransport) {
            t.setCredentialsProvider(credentials());
        }
        return t;
    }

    /** The hub accepted this round's credentials: the git credential helpers may store them. */
    void succeeded(String hub) {
        if (credentials != null) {
            credentials.approve(Hub.uri(hub));
        }
    }

    private synchronized HubCredentials credentials() {
        if (credentials == null) {
            credentials = new HubCredentials(this);
        }
        return credentials;
    }

    private synchronized SshdSessionFactory ssh() {
        if (ssh == null) {
            Path sshDir = sshDir();
            hostKeys = new HostKeys(this, sshDir);
            ConnectorFactory agents = new SshAgents(this);
            ssh = new SshdSessionFactory(new JGitKeyCache(), new DefaultProxyDataFactory()) {
                @Override
                protected ServerKeyDatabase createServerKeyDatabase(java.io.File homeDir, java.io.File dir) {
                    return hostKeys;
                }

                @Override
                protected ConnectorFactory getConnectorFactory() {
                    return agents;
                }

                @Override
                protected KeyPasswordProvider createKeyPasswordProvider(org.eclipse.jgit.transport.CredentialsProvider provider) {
                    return new Passphrases();
                }

                @Override
                public org.eclipse.jgit.transport.sshd.SshdSession getSession(URIish uri,
                        org.eclipse.jgit.transport.CredentialsProvider cp, org.eclipse.jgit.util.FS fs, int tms)
                        throws TransportException {
                    synchronized (HubAccess.this) {
                        String key = uri.getUser() + "@" + uri.getHost() + ":" + uri.getPort();
                        org.eclipse.jgit.transport.sshd.SshdSession held = holdSessions ? sessions.get(key) : null;
                        if (held != null) {
                            return held;
                        }
                        org.eclipse.jgit.transport.sshd.SshdSession s = super.getSession(uri, cp, fs, tms);
                        if (holdSessions) {
                            sessions.put(key, s);
                            s.addCloseListener(closed -> {
                                synchronized (HubAccess.this) {
                                    sessions.remove(key, closed);
                                }
                            });
                        }
                        return s;
                    }
                }

                @Override
                public void releaseSession(org.eclipse.jgit.transport.RemoteSession session) {
                    synchronized (HubAccess.this) {
                        if (sessions.containsValue(session)) {
                            return; // kept for the rest of the round; releaseSessions() ends it
                        }
                    }
                    super.releaseSession(session);
                }
            };
            ssh.setHomeDirectory(home().toFile());
            ssh.setSshDirectory(sshDir.toFile());
        }
        return ssh;
    }

    /** Asks for a key's passphrase on the terminal; without one, the key is skipped (the agent may have it). */
    private final class Passphrases implements KeyPasswordProvider {
        private int attempts = 1;

        @Override
        public char[] getPassphrase(URIish uri, int attempt) {
            if (prompt == null) {
                passphraseUnavailable = true;
                return null;
            }
            return prompt.secret("Passphrase for ssh key " + uri.getPath() + ": ");
        }

        @Override
        public void setAttempts(int maxNumberOfAttempts) {
            attempts = Math.max(1, maxNumberOfAttempts);
        }

        @Override
        public int getAttempts() {
            return attempts;
        }

        @Override
        public boolean keyLoaded(URIish uri, int attempt, Exception error) {
            return error != null && prompt != null && attempt < attempts;
        }
    }

    /**
     * From now until {@link #releaseSessions()}, transports to the same ssh server share one session:
     * a round's ls-remote, fetch and push pay for one ssh handshake instead of three.
     */
    synchronized void holdSessions() {
        holdSessions = true;
    }

    /** Ends the sessions held since {@link #holdSessions()}; later transports get their own again. */
    void releaseSessions() {
        java.util.List<org.eclipse.jgit.transport.sshd.SshdSession> open;
        synchronized (this) {
            holdSessions = false;
            open = new java.util.ArrayList<>(sessions.values());
            sessions.clear();
        }
        for (org.eclipse.jgit.transport.sshd.SshdSession s : open) {
            s.disconnect();
        }
    }

    /** Forgets what the previous connection's callbacks saw, before a new attempt. */
    void clearLastFailure() {
        if (hostKeys != null) {
            hostKeys.clear();
        }
    }

    /**
     * The hub could not be used: which state that is, with one line naming the hub and what to do.
     * The order matters: a refused host key or password is what the user must fix, whatever the
     * transport made of it afterwards.
     */
    Hub.UnreachableException problem(String hub, Exception e) {
        String where = Hub.display(hub);
        HostKeys.Refusal r = hostKeys == null ? null : hostKeys.refusal();
        if (r != null && r.problem == HubProblem.HOST_KEY_CHANGED) {
            return new Hub.UnreachableException(HubProblem.HOST_KEY_CHANGED, "the ssh host key of " + r.host
                    + " has CHANGED (it now shows " + r.fingerprint + ", " + sshDir().resolve("known_hosts")
                    + " has another): someone may be intercepting the connection, or the server was reinstalled;"
                    + " vault refuses to connect. If its owner confirms the new key, remove the old one with 'ssh-keygen -R "
                    + r.host + "' and run 'vault sync --accept-host-key'", e);
        }
        if (r != null) {
            return new Hub.UnreachableException(HubProblem.HOST_UNKNOWN, "the ssh host " + r.host
                    + " is not known yet (its key is " + r.fingerprint + "); check that fingerprint with the server's owner, then run"
                    + " 'vault sync --accept-host-key' once to add it to " + sshDir().resolve("known_hosts"), e);
        }
        if (credentials != null && credentials.refusedOrMissing()) {
            String msg = credentials.wasRefused()
                    ? "hub " + where + " refused the user name and password (from " + credentials.lastSource()
                            + "); correct them in your git credential helper or " + netrcFile()
                            + ", or run 'vault sync' on a terminal to type them"
                    : "hub " + where + " needs a user name and password and none was found; store them with your git"
                            + " credential helper (as for C git) or in " + netrcFile() + ", or run 'vault sync' on a terminal to type them";
            return new Hub.UnreachableException(HubProblem.PASSWORD_REFUSED, msg, e);
        }
        if (e instanceof NoRemoteRepositoryException) {
            return new Hub.UnreachableException(HubProblem.HUB_MISSING, "hub " + where
                    + " answers, but there is no Git repository at that path; check workspace.hub in .git/vault/config"
                    + " (was the hub moved or renamed?)", e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationCanceledException || t instanceof SshException
                    && ((SshException) t).getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
                return new Hub.UnreachableException(HubProblem.KEY_REFUSED, "the ssh server of hub " + where
                        + " refused every key this computer offered (" + keysTried() + "); add this computer's public key"
                        + " to the server's authorized_keys, or load the right key into ssh-agent ('ssh-add')", e);
            }
        }
        return new Hub.UnreachableException(HubProblem.OFFLINE, "hub " + where + " is not reachable (" + reason(e) + ")", e);
    }

    private String keysTried() {
        StringBuilder b = new StringBuilder();
        String sock = getenv("SSH_AUTH_SOCK");
        b.append(sock == null || sock.isEmpty() ? "no ssh-agent running" : "keys in ssh-agent");
        b.append(", key files in ").append(sshDir());
        if (passphraseUnavailable) {
            b.append("; a key needs its passphrase and there is no terminal to ask: add it to ssh-agent");
        }
        return b.toString();
    }

    /** A few words on why a connection failed, from the exception types (messages may hold URLs). */
    private static String reason(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused: is the server running?";
            }
            if (t instanceof UnknownHostException) {
                return "host name not found: no network?";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to the host: no network?";
            }
            if (t instanceof SocketTimeoutException || t instanceof java.io.InterruptedIOException) {
                return "timed out";
            }
        }
        return e instanceof IOException ? "the connection failed" : "it could not be contacted";
    }
}
