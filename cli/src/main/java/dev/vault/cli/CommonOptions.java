package dev.vault.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every vault command accepts: the workspace, JSON output and verbose errors. */
public final class CommonOptions {
    @Option(names = "-C", paramLabel = "<dir>",
            description = "Workspace to use (default: the workspace containing the current directory).")
    Path workspace;

    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;

    @Option(names = "--verbose", description = "Show details, including stack traces on errors.")
    boolean verbose;
}
