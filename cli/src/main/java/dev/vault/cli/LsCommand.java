package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.repo.Listing;
import dev.vault.engine.repo.Repository;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vault ls <snapshot> [<path>]}. */
@Command(mixinStandardHelpOptions = true, name = "ls", description = "List the files in a snapshot (or under a path in it).")
public final class LsCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @Parameters(index = "0", paramLabel = "<snapshot>", description = "Snapshot id (or a unique prefix), or 'latest'.")
    String snapshot;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<path>", description = "Path inside the snapshot.")
    String path;

    @Override
    public Integer call() throws Exception {
        Repository repo = repoOptions.open(this, true);
        Snapshot s = repo.findSnapshot(snapshot);
        List<Listing.Entry> entries = Listing.list(repo, s, path);
        if (json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Listing.Entry e : entries) {
                Node n = e.node();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", e.path());
                m.put("type", n.type);
                m.put("size", n.size);
                m.put("mode", n.mode == null ? null : Integer.toOctalString(n.mode));
                m.put("mtime", mtime(n));
                if (n.isSymlink()) {
                    m.put("target", n.target);
                }
                list.add(m);
            }
            out().println(Json.GSON.toJson(list));
        } else {
            for (Listing.Entry e : entries) {
                Node n = e.node();
                String kind = n.isDir() ? "d" : n.isSymlink() ? "l" : "-";
                String mode = n.mode == null ? "---" : String.format("%03o", n.mode);
                out().printf("%s%s %10d  %s  %s%s%n", kind, mode, n.size, mtime(n).replaceAll("\\.\\d+", ""),
                        e.path() + (n.isDir() ? "/" : ""), n.isSymlink() ? " -> " + n.target : "");
            }
        }
        return ExitCodes.OK;
    }

    static String mtime(Node n) {
        return Instant.ofEpochSecond(n.mtime / 1_000_000_000L, n.mtime % 1_000_000_000L).toString();
    }
}
