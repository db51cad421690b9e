package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Forget;
import dev.vault.engine.repo.Prune;
import dev.vault.engine.repo.RepoLock;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vault forget --keep-... N [--prune] [--dry-run]}. */
@Command(mixinStandardHelpOptions = true, name = "forget", description = "Remove snapshots outside a retention policy (per host and paths); data goes with --prune or 'vault prune'.")
public final class ForgetCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the newest N snapshots.")
    int keepLast;

    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N hours that have one.")
    int keepHourly;

    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest snapshot of each of the last N days that have one.")
    int keepDaily;

    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N weeks that have one.")
    int keepWeekly;

    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N months that have one.")
    int keepMonthly;

    @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N years that have one.")
    int keepYearly;

    @Option(names = "--prune", description = "Then remove the data no remaining snapshot needs.")
    boolean prune;

    @Option(names = "--dry-run", description = "Only show what would be removed.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Forget.Policy p = new Forget.Policy();
        p.keepLast = keepLast;
        p.keepHourly = keepHourly;
        p.keepDaily = keepDaily;
        p.keepWeekly = keepWeekly;
        p.keepMonthly = keepMonthly;
        p.keepYearly = keepYearly;
        Repository repo = repoOptions.open(this, dryRun);
        Forget.Result r;
        Prune.Result pr = null;
        if (prune && !dryRun) {
            // one exclusive lock through both steps: no backup starts between them to be refused halfway
            try (RepoLock lock = RepoLock.acquire(repo.storage(), true, "forget --prune")) {
                r = Forget.run(repo, p, lock);
                pr = Prune.run(repo, lock);
            }
        } else {
            r = Forget.run(repo, p, dryRun);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dryRun", dryRun);
            m.put("keep", ids(r.keep));
            m.put("remove", ids(r.remove));
            if (pr != null) {
                m.put("prune", pr);
            }
            out().println(Json.GSON.toJson(m));
        } else {
            for (Snapshot s : r.keep) {
                out().println("keep    " + s.shortId() + "  " + s.time + "  " + s.host + "  " + String.join(", ", s.paths));
            }
            for (Snapshot s : r.remove) {
                out().println((dryRun ? "would remove " : "remove  ") + s.shortId() + "  " + s.time + "  " + s.host + "  "
                        + String.join(", ", s.paths));
            }
            out().println((dryRun ? "Would remove " : "Removed ") + r.remove.size() + " snapshot(s), kept " + r.keep.size() + ".");
            if (pr != null) {
                PruneCommand.print(out(), pr);
            }
        }
        return ExitCodes.OK;
    }

    private static List<String> ids(List<Snapshot> l) {
        List<String> out = new ArrayList<>();
        for (Snapshot s : l) {
            out.add(s.id);
        }
        return out;
    }
}
