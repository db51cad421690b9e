package dev.vault.cli;

import dev.vault.engine.sync.HubProblem;
import dev.vault.engine.sync.StatusFile;
import dev.vault.engine.sync.Workspace;
import dev.vault.engine.sync.WorkspaceStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vault status}: where the workspace stands (changes waiting, conflicts, hub, other computers). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the workspace's sync state: changes waiting, conflicts, skipped files, the hub and the other computers.",
            "Exit 0 (also when the hub is offline), or the hub state's code when it needs you: 10 no repository there,",
            "20 ssh key refused, 21 password refused, 22 unknown ssh host key, 23 changed ssh host key."})
public final class StatusCommand extends BaseCommand {
    @Option(names = "--no-hub", description = "Do not contact the hub (faster; reachability is not checked).")
    boolean noHub;

    @Override
    public Integer call() throws IOException {
        try (Workspace ws = Workspace.find(startDir())) {
            WorkspaceStatus.Report r = WorkspaceStatus.compute(ws, !noHub, hubAccess());
            com.google.gson.JsonObject daemon = dev.vault.cli.daemon.Daemon.readState(ws.root());
            if (json()) {
                com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(SyncOutput.toJson(r)).getAsJsonObject();
                com.google.gson.JsonObject stopped = new com.google.gson.JsonObject();
                stopped.addProperty("running", false);
                o.add("daemon", daemon == null ? stopped : daemon);
                out().println(SyncOutput.toJson(o));
                return exitCode(r);
            }
            Instant now = Instant.now();
            PrintWriter o = out();
            o.println("Workspace  " + r.workspace);
            o.println("Computer   " + r.computer);
            o.println("Hub        " + r.hub + (r.hubReachable == null ? "" : r.hubReachable
                    ? (r.hubHasNewChanges ? " (reachable, has new changes)" : " (reachable)")
                    : "offline".equals(r.hubState) ? " (NOT reachable: " + r.hubProblem + ")"
                    : " (" + r.hubState.toUpperCase(java.util.Locale.ROOT) + ": " + r.hubProblem + ")"));
            o.println("Daemon     " + daemonLine(daemon));
            if (r.running) {
                o.println("Running    a sync round is running now (pid " + r.runningPid + ")");
            }
            if (r.branchProblem != null) {
                o.println("PAUSED     " + r.branchProblem);
            }
            if (r.hubWentBack != null) {
                o.println((r.hubWentBack.resent ? "Hub lost   " + SyncOutput.ago(r.hubWentBack.detected, now) + ": " : "HUB LOST   ")
                        + r.hubWentBack.describe());
            }
            o.println("Last sync  " + (r.lastSync == null ? "never" : SyncOutput.ago(r.lastSync, now) + ": " + r.lastResult
                    + (r.lastMessage == null ? "" : " (" + r.lastMessage + ")")));
            o.println("Waiting    " + (r.uncommitted() == 0 ? "no local changes" : r.uncommitted() + " local "
                    + (r.uncommitted() == 1 ? "change" : "changes") + " (" + counts(r) + ")")
                    + ", " + r.unpushed + (r.unpushed == 1 ? " commit" : " commits") + " not sent to the hub");
            if (r.conflicts.isEmpty()) {
                o.println("Conflicts  none");
            } else {
                o.println("Conflicts  " + r.conflicts.size() + " (resolve with 'vault conflicts resolve <file> --keep mine|theirs|both', or delete the copy)");
                for (String c : r.conflicts) {
                    o.println("  " + c);
                }
            }
            if (!r.skippedForSize.isEmpty()) {
                o.println("Too big    " + r.skippedForSize.size() + " not synced (over max-file-size " + SyncOutput.size(ws.maxFileSize()) + "):");
                for (StatusFile.SkippedFile s : r.skippedForSize) {
                    o.println("  " + s.path + " (" + SyncOutput.size(s.size) + ")");
                }
            }
            if (!r.notCheckedOut.isEmpty()) {
                o.println("Not here   " + r.notCheckedOut.size() + (r.notCheckedOut.size() == 1 ? " entry" : " entries")
                        + " from the hub not written on this computer:");
                SyncOutput.printNotCheckedOut(o, r.notCheckedOut);
            }
            o.println("Computers");
            if (r.computers.isEmpty()) {
                o.println("  none yet");
            }
            for (WorkspaceStatus.ComputerSeen c : r.computers) {
                o.println("  " + c.name + (c.name.equals(r.computer) ? " (this computer)" : "") + ": last synced " + SyncOutput.ago(c.lastSync, now));
            }
            return exitCode(r);
        }
    }

    /**
     * 0, also when the hub is offline (normal for a laptop on the move); a hub state that needs the user
     * (a refused key or password, an unknown or changed host key, no repository there) gives its own code.
     */
    static int exitCode(WorkspaceStatus.Report r) {
        if (r.hubState == null || r.hubState.equals("reachable") || r.hubState.equals(HubProblem.OFFLINE.id())) {
            return 0;
        }
        for (HubProblem p : HubProblem.values()) {
            if (p.id().equals(r.hubState)) {
                return p.exitCode();
            }
        }
        return 0;
    }

    /** One line on the daemon: not running, or its pid, what it is doing and any part that fails. */
    static String daemonLine(com.google.gson.JsonObject d) {
        if (d == null) {
            return "not running (start it with 'vault daemon', or at login with 'vault service install')";
        }
        StringBuilder b = new StringBuilder("running");
        if (d.has("pid")) {
            b.append(" (pid ").append(d.get("pid").getAsLong()).append(')');
        }
        if (d.has("doing")) {
            b.append(", ").append(d.get("doing").getAsString());
        }
        if (d.has("errors")) {
            for (var e : d.getAsJsonObject("errors").entrySet()) {
                b.append("; ").append(e.getKey()).append(" failing: ").append(e.getValue().getAsString());
            }
        }
        return b.toString();
    }

    private static String counts(WorkspaceStatus.Report r) {
        java.util.List<String> p = new java.util.ArrayList<>();
        if (r.uncommittedAdded > 0) {
            p.add(r.uncommittedAdded + " added");
        }
        if (r.uncommittedChanged > 0) {
            p.add(r.uncommittedChanged + " changed");
        }
        if (r.uncommittedDeleted > 0) {
            p.add(r.uncommittedDeleted + " deleted");
        }
        return String.join(", ", p);
    }
}
