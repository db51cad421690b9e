package dev.vault.engine.sync;

import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

/**
 * User name and password for an https hub, from where git users keep them, in C git's order:
 * {@code ~/.netrc} (or NETRC), the git credential helpers, then a prompt on the terminal. Credentials
 * that worked are approved to the helpers, refused ones rejected, as C git does. Passwords live only
 * in memory here and are never put into a message.
 */
final class HubCredentials extends CredentialsProvider {
    private enum Source { NETRC, HELPER, PROMPT, NONE }

    private final HubAccess access;
    private Source next = Source.NETRC;
    private Source current;
    private String user;
    private char[] password;
    private boolean refused;
    private boolean askedAndDeclined;
    private boolean approved;

    HubCredentials(HubAccess access) {
        this.access = access;
    }

    @Override
    public boolean isInteractive() {
        return false; // JGit must not treat this as a UI; vault prompts itself when it has a terminal
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem i : items) {
            if (!(i instanceof CredentialItem.Username) && !(i instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
        if (password == null && !lookUp(uri)) {
            askedAndDeclined = true;
            return false;
        }
        for (CredentialItem i : items) {
            if (i instanceof CredentialItem.Username) {
                ((CredentialItem.Username) i).setValue(user);
            } else if (i instanceof CredentialItem.Password) {
                ((CredentialItem.Password) i).setValue(password.clone());
            } else {
                throw new UnsupportedCredentialItem(uri, i.getClass().getSimpleName());
            }
        }
        return true;
    }

    /** The credentials last handed out were refused: forget them (and tell the helper), try the next source. */
    @Override
    public synchronized void reset(URIish uri) {
        if (password == null) {
            return;
        }
        refused = true;
        if (current == Source.HELPER) {
            GitCredentials helper = GitCredentials.find(access);
            if (helper != null) {
                helper.reject(uri, user, password); // as C git does: the helper may forget them
            }
        }
        Arrays.fill(password, '\0');
        password = null;
    }

    /** After the hub accepted the credentials: let the helpers store what was typed or found. */
    synchronized void approve(URIish uri) {
        if (password == null || approved || current == Source.NETRC) {
            return;
        }
        approved = true;
        GitCredentials helper = GitCredentials.find(access);
        if (helper != null) {
            helper.approve(uri, user, password);
        }
    }

    /** True when the hub asked for credentials and refused, or none could be found. */
    synchronized boolean refusedOrMissing() {
        return askedAndDeclined;
    }

    /** True when the hub refused credentials at least once (a wrong password rather than none at all). */
    synchronized boolean wasRefused() {
        return refused;
    }

    synchronized String lastSource() {
        return current == null ? null : current.name().toLowerCase(java.util.Locale.ROOT);
    }

    private boolean lookUp(URIish uri) {
        String wantedUser = uri.getUser();
        while (next != Source.NONE) {
            Source s = next;
            next = Source.values()[s.ordinal() + 1];
            switch (s) {
                case NETRC: {
                    Netrc.Login l = Netrc.find(access.netrcFile(), uri.getHost(), wantedUser);
                    if (l != null && l.user != null) {
                        return use(s, l.user, l.password);
                    }
                    break;
                }
                case HELPER: {
                    GitCredentials helper = GitCredentials.find(access);
                    String[] found = helper == null ? null : helper.fill(uri, wantedUser);
                    if (found != null && found[0] != null) {
                        return use(s, found[0], found[1].toCharArray());
                    }
                    break;
                }
                case PROMPT: {
                    Prompt p = access.prompt();
                    if (p == null) {
                        break;
                    }
                    String where = Hub.display(uri.toString());
                    String u = wantedUser;
                    if (u == null) {
                        u = p.line("User name for " + where + ": ");
                    }
                    char[] pw = u == null || u.isEmpty() ? null : p.secret("Password for " + u + " at " + where + ": ");
                    if (pw != null && pw.length > 0) {
                        return use(s, u, pw);
                    }
                    break;
                }
                default:
                    break;
            }
        }
        return false;
    }

    private boolean use(Source s, String u, char[] pw) {
        current = s;
        user = u;
        password = pw;
        return true;
    }

    /** Where a netrc file is looked for: NETRC, else {@code ~/.netrc} (and {@code ~/_netrc} on Windows). */
    static Path netrcFile(HubAccess access) {
        String env = access.getenv("NETRC");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        Path home = access.home();
        Path p = home.resolve(".netrc");
        if (!java.nio.file.Files.exists(p) && java.io.File.separatorChar == '\\') {
            p = home.resolve("_netrc");
        }
        return p;
    }
}
