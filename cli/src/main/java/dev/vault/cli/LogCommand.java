package dev.vault.cli;

import dev.vault.engine.sync.SyncLog;
import dev.vault.engine.sync.Workspace;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vault log}: recent sync history in plain words. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Show recent sync history: when, which computer, what changed.")
public final class LogCommand extends BaseCommand {
    @Option(names = "-n", paramLabel = "<N>", description = "How many entries (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int n;

    @Override
    public Integer call() throws IOException {
        try (Workspace ws = Workspace.find(startDir())) {
            List<SyncLog.Entry> entries = SyncLog.recent(ws, Math.max(0, n));
            if (json()) {
                out().println(SyncOutput.toJson(entries));
                return 0;
            }
            if (entries.isEmpty()) {
                out().println("No sync history yet.");
            }
            Instant now = Instant.now();
            for (SyncLog.Entry e : entries) {
                out().println(SyncOutput.ago(e.time, now) + ", " + e.computer + ": " + e.summary);
                for (String d : e.details) {
                    out().println("    " + d);
                }
            }
            return 0;
        }
    }
}
