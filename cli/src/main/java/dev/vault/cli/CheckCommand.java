package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.Check;
import dev.vault.engine.repo.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vault check [--read-data | --read-data-subset <n%>]}. */
@Command(mixinStandardHelpOptions = true, name = "check", description = "Verify a backup repository's structure, and with --read-data every byte of it.")
public final class CheckCommand extends BaseCommand {
    @Mixin
    RepoOptions repoOptions;

    @ArgGroup(exclusive = true)
    Depth depth;

    static final class Depth {
        @Option(names = "--read-data", description = "Read, decrypt and re-hash every pack.")
        boolean readData;

        @Option(names = "--read-data-subset", paramLabel = "<n%>", description = "Read a random n% of the packs (e.g. 10%).")
        String subset;
    }

    @Override
    public Integer call() throws Exception {
        Check.Options o = new Check.Options();
        if (depth != null) {
            o.readData = depth.readData;
            if (depth.subset != null) {
                String v = depth.subset.endsWith("%") ? depth.subset.substring(0, depth.subset.length() - 1) : depth.subset;
                try {
                    o.readDataPercent = Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    o.readDataPercent = -1;
                }
                if (o.readDataPercent < 1 || o.readDataPercent > 100) {
                    throw new VaultException(ExitCodes.USAGE, "--read-data-subset takes a percentage from 1% to 100%, not '" + depth.subset + "'.");
                }
            }
        }
        // the repository's own files, never this computer's cached copies of them (docs/FORMAT.md §7);
        // the cache folder is only asked which files it saw before
        Repository repo = repoOptions.open(this, true, false);
        o.seenBefore = repoOptions.cacheDir(env(), repo.config().id);
        Check.Result r = Check.run(repo, o);
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", r.ok());
            m.put("snapshots", r.snapshots);
            m.put("packsRead", r.packsRead);
            m.put("errors", r.errors);
            m.put("affected", r.affected);
            m.put("notes", r.warnings);
            m.put("gone", r.gone);
            out().println(Json.GSON.toJson(m));
        } else {
            for (String w : r.warnings) {
                out().println("note: " + w);
            }
            for (String g : r.gone) {
                out().println("gone: " + g);
            }
            for (String e : r.errors) {
                out().println("damaged: " + e);
            }
            for (Map.Entry<String, Set<String>> e : r.affected.entrySet()) {
                for (String p : e.getValue()) {
                    out().println("affected: snapshot " + e.getKey() + ": " + p);
                }
            }
            out().println(r.ok() && !r.gone.isEmpty() ? "No damage, but " + r.gone.size() + " snapshot(s) seen before are gone: "
                            + r.snapshots + " snapshot(s) checked, " + r.packsRead + " pack(s) read."
                    : r.ok() ? "No errors: " + r.snapshots + " snapshot(s) checked, " + r.packsRead + " pack(s) read."
                    : "Repository " + repo.location() + " is damaged: " + r.errors.size() + " problem(s), "
                            + r.affected.values().stream().mapToInt(Set::size).sum() + " affected file(s).");
        }
        return !r.ok() ? ExitCodes.FAILURE : r.gone.isEmpty() ? ExitCodes.OK : ExitCodes.WARNINGS;
    }
}
