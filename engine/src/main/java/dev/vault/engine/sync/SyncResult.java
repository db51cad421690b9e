package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;
import java.util.ArrayList;
import java.util.List;

/** What one sync round did, for the one-line summary, --json and the status file. */
public final class SyncResult {
    /** How a round ended. */
    public enum Outcome {
        /** Changes were sent and/or received. */
        SYNCED,
        /** Nothing to do: workspace and hub were already equal. */
        UP_TO_DATE,
        /** The hub could not be reached; local changes are committed and wait. */
        OFFLINE
    }

    public Outcome outcome;
    public int added;
    public int changed;
    public int deleted;
    /** Files changed in the working tree by changes that came from the hub. */
    public int received;
    /** Commits on this computer the hub does not have yet (after the round). */
    public int waiting;
    public boolean pushed;
    public String offlineReason;
    public final List<TreeMerger.Conflict> conflicts = new ArrayList<>();
    public final List<String> textMerged = new ArrayList<>();
    public final List<WorkingTreeScan.Skipped> skipped = new ArrayList<>();
    /** Files a round did not overwrite because they changed on disk while it ran (hub version kept beside). */
    public final List<String> keptLocal = new ArrayList<>();
    public final List<String> unreadable = new ArrayList<>();
    /** Conflict copies present when the round committed (before merging). */
    public final List<String> conflictCopies = new ArrayList<>();
    public int pushAttempts;
    /** Set when the hub no longer had what this workspace sent earlier (and it was sent again). */
    public HubHistory.WentBack hubWentBack;
    /** "main -> master" when this round started syncing the branch the hub's HEAD names. */
    public String branchSwitched;

    /** Exit code of {@code vault sync} for this result: 0, or 3 when offline or the hub had lost commits. */
    public int exitCode() {
        return outcome == Outcome.OFFLINE || hubWentBack != null ? ExitCodes.WARNINGS : ExitCodes.OK;
    }

    /** Skipped-for-size files as (path, bytes) pairs. */
    public List<String[]> skippedFiles() {
        List<String[]> out = new ArrayList<>();
        for (WorkingTreeScan.Skipped s : skipped) {
            out.add(new String[] {s.path, Long.toString(s.size)});
        }
        return out;
    }

    /** The one-line summary printed by {@code vault sync}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String sent = counts(added, changed, deleted);
        switch (outcome) {
            case OFFLINE:
                sb.append("offline, ").append(waiting).append(waiting == 1 ? " commit" : " commits")
                        .append(" waiting");
                if (!sent.isEmpty()) {
                    sb.append(" (committed locally: ").append(sent).append(')');
                }
                sb.append("; they will be sent on a later sync");
                break;
            case UP_TO_DATE:
                sb.append("up to date");
                break;
            default:
                sb.append("synced");
                List<String> parts = new ArrayList<>();
                if (!sent.isEmpty()) {
                    parts.add("sent " + sent);
                }
                if (received > 0) {
                    parts.add("received " + received + (received == 1 ? " file" : " files"));
                }
                if (!parts.isEmpty()) {
                    sb.append(": ").append(String.join("; ", parts));
                }
        }
        if (!conflicts.isEmpty()) {
            sb.append("; ").append(conflicts.size()).append(conflicts.size() == 1 ? " conflict" : " conflicts")
                    .append(" kept both versions (");
            List<String> names = new ArrayList<>();
            for (TreeMerger.Conflict c : conflicts) {
                names.add(c.copy);
            }
            sb.append(String.join(", ", names)).append(')');
        }
        if (branchSwitched != null) {
            sb.append("; now syncing branch ").append(branchSwitched.substring(branchSwitched.indexOf("-> ") + 3))
                    .append(", the one the hub's HEAD names (was ").append(branchSwitched, 0, branchSwitched.indexOf(" ->")).append(')');
        }
        if (hubWentBack != null) {
            sb.append("; WARNING: ").append(hubWentBack.describe());
        }
        if (!skipped.isEmpty()) {
            sb.append("; ").append(skipped.size()).append(skipped.size() == 1 ? " file" : " files")
                    .append(" too big to sync (see vault status)");
        }
        return sb.toString();
    }

    static String counts(int added, int changed, int deleted) {
        List<String> parts = new ArrayList<>();
        if (added > 0) {
            parts.add(added + " added");
        }
        if (changed > 0) {
            parts.add(changed + " changed");
        }
        if (deleted > 0) {
            parts.add(deleted + " deleted");
        }
        return String.join(", ", parts);
    }
}
