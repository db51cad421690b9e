package dev.vault.engine.sync;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.transport.sshd.agent.AbstractConnector;
import org.eclipse.jgit.transport.sshd.agent.Connector;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

/**
 * Connects JGit's ssh client to a running ssh-agent, as C git's ssh does, without native libraries:
 * on Linux and macOS through the Unix domain socket that SSH_AUTH_SOCK (or IdentityAgent in
 * ~/.ssh/config) names; on Windows through a named pipe, by default the Windows OpenSSH agent's
 * {@code \\.\pipe\openssh-ssh-agent} (Pageant 0.75+ serves one too; name it with IdentityAgent).
 */
final class SshAgents implements ConnectorFactory {
    static final String WINDOWS_OPENSSH_PIPE = "\\\\.\\pipe\\openssh-ssh-agent";

    private final HubAccess access;

    SshAgents(HubAccess access) {
        this.access = access;
    }

    private static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    @Override
    public Connector create(String identityAgent, File homeDir) throws IOException {
        String agent = identityAgent;
        if (agent == null || agent.isEmpty() || agent.equals("SSH_AUTH_SOCK")) {
            agent = access.getenv("SSH_AUTH_SOCK");
            if ((agent == null || agent.isEmpty()) && windows()) {
                agent = WINDOWS_OPENSSH_PIPE;
            }
        }
        if (agent != null && agent.startsWith("~")) {
            agent = homeDir.toPath().resolve(agent.substring(1).replaceFirst("^[/\\\\]", "")).toString();
        }
        if (agent != null && windows() && agent.replace('/', '\\').toLowerCase(Locale.ROOT).startsWith("\\\\.\\pipe\\")) {
            return new Pipe(agent.replace('/', '\\'));
        }
        return new Socket(agent);
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public String getName() {
        return "vault";
    }

    @Override
    public Collection<ConnectorDescriptor> getSupportedConnectors() {
        return List.of(getDefaultConnector());
    }

    @Override
    public ConnectorDescriptor getDefaultConnector() {
        return new ConnectorDescriptor() {
            @Override
            public String getIdentityAgent() {
                return windows() ? WINDOWS_OPENSSH_PIPE : "SSH_AUTH_SOCK";
            }

            @Override
            public String getDisplayName() {
                return windows() ? "Windows OpenSSH agent" : "ssh-agent (SSH_AUTH_SOCK)";
            }
        };
    }

    /** An agent behind a Unix domain socket (Java 16+ has them on every OS, Windows 10 included). */
    private static final class Socket extends AbstractConnector {
        private final String path;
        private SocketChannel channel;

        Socket(String path) {
            this.path = path;
        }

        @Override
        public synchronized boolean connect() throws IOException {
            if (channel != null) {
                return true;
            }
            if (path == null || path.isEmpty() || !java.nio.file.Files.exists(Path.of(path))) {
                return false; // no agent running: keys from files only, as ssh does
            }
            SocketChannel c = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            try {
                c.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                c.close();
                throw new IOException("cannot reach the ssh-agent at " + path + " (" + e.getMessage() + ")", e);
            }
            channel = c;
            return true;
        }

        @Override
        public synchronized byte[] rpc(byte command, byte[] message) throws IOException {
            prepareMessage(command, message);
            if (channel == null) {
                throw new IOException("not connected to the ssh-agent");
            }
            ByteBuffer out = ByteBuffer.wrap(message);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            byte[] len = new byte[4];
            readFully(ByteBuffer.wrap(len));
            byte[] reply = new byte[toLength(command, len)];
            readFully(ByteBuffer.wrap(reply));
            return reply;
        }

        private void readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (channel.read(b) < 0) {
                    throw new IOException("the ssh-agent closed the connection");
                }
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }

    /** An agent behind a Windows named pipe, which Java opens like a file. */
    private static final class Pipe extends AbstractConnector {
        private final String name;
        private RandomAccessFile pipe;

        Pipe(String name) {
            this.name = name;
        }

        @Override
        public synchronized boolean connect() throws IOException {
            if (pipe != null) {
                return true;
            }
            try {
                pipe = new RandomAccessFile(name, "rw");
                return true;
            } catch (java.io.FileNotFoundException e) {
                return false; // no agent running
            }
        }

        @Override
        public synchronized byte[] rpc(byte command, byte[] message) throws IOException {
            prepareMessage(command, message);
            if (pipe == null) {
                throw new IOException("not connected to the ssh agent");
            }
            pipe.write(message);
            byte[] len = new byte[4];
            pipe.readFully(len);
            byte[] reply = new byte[toLength(command, len)];
            pipe.readFully(reply);
            return reply;
        }

        @Override
        public synchronized void close() throws IOException {
            if (pipe != null) {
                pipe.close();
                pipe = null;
            }
        }
    }
}
