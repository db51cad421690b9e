package dev.vault.cli;

import dev.vault.cli.service.Platform;
import dev.vault.cli.service.ServiceDefinition;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vault service install|uninstall|status}: start the workspace's daemon at login. */
@Command(name = "service", description = "Start the vault daemon for a workspace at login (systemd user unit, launchd agent, or Windows scheduled task).",
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class})
public final class ServiceCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "Missing subcommand: install, uninstall or status.");
    }

    abstract static class Sub extends BaseCommand {
        @Option(names = "--platform", paramLabel = "<os>",
                description = "Generate for linux, macos or windows (default: this computer's).")
        Platform platform;

        ServiceDefinition definition() {
            Path ws;
            try (dev.vault.engine.sync.Workspace w = dev.vault.engine.sync.Workspace.find(startDir())) {
                ws = w.root();
            }
            Platform p = platform != null ? platform : Platform.current();
            Path java = Path.of(System.getProperty("java.home"), "bin", p == Platform.WINDOWS ? "java.exe" : "java");
            return ServiceDefinition.of(p, new ServiceDefinition.Launch(java, jar(), List.of("-XX:+UseSerialGC", "-Xmx200m"), ws), env());
        }

        Path jar() {
            String explicit = env().get("VAULT_JAR");
            if (explicit != null && !explicit.isBlank()) {
                return Path.of(explicit).toAbsolutePath();
            }
            try {
                Path p = Path.of(VaultCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) {
                    return p.toAbsolutePath();
                }
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                // fall through to the error below
            }
            throw new VaultException("cannot tell where the vault jar is; run this through ./vault (or set VAULT_JAR to the jar's path).");
        }

        /** Runs a service-manager command; returns null on success or a one-line reason. */
        String runCommand(List<String> cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                boolean done = p.waitFor(30, TimeUnit.SECONDS);
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!done) {
                    p.destroyForcibly().waitFor();
                    return "'" + String.join(" ", cmd) + "' did not finish in 30 s";
                }
                if (p.exitValue() != 0) {
                    String first = output.isEmpty() ? "exit " + p.exitValue() : output.lines().findFirst().orElse("");
                    return "'" + String.join(" ", cmd) + "' failed: " + first;
                }
                return null;
            } catch (IOException e) {
                return "'" + cmd.get(0) + "' is not available here (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    @Command(name = "install", description = "Write the start-at-login definition and register it with the OS.")
    static final class Install extends Sub {
        @Option(names = "--no-enable", description = "Only write the file; print the command that registers it.")
        boolean noEnable;

        @Override
        public Integer call() throws IOException {
            ServiceDefinition d = definition();
            Files.createDirectories(d.file().getParent());
            Path tmp = d.file().resolveSibling(d.file().getFileName() + ".tmp");
            Files.write(tmp, d.content());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, d.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String enable = String.join(" ", d.enableCommand());
            if (noEnable) {
                out().println("Wrote " + d.file() + ".");
                out().println("To start it now and at every login, run: " + enable);
                return ExitCodes.OK;
            }
            if (d.platform() == Platform.LINUX) {
                runCommand(List.of("systemctl", "--user", "daemon-reload"));
            }
            String problem = runCommand(d.enableCommand());
            if (problem != null) {
                err().println("vault: wrote " + d.file() + " but could not register it: " + problem
                        + "; run '" + enable + "' yourself.");
                return ExitCodes.WARNINGS;
            }
            out().println("Installed " + d.name() + ": the vault daemon now starts at login (" + d.file() + ").");
            return ExitCodes.OK;
        }
    }

    @Command(name = "uninstall", description = "Unregister and delete the start-at-login definition.")
    static final class Uninstall extends Sub {
        @Override
        public Integer call() throws IOException {
            ServiceDefinition d = definition();
            if (!Files.exists(d.file())) {
                out().println("Nothing to uninstall: " + d.file() + " does not exist.");
                return ExitCodes.OK;
            }
            String problem = runCommand(d.disableCommand());
            Files.delete(d.file());
            if (problem != null) {
                err().println("vault: deleted " + d.file() + " but could not unregister it: " + problem + ".");
                return ExitCodes.WARNINGS;
            }
            out().println("Uninstalled " + d.name() + ".");
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "Show whether the daemon is set to start at login.")
    static final class Status extends Sub {
        @Override
        public Integer call() {
            ServiceDefinition d = definition();
            boolean installed = Files.exists(d.file());
            String active = installed ? runCommand(d.queryCommand()) : "not installed";
            if (json()) {
                com.google.gson.JsonObject o = new com.google.gson.JsonObject();
                o.addProperty("name", d.name());
                o.addProperty("platform", d.platform().name().toLowerCase(java.util.Locale.ROOT));
                o.addProperty("file", d.file().toString());
                o.addProperty("installed", installed);
                o.addProperty("registered", installed && active == null);
                out().println(o);
            } else {
                out().println(d.name() + ": " + (installed ? "installed at " + d.file() : "not installed")
                        + (installed ? (active == null ? "; registered with the OS" : "; not registered (" + active + ")") : ""));
            }
            return ExitCodes.OK;
        }
    }
}
