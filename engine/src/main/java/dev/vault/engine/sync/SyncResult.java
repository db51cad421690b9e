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
        OFFLINE,
        /** No Git repository at the hub's path (the drive or server is there); changes wait. */
        HUB_MISSING,
        /** The ssh server refused every key; changes wait. */
        KEY_REFUSED,
        /** The https hub refused the password, or none was found; changes wait. */
        PASSWORD_REFUSED,
        /** The ssh host key is not known and was not accepted; changes wait. */
        HOST_UNKNOWN,
        /** The ssh host key changed: refused; changes wait. */
        HOST_KEY_CHANGED;

        /** The outcome of a round that stopped at {@code p}. */
        public static Outcome of(HubProblem p) {
            return valueOf(p.name());
        }
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
    /** One line on why the hub was not used (offline or another {@link #hubProblem}), with what to do. */
    public String offlineReason;
    /** Set when the hub was not used: offline, or a state the user must fix. */
    public HubProblem hubProblem;
    public final List<TreeMerger.Conflict> conflicts = new ArrayList<>();
    public final List<String> textMerged = new ArrayList<>();
    public final List<WorkingTreeScan.Skipped> skipped = new ArrayList<>();
    /** Files a round did not overwrite because they changed on disk while it ran (hub version kept beside). */
    public final List<String> keptLocal = new ArrayList<>();
    public final List<String> unreadable = new ArrayList<>();
    /** Conflict copies present when the round committed (before merging). */
    public final List<String> conflictCopies = new ArrayList<>();
    public int pushAttempts;
    /** Entries from the hub this round did not write: which path, why, which commit and computer. */
    public final List<NotCheckedOut.Record> notCheckedOut = new ArrayList<>();
    /** Set when the hub no longer had what this workspace sent earlier (and it was sent again). */
    public HubHistory.WentBack hubWentBack;
    /** "main -> master" when this round started syncing the branch the hub's HEAD names. */
    public String branchSwitched;

    /** Exit code of {@code vault sync} for this result: 0, 3 when offline or the hub had lost commits, else the hub problem's own code. */
    public int exitCode() {
        if (hubProblem != null) {
            return hubProblem.exitCode();
        }
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
            case HUB_MISSING:
            case KEY_REFUSED:
            case PASSWORD_REFUSED:
            case HOST_UNKNOWN:
            case HOST_KEY_CHANGED:
                sb.append(outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(": ")
                        .append(offlineReason).append("; ").append(waiting).append(waiting == 1 ? " commit" : " commits")
                        .append(" waiting");
                if (!sent.isEmpty()) {
                    sb.append(" (committed locally: ").append(sent).append(')');
                }
                break;
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
        if (!notCheckedOut.isEmpty()) {
            sb.append("; ").append(notCheckedOut.size()).append(notCheckedOut.size() == 1 ? " entry" : " entries")
                    .append(" from the hub not written (see vault status)");
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
