package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vault snapshots [--json]}. */
@Command(mixinStandardHelpOptions = true, name = "snapshots", description = "List the snapshots in a backup repository, oldest first.")
public final class SnapshotsCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Override
    public Integer call() throws Exception {
        Repository repo = repoOptions.open(this, true);
        List<String> errors = new ArrayList<>();
        List<Snapshot> all = repo.snapshots(errors);
        if (json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Snapshot s : all) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.id);
                m.put("time", s.time);
                m.put("host", s.host);
                m.put("paths", s.paths);
                m.put("tags", s.tags);
                m.put("gitCommit", s.gitCommit);
                m.put("tree", s.tree);
                m.put("parent", s.parent);
                m.put("unreadable", s.unreadable);
                m.put("summary", s.summary);
                list.add(m);
            }
            out().println(Json.GSON.toJson(list));
        } else {
            out().printf("%-8s  %-20s  %-16s  %-10s  %s%n", "ID", "Time (UTC)", "Host", "Size", "Paths / tags");
            for (Snapshot s : all) {
                long size = s.summary == null ? 0 : s.summary.totalBytes;
                out().printf("%-8s  %-20s  %-16s  %-10s  %s%s%n", s.shortId(), s.time.replace('T', ' ').replaceAll("\\.\\d+", "")
                        .replace("Z", ""), s.host, Human.bytes(size), String.join(", ", s.paths),
                        s.tags.isEmpty() ? "" : " [" + String.join(", ", s.tags) + "]");
            }
            out().println(all.size() + " snapshot(s)");
        }
        for (String e : errors) {
            err().println("vault: warning: " + e + "; run 'vault check'.");
        }
        return errors.isEmpty() ? ExitCodes.OK : ExitCodes.WARNINGS;
    }
}
