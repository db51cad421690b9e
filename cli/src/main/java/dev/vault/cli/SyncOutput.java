package dev.vault.cli;

import dev.vault.engine.sync.NotCheckedOut;
import dev.vault.engine.sync.StatusFile;
import dev.vault.engine.sync.SyncResult;
import dev.vault.engine.sync.TreeMerger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Shared wording for the sync commands: JSON of a round, relative times, the default computer name. */
final class SyncOutput {
    private SyncOutput() {
    }

    static Map<String, Object> json(SyncResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", r.outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("summary", r.summary());
        m.put("added", r.added);
        m.put("changed", r.changed);
        m.put("deleted", r.deleted);
        m.put("received", r.received);
        m.put("pushed", r.pushed);
        m.put("waiting", r.waiting);
        if (r.outcome != SyncResult.Outcome.UP_TO_DATE && r.outcome != SyncResult.Outcome.SYNCED || r.hubProblem != null) {
            m.put("hubState", r.hubProblem == null ? null : r.hubProblem.id());
        } else {
            m.put("hubState", "reachable");
        }
        if (r.offlineReason != null) {
            m.put("offlineReason", r.offlineReason);
        }
        List<Map<String, String>> conflicts = new ArrayList<>();
        for (TreeMerger.Conflict c : r.conflicts) {
            Map<String, String> cm = new LinkedHashMap<>();
            cm.put("path", c.path);
            cm.put("copy", c.copy);
            cm.put("kind", c.kind);
            conflicts.add(cm);
        }
        m.put("conflicts", conflicts);
        m.put("merged", r.textMerged);
        List<StatusFile.SkippedFile> skipped = new ArrayList<>();
        for (String[] s : r.skippedFiles()) {
            skipped.add(new StatusFile.SkippedFile(s[0], Long.parseLong(s[1])));
        }
        m.put("skippedForSize", skipped);
        m.put("keptLocal", r.keptLocal);
        m.put("notCheckedOut", r.notCheckedOut);
        if (r.hubWentBack != null) {
            m.put("hubWentBack", r.hubWentBack);
        }
        if (r.branchSwitched != null) {
            m.put("branchSwitched", r.branchSwitched);
        }
        return m;
    }

    /** One line per hub entry the round did not write: path, why, commit and computer. */
    static void printNotCheckedOut(java.io.PrintWriter o, List<NotCheckedOut.Record> records) {
        for (NotCheckedOut.Record rec : records) {
            o.println("  " + rec.describe());
        }
    }

    static String toJson(Object o) {
        return StatusFile.toJson(o);
    }

    /** "just now", "5 minutes ago", "2 hours ago", "3 days ago". */
    static String ago(String isoInstant, Instant now) {
        if (isoInstant == null) {
            return "never";
        }
        Duration d = Duration.between(Instant.parse(isoInstant), now);
        long s = d.getSeconds();
        if (s < 0) {
            return "just now";
        }
        if (s < 60) {
            return s < 10 ? "just now" : s + " seconds ago";
        }
        if (s < 3600) {
            return plural(s / 60, "minute") + " ago";
        }
        if (s < 86400) {
            return plural(s / 3600, "hour") + " ago";
        }
        return plural(s / 86400, "day") + " ago";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** This computer's name: the host name without its domain, or a neutral fallback. */
    static String defaultComputerName(Map<String, String> env) {
        String n = env.get("COMPUTERNAME");
        if (n == null || n.isBlank()) {
            n = env.get("HOSTNAME");
        }
        if (n == null || n.isBlank()) {
            try {
                n = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                n = "computer";
            }
        }
        int dot = n.indexOf('.');
        if (dot > 0) {
            n = n.substring(0, dot);
        }
        return n.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }

    static String size(long bytes) {
        return dev.vault.engine.config.Sizes.format(bytes);
    }
}
