package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultCliTest {
    @TempDir
    Path tmp;

    @Test
    void helpListsCommandsAndExitsZero() {
        CliRunner.Result r = new CliRunner(tmp).run("--help");
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Usage: vault"), r.toString());
    }

    @Test
    void unknownCommandIsUsageErrorWithOneLineHint() {
        CliRunner.Result r = new CliRunner(tmp).run("frobnicate");
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("vault: "), r.toString());
        assertTrue(r.err.contains("vault --help"), r.toString());
    }

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        java.util.List<String> failures = new java.util.ArrayList<>();
        picocli.CommandLine root = VaultCli.commandLine(new String[0], System.out, System.err, java.util.Map.of());
        walk(root, new java.util.ArrayList<>(), failures);
        assertTrue(failures.isEmpty(), "commands without a working --help: " + failures);
    }

    private void walk(picocli.CommandLine cl, java.util.List<String> path, java.util.List<String> failures) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add(e.getKey());
            java.util.List<String> withHelp = new java.util.ArrayList<>(args);
            withHelp.add("--help");
            CliRunner.Result r = new CliRunner(tmp).run(withHelp.toArray(new String[0]));
            if (r.exitCode != 0 || !r.out.contains("Usage: vault " + String.join(" ", args))) {
                failures.add(String.join(" ", args) + " (exit " + r.exitCode + ")");
            }
            walk(e.getValue(), args, failures);
        }
    }

    @Test
    void helpForAnUnknownCommandIsAUsageErrorNotTheRootHelp() {
        CliRunner.Result r = new CliRunner(tmp).run("bakup", "--help");
        assertEquals(2, r.exitCode, r.toString());
        assertTrue(r.err.contains("'bakup'") && r.err.contains("backup"), r.toString()); // with a suggestion
    }

    @Test
    void noCommandIsUsageError() {
        CliRunner.Result r = new CliRunner(tmp).run();
        assertEquals(2, r.exitCode, r.toString());
    }

    @Test
    void helpListsEveryCommandEvenThoughARunBuildsOnlyItsOwn() {
        CliRunner.Result r = new CliRunner(tmp).run("--help");
        for (Class<?> c : VaultCli.SUBCOMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            assertTrue(r.out.contains("  " + name + " "), name + " missing from: " + r.out);
        }
        picocli.CommandLine one = VaultCli.commandLine(new String[] {"snapshots", "--json"}, System.out, System.err, java.util.Map.of());
        assertEquals(java.util.Set.of("snapshots"), one.getSubcommands().keySet());
    }

    @Test
    void aWorkerRunningOutOfHeapGetsTheOutOfMemoryLine() {
        String line = VaultCli.describe(new java.io.IOException(new OutOfMemoryError("Java heap space")));
        assertTrue(line.startsWith("out of memory"), line);
        assertTrue(line.contains("VAULT_JAVA_OPTS=-Xmx1g"), line);
    }
}
