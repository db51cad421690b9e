package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** {@code vault init} and {@code vault join}: make a folder a workspace of a hub and run its first round. */
public final class WorkspaceSetup {
    /** The new workspace, whether the hub was created, and what the first round did. */
    public static final class Result {
        public final Workspace workspace;
        public final boolean hubCreated;
        public final SyncResult sync;

        Result(Workspace workspace, boolean hubCreated, SyncResult sync) {
            this.workspace = workspace;
            this.hubCreated = hubCreated;
            this.sync = sync;
        }
    }

    private WorkspaceSetup() {
    }

    /**
     * Makes {@code folder} a workspace of {@code hub} (a local hub that does not exist is created bare);
     * files already in the folder become the first commit. The caller closes the returned workspace.
     */
    public static Result init(Path folder, String hub, String computer, SyncEngine.Options opt) {
        GitIsolation.install();
        String h = Hub.normalize(hub);
        Path abs = folder.toAbsolutePath().normalize();
        refuseExistingRepository(abs);
        if (Hub.isLocalPath(h) && abs.equals(Path.of(h))) {
            throw new VaultException(ExitCodes.USAGE, "the hub " + h + " cannot be the workspace folder itself; put the hub elsewhere (e.g. a USB drive or " + abs.resolveSibling(abs.getFileName() + "-hub.git") + ")");
        }
        boolean created = Hub.createIfMissing(h, "main");
        String branch = hubBranch(h, created, access(opt));
        Workspace ws = Workspace.create(abs, h, computer, branch);
        if (opt.note == null) {
            opt.note = "move current work to central";
        }
        return new Result(ws, created, runFirstRound(ws, opt));
    }

    /** Clones {@code hub} into {@code folder}; files already in the folder are merged in, never deleted. */
    public static Result join(String hub, Path folder, String computer, SyncEngine.Options opt) {
        GitIsolation.install();
        String h = Hub.normalize(hub);
        Path abs = folder.toAbsolutePath().normalize();
        if (Hub.isLocalPath(h) && !Files.isDirectory(Path.of(h))) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "hub " + h + " does not exist; check the path, or create it with 'vault init <workspace> --hub " + h + "' on the first computer");
        }
        refuseExistingRepository(abs);
        String branch;
        try {
            String named = Hub.headBranch(h, listRefsWithoutWorkspace(h, access(opt)));
            branch = named != null ? named : "main";
        } catch (Hub.UnreachableException e) {
            if (e.problem() == HubProblem.OFFLINE || e.problem() == HubProblem.HUB_MISSING) {
                throw new VaultException(ExitCodes.NO_REPOSITORY, "cannot join: " + e.getMessage() + "; check the hub path or URL and that it is reachable");
            }
            // a key, password or host key to sort out: its own state and exit code, as for sync
            throw new VaultException(e.problem().exitCode(), "cannot join (" + e.problem().id() + "): " + e.getMessage(), e);
        }
        Workspace ws = Workspace.create(abs, h, computer, branch);
        if (opt.note == null) {
            opt.note = "files already here when joining";
        }
        return new Result(ws, false, runFirstRound(ws, opt));
    }

    private static SyncResult runFirstRound(Workspace ws, SyncEngine.Options opt) {
        try {
            return new SyncEngine(ws, opt).run();
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
    }

    private static void refuseExistingRepository(Path abs) {
        if (Files.isRegularFile(abs.resolve(".git").resolve("vault").resolve("config"))) {
            throw new VaultException("folder " + abs + " is already a vault workspace; run 'vault sync -C " + abs + "' instead");
        }
        if (Files.exists(abs.resolve(".git"))) {
            throw new VaultException("folder " + abs + " is already a Git repository not made by vault; pick an empty or plain folder");
        }
        if (Files.isRegularFile(abs)) {
            throw new VaultException(ExitCodes.USAGE, abs + " is a file, not a folder; give a folder for the workspace");
        }
    }

    /** The round's hub access, made once so init/join and their first round share keys and credentials. */
    private static HubAccess access(SyncEngine.Options opt) {
        if (opt.hubAccess == null) {
            opt.hubAccess = HubAccess.system();
        }
        return opt.hubAccess;
    }

    private static String hubBranch(String hub, boolean created, HubAccess access) {
        if (created) {
            return "main";
        }
        try {
            String named = Hub.headBranch(hub, listRefsWithoutWorkspace(hub, access));
            return named != null ? named : "main";
        } catch (Hub.UnreachableException e) {
            return "main"; // offline now: the first round reports it and commits locally
        }
    }

    /** ls-remote before a workspace exists: through a throwaway in-memory repository. */
    private static Hub.Refs listRefsWithoutWorkspace(String hub, HubAccess access) throws Hub.UnreachableException {
        try {
            Path tmp = Files.createTempDirectory("vault-lsremote-");
            try (Repository r = new FileRepositoryBuilder().setGitDir(tmp.resolve("git").toFile()).build()) {
                r.create(true);
                return Hub.listRefs(r, hub, access);
            } finally {
                try (Stream<Path> s = Files.walk(tmp)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new Hub.UnreachableException("hub " + hub + " could not be checked (" + e.getMessage() + ")", e);
        }
    }
}
