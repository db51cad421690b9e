package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.RepoLock;
import dev.vault.engine.repo.storage.LocalStorage;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vault unlock [--remove-all]}. */
@Command(mixinStandardHelpOptions = true, name = "unlock", description = "Remove lock files left by vault processes that are gone; exit 11 naming the holder while a live one remains.")
public final class UnlockCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Option(names = "--remove-all", description = "Also remove locks that only look live (another computer's, not yet old enough); never one whose process is seen running.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        // no password needed: lock files hold no secrets, and a forgotten password must not block unlocking
        LocalStorage s = new LocalStorage(repoOptions.location(env()));
        if (!s.exists(dev.vault.engine.repo.storage.Handle.config())) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "no vault repository at " + s.location()
                    + ": check the path.");
        }
        List<RepoLock.Info> removed = RepoLock.removeStale(s, all);
        List<RepoLock.Info> left = RepoLock.list(s);
        if (json()) {
            out().println(Json.GSON.toJson(removed));
        } else {
            for (RepoLock.Info i : removed) {
                out().println("removed " + i.describe());
            }
            out().println("Removed " + removed.size() + " lock(s); " + left.size() + " live lock(s) remain.");
        }
        if (!left.isEmpty()) {
            // a live process's lock is never removed: say who holds the repository, as every locked command does
            throw new VaultException(ExitCodes.LOCKED, "repository " + s.location() + " is in use: " + left.get(0).describe()
                    + (left.size() > 1 ? " and " + (left.size() - 1) + " more" : "") + "; wait for "
                    + (left.size() > 1 ? "them" : "it") + " to finish.");
        }
        return ExitCodes.OK;
    }
}
