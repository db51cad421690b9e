package dev.vault.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing for vault's commands: output streams, environment, common options. */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected CommonOptions common;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected VaultCli root() {
        return (VaultCli) spec.root().userObject();
    }

    protected Map<String, String> env() {
        return root().env();
    }

    protected boolean json() {
        return common.json;
    }

    protected boolean verbose() {
        return common.verbose;
    }

    /**
     * How this command reaches network hubs: the user's environment (as the tests give it), and the
     * terminal for passphrases, passwords and host keys when there is one.
     */
    protected dev.vault.engine.sync.HubAccess hubAccess() {
        return dev.vault.engine.sync.HubAccess.of(env(), dev.vault.engine.sync.Prompt.console());
    }

    /** The -C directory if given, else the current directory (callers find the enclosing workspace). */
    protected Path startDir() {
        Path p = common.workspace != null ? common.workspace : Path.of("");
        return p.toAbsolutePath().normalize();
    }
}
