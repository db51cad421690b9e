package dev.vault.engine.sync;

import dev.vault.engine.VaultException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * The Git hub every computer syncs through: a local or network path to a bare repository, or an
 * ssh/https Git URL. Local hubs that do not exist yet are created as bare repositories.
 */
public final class Hub {
    private Hub() {
    }

    /** True if {@code hub} names a folder (not a URL such as ssh://, https:// or user@host:path). */
    public static boolean isLocalPath(String hub) {
        if (hub.contains("://")) {
            return hub.startsWith("file://");
        }
        if (hub.matches("^[A-Za-z]:[\\\\/].*")) {
            return true; // Windows drive letter
        }
        int colon = hub.indexOf(':');
        int slash = hub.indexOf('/');
        return colon < 0 || (slash >= 0 && slash < colon);
    }

    /** The hub as JGit URI. */
    public static URIish uri(String hub) {
        try {
            if (isLocalPath(hub) && !hub.startsWith("file://")) {
                return new URIish(Path.of(hub).toAbsolutePath().normalize().toString());
            }
            return new URIish(hub);
        } catch (URISyntaxException e) {
            throw new VaultException("hub '" + hub + "' is neither a folder nor a Git URL; give a path or an ssh:// or https:// URL");
        }
    }

    /** Normalises a user-typed hub to what is stored in the config (absolute path for local hubs). */
    public static String normalize(String hub) {
        if (hasPassword(hub)) {
            throw new VaultException(dev.vault.engine.ExitCodes.USAGE, "the hub URL " + display(hub)
                    + " must not hold a password (it would be stored in .git/vault/config); keep it in your git"
                    + " credential helper or ~/.netrc instead, and give the URL without it");
        }
        if (isLocalPath(hub) && !hub.startsWith("file://")) {
            return Path.of(hub).toAbsolutePath().normalize().toString();
        }
        return hub;
    }

