package dev.vault.cli;

import dev.vault.engine.sync.SyncEngine;
import dev.vault.engine.sync.WorkspaceSetup;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault join}: makes a folder on this computer a workspace of an existing hub. */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = {"Join an existing hub: <workspace> gets the hub's files.",
            "Files already in <workspace> are merged in, never deleted (clashes are kept as conflict copies)."})
public final class JoinCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "<hub>", description = "The hub: a folder path or a Git URL.")
    String hub;

    @Parameters(index = "1", paramLabel = "<workspace>", description = "Folder to sync (created if missing).")
    Path workspace;

    @Option(names = "--name", paramLabel = "<computer>", description = "This computer's name in commits and conflict copies (default: host name).")
    String name;

    @Option(names = "--accept-host-key", description = "Accept the ssh hub's host key if it is not known yet, and add it"
            + " to ~/.ssh/known_hosts (check its fingerprint first). A changed key is never accepted.")
    boolean acceptHostKey;

    @Override
    public Integer call() {
        String computer = name != null ? name : SyncOutput.defaultComputerName(env());
        WorkspaceSetup.Result r = WorkspaceSetup.join(hub, workspace, computer, new SyncEngine.Options().hubAccess(hubAccess().acceptNewHostKey(acceptHostKey)));
        try {
            if (json()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("workspace", r.workspace.root().toString());
                m.put("hub", r.workspace.hub());
                m.put("computer", computer);
                m.put("sync", SyncOutput.json(r.sync));
                out().println(SyncOutput.toJson(m));
            } else {
                out().println("Workspace " + r.workspace.root() + " (computer \"" + computer + "\") joined " + r.workspace.hub());
                out().println(r.sync.summary());
                SyncOutput.printNotCheckedOut(out(), r.sync.notCheckedOut);
            }
            return r.sync.exitCode();
        } finally {
            r.workspace.close();
        }
    }
}
