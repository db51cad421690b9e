package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Listing;
import dev.vault.engine.repo.Repository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vault diff <a> <b>}. */
@Command(mixinStandardHelpOptions = true, name = "diff", description = "Show what changed between two snapshots (+ added, - removed, M modified, T type changed).")
public final class DiffCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Parameters(index = "0", paramLabel = "<a>", description = "Older snapshot (id, prefix or 'latest').")
    String a;

    @Parameters(index = "1", paramLabel = "<b>", description = "Newer snapshot (id, prefix or 'latest').")
    String b;

    @Override
    public Integer call() throws Exception {
        Repository repo = repoOptions.open(this, true);
        List<Listing.Change> changes = Listing.diff(repo, repo.findSnapshot(a), repo.findSnapshot(b));
        if (json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Listing.Change c : changes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("change", String.valueOf(c.kind()));
                m.put("path", c.path());
                list.add(m);
            }
            out().println(Json.GSON.toJson(list));
        } else {
            for (Listing.Change c : changes) {
                out().println(c.kind() + " " + c.path());
            }
            out().println(changes.size() + " change(s)");
        }
        return ExitCodes.OK;
    }
}
