package dev.vault.cli;

import dev.vault.engine.sync.SyncEngine;
import dev.vault.engine.sync.SyncResult;
import dev.vault.engine.sync.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vault sync}: one round (commit, fetch, merge, push) and a one-line summary. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Sync the workspace once: commit local changes, get the hub's, merge, send.",
            "Exit 0 when done, 3 when the hub was unreachable (changes are committed locally and wait);",
            "10 no repository at the hub's path, 20 ssh key refused, 21 password refused,",
            "22 unknown ssh host key, 23 changed ssh host key (changes wait in each case)."})
public final class SyncCommand extends BaseCommand {
    @Option(names = "--allow-mass-delete", description = "Commit even though most files of the workspace vanished.")
    boolean allowMassDelete;

    @Option(names = "--offline", description = "Only commit local changes; do not contact the hub.")
    boolean offline;

    @Option(names = "--accept-host-key", description = "Accept the ssh hub's host key if it is not known yet, and add it"
            + " to ~/.ssh/known_hosts (check its fingerprint first). A changed key is never accepted.")
    boolean acceptHostKey;

    @Override
    public Integer call() {
        try (Workspace ws = Workspace.find(startDir())) {
            SyncResult r = new SyncEngine(ws, new SyncEngine.Options().allowMassDelete(allowMassDelete).offline(offline)
                    .hubAccess(hubAccess().acceptNewHostKey(acceptHostKey))).run();
            if (json()) {
                out().println(SyncOutput.toJson(SyncOutput.json(r)));
            } else {
                out().println(r.summary());
                if (verbose() && r.offlineReason != null && r.hubProblem == dev.vault.engine.sync.HubProblem.OFFLINE) {
                    out().println("  " + r.offlineReason);
                }
                for (String k : r.keptLocal) {
                    out().println("  " + k + " changed while syncing: kept yours, the hub's version is beside it");
                }
                SyncOutput.printNotCheckedOut(out(), r.notCheckedOut);
            }
            // entries from the hub that were not written are warnings (each named above): exit 3
            return r.exitCode() == 0 && !r.notCheckedOut.isEmpty() ? dev.vault.engine.ExitCodes.WARNINGS : r.exitCode();
        }
    }
}
