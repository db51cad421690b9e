package dev.vault.cli;

import dev.vault.engine.sync.SyncEngine;
import dev.vault.engine.sync.WorkspaceSetup;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault init}: makes a folder the first workspace of a hub; its files become the first commit. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Make <workspace> a synced workspace of <hub>; files already there become the first commit.",
            "A local hub path that does not exist is created as a bare Git repository."})
public final class InitCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<workspace>", description = "Folder to sync (created if missing).")
    Path workspace;

    @Option(names = "--hub", required = true, paramLabel = "<hub>",
            description = "Hub: a folder path (created if missing) or a Git URL (ssh://, https://).")
    String hub;

    @Option(names = "--name", paramLabel = "<computer>", description = "This computer's name in commits and conflict copies (default: host name).")
    String name;

    @Option(names = "--accept-host-key", description = "Accept the ssh hub's host key if it is not known yet, and add it"
            + " to ~/.ssh/known_hosts (check its fingerprint first). A changed key is never accepted.")
    boolean acceptHostKey;

    @Override
    public Integer call() {
        String computer = name != null ? name : SyncOutput.defaultComputerName(env());
        WorkspaceSetup.Result r = WorkspaceSetup.init(workspace, hub, computer, new SyncEngine.Options().hubAccess(hubAccess().acceptNewHostKey(acceptHostKey)));
        try {
            if (json()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("workspace", r.workspace.root().toString());
                m.put("hub", r.workspace.hub());
                m.put("computer", computer);
                m.put("hubCreated", r.hubCreated);
                m.put("sync", SyncOutput.json(r.sync));
                out().println(SyncOutput.toJson(m));
            } else {
                if (r.hubCreated) {
                    out().println("Created hub " + r.workspace.hub());
                }
                out().println("Workspace " + r.workspace.root() + " (computer \"" + computer + "\") now syncs with " + r.workspace.hub());
                out().println(r.sync.summary());
                out().println("On another computer: vault join " + r.workspace.hub() + " <folder>");
            }
            return r.sync.exitCode();
        } finally {
            r.workspace.close();
        }
    }
}
