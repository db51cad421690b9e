package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.RepoLock;
import dev.vault.engine.repo.storage.LocalStorage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vault unlock [--remove-all]}. */
@Command(mixinStandardHelpOptions = true, name = "unlock", description = "Remove lock files left by vault processes that are gone.")
public final class UnlockCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Option(names = "--remove-all", description = "Also remove locks that look live (only when you are sure no vault process uses the repository).")
    boolean all;

    @Override
    public Integer call() throws Exception {
        // no password needed: lock files hold no secrets, and a forgotten password must not block unlocking
        LocalStorage s = new LocalStorage(repoOptions.location(env()));
        if (!s.exists(dev.vault.engine.repo.storage.Handle.config())) {
            throw new dev.vault.engine.VaultException(ExitCodes.NO_REPOSITORY, "no vault repository at " + s.location()
                    + ": check the path.");
        }
        List<RepoLock.Info> removed = RepoLock.removeStale(s, all);
        if (json()) {
            out().println(Json.GSON.toJson(removed));
        } else {
            for (RepoLock.Info i : removed) {
                out().println("removed " + i.describe());
            }
            List<RepoLock.Info> left = RepoLock.list(s);
            out().println("Removed " + removed.size() + " lock(s); " + left.size() + " live lock(s) remain.");
            for (RepoLock.Info i : left) {
                out().println("live: " + i.describe());
            }
        }
        return ExitCodes.OK;
    }
}