    /** Creates a local bare hub at {@code hub} if nothing is there; returns true if it was created. */
    public static boolean createIfMissing(String hub, String branch) {
        if (!isLocalPath(hub) || hub.startsWith("file://")) {
            return false;
        }
        Path p = Path.of(hub).toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(p) && Files.list(p).findAny().isPresent()) {
                return false;
            }
            GitIsolation.install();
            try (Git git = Git.init().setBare(true).setDirectory(p.toFile()).setInitialBranch(branch).call()) {
                configureBare(git.getRepository());
            }
            return true;
        } catch (IOException | GitAPIException e) {
            throw new VaultException("cannot create hub " + p + ": " + e.getMessage(), e);
        }
    }

    /** Settings that keep a bare hub from collecting garbage behind vault's back. */
    static void configureBare(Repository hub) throws IOException {
        StoredConfig c = hub.getConfig();
        c.setString("gc", null, "auto", "0");
        c.setString("gc", null, "autoDetach", "false");
        c.setString("receive", null, "autogc", "false");
        c.setString("core", null, "logAllRefUpdates", "true");
        // refuse damaged objects and unsafe names from any pusher (vault's in-process JGit, C git clones);
        // names only Windows or macOS cannot hold stay acceptable whichever computer pushes (see GitIsolation)
        c.setBoolean("receive", null, "fsckObjects", true);
        for (String id : new String[] {"hasDot", "hasDotdot", "hasDotgit", "emptyName", "fullPathname"}) {
            c.setString("receive", "fsck", id, "error"); // C git reports these as warnings by default
        }
        // C git (2.36+: core.fsync) and JGit clients flush what they push here. Not core.fsyncObjectFiles:
        // C git 2.36+ warns on every command that reads it, and vault's own pushes set it in memory anyway
        // (LocalHubPush), so a C git user of the hub would see noise for nothing.
        c.setString("core", null, "fsync", "committed");
        c.setBoolean("core", null, "fsyncRefFiles", true);
        c.save();
    }

    /** The hub's refs as one ls-remote sees them. */
    public static final class Refs {
        public final Map<String, Ref> refs;

        Refs(Map<String, Ref> refs) {
            this.refs = refs;
        }

        public ObjectId branch(String branch) {
            Ref r = refs.get(Constants.R_HEADS + branch);
            return r == null ? null : r.getObjectId();
        }

        /** The branch the hub's HEAD points at, or null when unknown. */
        public String defaultBranch() {
            Ref head = refs.get(Constants.HEAD);
            if (head != null && head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
                return head.getTarget().getName().substring(Constants.R_HEADS.length());
            }
            return null;
        }
    }

    /**
     * The branch the hub's HEAD names: from the refs it advertised, or, for a hub that is a folder,
     * from its HEAD file, which also names a branch that has no commits yet (an empty hub made by
     * {@code git init --bare} names {@code master}). Null when unknown.
     */
    public static String headBranch(String hub, Refs refs) {
        String b = refs == null ? null : refs.defaultBranch();
        if (b != null || !isLocalPath(hub)) {
            return b;
        }
        try (Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(LocalHubPush.gitDir(hub).toFile()).setMustExist(true).build()) {
            Ref head = r.exactRef(Constants.HEAD);
            if (head != null && head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
                String name = head.getTarget().getName().substring(Constants.R_HEADS.length());
                return Repository.isValidRefName(head.getTarget().getName()) ? name : null;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Thrown when the hub cannot be used; {@link #problem()} says which state that is (offline or one to fix). */
    public static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final HubProblem problem;

        public UnreachableException(String message, Throwable cause) {
            this(HubProblem.OFFLINE, message, cause);
        }

        public UnreachableException(HubProblem problem, String message, Throwable cause) {
            super(message, cause);
            this.problem = problem;
        }

        public HubProblem problem() {
            return problem;
        }
    }

    /** ls-remote with the process's own keys, agent and credentials (see {@link HubAccess#system()}). */
    public static Refs listRefs(Repository local, String hub) throws UnreachableException {
        return listRefs(local, hub, HubAccess.system());
    }

    /** ls-remote: the hub's refs, or {@link UnreachableException} naming why it cannot be used. */
    public static Refs listRefs(Repository local, String hub, HubAccess access) throws UnreachableException {
        if (isLocalPath(hub) && !hub.startsWith("file://")) {
            Path dir = Path.of(uri(hub).getPath());
            if (!Files.isDirectory(dir)) {
                throw localHubAbsent(hub, dir);
            }
        }
        if (isLocalPath(hub)) {
            return listLocalRefs(hub);
        }
        access.clearLastFailure();
        try (Transport t = access.open(local, hub); FetchConnection fc = t.openFetch()) {
            Refs refs = new Refs(fc.getRefsMap());
            access.succeeded(hub);
            return refs;
        } catch (NotSupportedException e) {
            // not an outage: this kind of URL cannot work at all, so saying "offline" would mislead forever
            throw new VaultException("hub " + display(hub) + " uses a kind of URL this vault build cannot reach ("
                    + e.getMessage() + "); use a folder path (local, USB or network share), an ssh:// or an https:// URL", e);
        } catch (TransportException e) {
            throw access.problem(hub, e);
        }
    }

    /**
     * A local hub folder that is not there: offline when its drive or share is gone (the parent folder is
     * missing too, or is an empty mount point), missing when the folder around it is there and in use.
     */
    static UnreachableException localHubAbsent(String hub, Path dir) {
        Path parent = dir.getParent();
        boolean parentInUse = false;
        if (parent != null && Files.isDirectory(parent)) {
            try (java.util.stream.Stream<Path> s = Files.list(parent)) {
                parentInUse = s.findAny().isPresent();
            } catch (IOException e) {
                parentInUse = false;
            }
        }
        if (parentInUse) {
            return new UnreachableException(HubProblem.HUB_MISSING, "hub " + dir + " is not there, though " + parent
                    + " is: was it moved, renamed or deleted? Put it back, or fix workspace.hub in .git/vault/config", null);
        }
        return new UnreachableException(HubProblem.OFFLINE, "hub " + hub + " is not there (drive unplugged or share offline?)", null);
    }

    /** Whether {@code hub} is a URL with a password in it (which vault never stores, shows or uses). */
    static boolean hasPassword(String hub) {
        if (hub == null || isLocalPath(hub) && !hub.startsWith("file://")) {
            return false;
        }
        try {
            return new URIish(hub).getPass() != null;
        } catch (URISyntaxException e) {
            return false; // reported by uri() when it is used
        }
    }

    /** The hub for messages: a URL without any password in it. */
    public static String display(String hub) {
        if (hub == null || isLocalPath(hub) && !hub.startsWith("file://")) {
            return hub;
        }
        try {
            URIish u = new URIish(hub);
            if (u.getPass() != null) {
                return u.setPass(null).toString();
            }
            return hub;
        } catch (URISyntaxException e) {
            return hub.replaceAll("://[^/@]*@", "://");
        }
    }

    /**
     * A folder hub's refs, read from its ref database: no upload-pack is started for them (faster), and a
     * branch naming a commit the hub lost (a pack gone in a power cut) is listed, not mistaken for an
     * unreachable hub, so the next push can send the history again.
     */
    private static Refs listLocalRefs(String hub) throws UnreachableException {
        Path dir = LocalHubPush.gitDir(hub);
        if (!Files.isDirectory(dir)) {
            throw localHubAbsent(hub, dir);
        }
        try (Repository r = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
            Map<String, Ref> refs = new java.util.HashMap<>();
            for (Ref ref : r.getRefDatabase().getRefs()) {
                refs.put(ref.getName(), ref);
            }
            Ref head = r.exactRef(Constants.HEAD);
            if (head != null) {
                refs.put(Constants.HEAD, head);
            }
            return new Refs(refs);
        } catch (org.eclipse.jgit.errors.RepositoryNotFoundException | IllegalArgumentException e) {
            // the folder is there but holds no repository: something to fix, not an outage
            throw new UnreachableException(HubProblem.HUB_MISSING, "hub " + hub + " is not a Git repository; put the hub back,"
                    + " or fix workspace.hub in .git/vault/config", e);
        } catch (IOException e) {
            throw new UnreachableException("hub " + hub + " is not reachable (" + e.getMessage() + ")", e);
        }
    }

    /** A hub ref lock older than this is left by a killed push: real ref updates hold it for milliseconds. */
    static java.time.Duration staleLockAge = java.time.Duration.ofSeconds(10);

    /**
     * Removes lock files a killed push left in a local hub ({@code refs/**.lock}, {@code packed-refs.lock}),
     * waiting until each is {@link #staleLockAge} old so a push in progress elsewhere is never disturbed.
     * Returns how many were removed. Network hubs are their server's business.
     */
    static int clearStaleLocks(String hub) {
        if (!isLocalPath(hub) || hub.startsWith("file://")) {
            return 0;
        }
        Path dir = Path.of(hub);
        java.util.List<Path> locks = new java.util.ArrayList<>();
        for (String f : java.util.List.of("packed-refs.lock", "HEAD.lock")) {
            if (Files.exists(dir.resolve(f))) {
                locks.add(dir.resolve(f));
            }
        }
        if (Files.isDirectory(dir.resolve("refs"))) {
            try (java.util.stream.Stream<Path> s = Files.walk(dir.resolve("refs"))) {
                s.filter(p -> p.getFileName().toString().endsWith(".lock")).forEach(locks::add);
            } catch (IOException e) {
                return 0;
            }
        }
        int removed = 0;
        for (Path lock : locks) {
            try {
                long age = System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis();
                long wait = staleLockAge.toMillis() - age;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (Files.exists(lock) && System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis() >= staleLockAge.toMillis()) {
                    Files.deleteIfExists(lock);
                    removed++;
                }
            } catch (IOException e) {
                // gone meanwhile (a live push finished) or unreadable: leave it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return removed;
            }
        }
        return removed;
    }
}
