package dev.vault.cli;

import dev.vault.engine.sync.ConflictCopies;
import dev.vault.engine.sync.Conflicts;
import dev.vault.engine.sync.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vault conflicts}: lists conflict copies; {@code vault conflicts resolve} settles one. */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        description = "List the conflict copies in the workspace (both versions of a file edited on two computers).",
        subcommands = ConflictsCommand.Resolve.class)
public final class ConflictsCommand extends BaseCommand {
    @Override
    public Integer call() throws IOException {
        try (Workspace ws = Workspace.find(startDir())) {
            List<String> copies = Conflicts.list(ws);
            if (json()) {
                List<Map<String, String>> out = new ArrayList<>();
                for (String c : copies) {
                    ConflictCopies.Parsed p = ConflictCopies.parse(c).get();
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("copy", c);
                    m.put("original", p.original);
                    m.put("computer", p.computer);
                    m.put("time", p.stamp);
                    out.add(m);
                }
                out().println(SyncOutput.toJson(out));
                return 0;
            }
            if (copies.isEmpty()) {
                out().println("No conflicts.");
                return 0;
            }
            for (String c : copies) {
                ConflictCopies.Parsed p = ConflictCopies.parse(c).get();
                out().println(c + "  (" + p.computer + "'s version of " + p.original + ")");
            }
            out().println("Resolve with: vault conflicts resolve <file> --keep mine|theirs|both");
            return 0;
        }
    }

    /** {@code vault conflicts resolve <file> --keep mine|theirs|both}. */
    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = {"Resolve one conflict. <file> is the conflict copy, or the original if it has one copy.",
                "mine: the copy's version replaces the original; theirs: the copy is removed;",
                "both: the copy is kept under a normal name. The next sync sends the result."})
    public static final class Resolve extends BaseCommand {
        @Parameters(index = "0", paramLabel = "<file>", description = "The conflict copy or the original file.")
        Path file;

        @Option(names = "--keep", required = true, paramLabel = "mine|theirs|both", description = "Which version to keep.")
        Conflicts.Keep keep;

        @Override
        public Integer call() throws IOException {
            try (Workspace ws = Workspace.find(startDir())) {
                Path cwd = Path.of("").toAbsolutePath();
                Path f = file.isAbsolute() ? file : cwd.startsWith(ws.root()) ? cwd.resolve(file) : ws.root().resolve(file);
                Conflicts.Resolution r = Conflicts.resolve(ws, f, keep);
                if (json()) {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("original", r.original);
                    m.put("copy", r.copy);
                    m.put("keep", r.keep.name().toLowerCase(java.util.Locale.ROOT));
                    if (r.renamedTo != null) {
                        m.put("renamedTo", r.renamedTo);
                    }
                    out().println(SyncOutput.toJson(m));
                    return 0;
                }
                switch (r.keep) {
                    case MINE:
                        out().println(r.original + " now has the version from " + r.copy + "; the copy is gone.");
                        break;
                    case THEIRS:
                        out().println("Kept " + r.original + " as it is; removed " + r.copy + ".");
                        break;
                    default:
                        out().println("Kept both: " + r.original + " and " + r.renamedTo + " (was " + r.copy + ").");
                }
                out().println("The next sync sends this to the other computers.");
                return 0;
            }
        }
    }
}
