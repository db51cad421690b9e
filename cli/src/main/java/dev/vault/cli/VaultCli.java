package dev.vault.cli;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vault} command: parses arguments, runs one subcommand and maps its outcome to an exit
 * code from {@link ExitCodes}. Errors are one line on stderr; stack traces only with --verbose.
 */
@Command(
        name = "vault",
        mixinStandardHelpOptions = true,
        versionProvider = VaultCli.Version.class,
        description = "Keeps your work identical on all your computers and safe on the drives around them.")
public final class VaultCli implements Runnable {
    /**
     * Every subcommand, in the order of {@code vault --help}. They are added in code rather than in the
     * annotation so that a run builds only the command it runs: picocli reflects over every option of
     * every command it is given, which cost ~0.3 s of each run's start-up for the whole tree.
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            CommandLine.HelpCommand.class,
            InitCommand.class,
            JoinCommand.class,
            SyncCommand.class,
            StatusCommand.class,
            LogCommand.class,
            ConflictsCommand.class,
            DemoCommand.class,
            ServiceCommand.class,
            DaemonCommand.class,
            RepoCommand.class,
            BackupCommand.class,
            SnapshotsCommand.class,
            LsCommand.class,
            DiffCommand.class,
            RestoreCommand.class,
            CheckCommand.class,
            ForgetCommand.class,
            PruneCommand.class,
            KeyCommand.class,
            UnlockCommand.class,
            VolumesCommand.class,
            TargetCommand.class,
            ExportCommand.class,
            RestoreBundleCommand.class,
            RunDueCommand.class);
    private final Map<String, String> env;
    private final PrintStream rawOut;

    VaultCli(Map<String, String> env, PrintStream rawOut) {
        this.env = env;
        this.rawOut = rawOut;
    }

    /** Environment variables as this invocation sees them (tests pass their own map; see VaultHome). */
    public Map<String, String> env() {
        return env;
    }

    /** Standard output as a byte stream, for commands that write binary data or need flushing control. */
    public PrintStream rawOut() {
        return rawOut;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "Missing command: try 'vault --help'.");
    }

    /** Runs vault with the given arguments and streams; returns the exit code instead of exiting. */
    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        // repository locks name this computer by its machine id (read or created on the first lock)
        dev.vault.engine.config.MachineId.useFile(dev.vault.engine.config.MachineId.file(env));
        CommandLine cl = commandLine(args, out, err, env);
        String name = commandName(args);
        if (name != null && !name.equals("help") && !cl.getSubcommands().containsKey(name)) {
            // 'vault frobnicate --help' would print the root help and exit 0: report the unknown command
            args = Arrays.stream(args).filter(a -> !a.equals("--help") && !a.equals("-h")).toArray(String[]::new);
        }
        return cl.execute(args);
    }

    static CommandLine commandLine(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new VaultCli(env, out));
        addSubcommands(cl, args);
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addHelpEverywhere(cl);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            int code = exitCodeOf(ex);
            e.println("vault: " + describe(ex));
            if (verbose) {
                ex.printStackTrace(e);
            } else if (code == ExitCodes.FAILURE && !(ex instanceof VaultException)) {
                e.println("vault: run again with --verbose for details.");
            }
            e.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("vault: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, e); // "Did you mean: vault backup?"
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            e.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** The first argument that is not an option: the command's name, or null. */
    private static String commandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /**
     * Adds the subcommand the arguments name (the first one that is not an option), or all of them when
     * none is named or the name is unknown (root help, suggestions for a typo).
     */
    private static void addSubcommands(CommandLine cl, String[] args) {
        String name = commandName(args);
        if (name != null && !name.equals("help")) {
            for (Class<?> c : SUBCOMMANDS) {
                Command cmd = c.getAnnotation(Command.class);
                if (cmd.name().equals(name) || Arrays.asList(cmd.aliases()).contains(name)) {
                    cl.addSubcommand(c);
                    return;
                }
            }
        }
        for (Class<?> c : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
    }

    /** Every command and subcommand answers --help (and -h), whether or not its class asked for it. */
    private static void addHelpEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            addHelpEverywhere(sub);
        }
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof VaultException) {
            return ((VaultException) ex).exitCode();
        }
        if (ex instanceof InterruptedException) {
            return ExitCodes.INTERRUPTED;
        }
        if (ex instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILURE;
    }

    static String describe(Throwable ex) {
        if (ex instanceof VaultException) {
            return ex.getMessage();
        }
        if (ex instanceof InterruptedException) {
            return "interrupted.";
        }
        if (outOfMemory(ex)) {
            return "out of memory (the launcher limits the heap to 200 MB); run it again with"
                    + " VAULT_JAVA_OPTS=-Xmx1g (nothing was lost: every operation is crash-safe).";
        }
        String msg = ex.getMessage();
        String kind = ex.getClass().getSimpleName();
        return "unexpected error (" + kind + ")" + (msg == null ? "." : ": " + msg);
    }

    /** True when the error is, or was caused by, running out of heap (a worker's OOM arrives wrapped). */
    private static boolean outOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VaultCli.class.getPackage().getImplementationVersion();
            return new String[] {"vault " + (v == null ? "dev" : v)};
        }
    }
}
