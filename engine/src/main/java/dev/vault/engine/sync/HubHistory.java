package dev.vault.engine.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.ReflogEntry;
import org.eclipse.jgit.lib.ReflogReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What this workspace last sent to the hub ({@code .git/vault/hub-sent}), and the check every round
 * makes that the hub's branch still contains it. A hub can go backwards behind vault's back: a power
 * cut on its drive, a restore from an old backup, a forced push by another Git client. vault then
 * sends its commits again (its own history still has them) and says what happened and, where the hub
 * tells, who moved the branch.
 */
public final class HubHistory {
    private HubHistory() {
    }

    /** How the hub lost commits this workspace had sent (field names are the --json contract). */
    public static final class WentBack {
        /** "went-back" (the branch is at an older commit), "replaced" (other history, a forced push) or "emptied" (no branch). */
        public String kind;
        public String branch;
        /** The commit this workspace had sent last. */
        public String sent;
        /** Where the hub's branch is now, or null if it is gone. */
        public String hubAt;
        /** Commits that were sent and are no longer in the hub (capped at 100,000). */
        public int lostCommits;
        /** Who last moved the hub's branch (from the hub's reflog when it is a folder) or, failing that, who made its newest commit. */
        public String movedBy;
        public String movedAt;
        /** The reflog's note of that move (e.g. "push", "reset: moving to ..."), when known. */
        public String how;
        /** When this workspace noticed it. */
        public String detected;
        /** True once the commits were sent again. */
        public boolean resent;

        /** One sentence for people. */
        public String describe() {
            StringBuilder sb = new StringBuilder("the hub lost ").append(lostCommits)
                    .append(lostCommits == 1 ? " commit" : " commits").append(" this computer had sent (last ").append(sent).append("): ");
            switch (kind) {
                case "emptied":
                    sb.append("its branch ").append(branch).append(" is gone (hub re-created or emptied?)");
                    break;
                case "replaced":
                    sb.append("its branch ").append(branch).append(" now holds other history at ").append(hubAt)
                            .append(" (a forced push by another Git client?)");
                    break;
                default:
                    sb.append("its branch ").append(branch).append(" went back to ").append(hubAt)
                            .append(" (a power cut on the hub's drive, or a restore from an old backup?)");
            }
            if (movedBy != null) {
                sb.append("; last moved by ").append(movedBy);
                if (movedAt != null) {
                    sb.append(" at ").append(movedAt);
                }
                if (how != null && !how.isBlank()) {
                    sb.append(" (").append(how.strip()).append(')');
                }
            }
            sb.append(resent ? "; they were sent again" : "; the next sync sends them again");
            return sb.toString();
        }
    }

    private static Path file(Workspace ws) {
        return ws.vaultDir().resolve("hub-sent");
    }

    /** The commit this workspace last sent to (or found on) its hub, or null if it never did. */
    public static ObjectId lastSent(Workspace ws) {
        try {
            String s = Files.readString(file(ws), StandardCharsets.UTF_8).strip();
            return ObjectId.isId(s) ? ObjectId.fromString(s) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Records that the hub's branch holds {@code id}, written to a temporary file and renamed. */
    static void recordSent(Workspace ws, ObjectId id) throws IOException {
        Path f = file(ws);
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling("hub-sent.tmp");
        Files.writeString(tmp, id.name() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Null if the hub's branch (at {@code hubTip}, whose objects this repository has unless it is null)
     * contains {@code sent}; otherwise what the hub lost and who moved it there.
     */
    static WentBack check(Repository repo, String hub, String branch, ObjectId sent, ObjectId hubTip, Instant now) throws IOException {
        if (sent == null || sent.equals(hubTip)) {
            return null;
        }
        try (RevWalk rw = new RevWalk(repo)) {
            RevCommit s;
            try {
                s = rw.parseCommit(sent);
            } catch (MissingObjectException e) {
                return null; // not ours any more (workspace restored from elsewhere): nothing to compare
            }
            RevCommit tip = hubTip == null ? null : rw.parseCommit(hubTip);
            if (tip != null && rw.isMergedInto(s, tip)) {
                return null;
            }
            WentBack w = new WentBack();
            w.branch = branch;
            w.sent = sent.abbreviate(10).name();
            w.hubAt = hubTip == null ? null : hubTip.abbreviate(10).name();
            w.detected = now.toString();
            rw.reset();
            w.kind = tip == null ? "emptied" : rw.isMergedInto(rw.parseCommit(hubTip), rw.parseCommit(sent)) ? "went-back" : "replaced";
            w.lostCommits = SyncEngine.countAhead(repo, sent, hubTip);
            if (!whoFromHubReflog(hub, branch, hubTip, w) && tip != null) {
                PersonIdent a = tip.getAuthorIdent();
                w.movedBy = a.getName();
                w.movedAt = a.getWhenAsInstant().toString();
                w.how = "author of the hub's newest commit";
            }
            return w;
        }
    }

    /** Fills who/when/how from the hub's reflog when the hub is a folder and its reflog knows the move; true if it did. */
    private static boolean whoFromHubReflog(String hub, String branch, ObjectId hubTip, WentBack w) {
        if (!Hub.isLocalPath(hub)) {
            return false;
        }
        try (Repository h = new FileRepositoryBuilder().setGitDir(LocalHubPush.gitDir(hub).toFile()).setMustExist(true).build()) {
            ReflogReader rr = h.getRefDatabase().getReflogReader(org.eclipse.jgit.lib.Constants.R_HEADS + branch);
            ReflogEntry e = rr == null ? null : rr.getLastEntry();
            if (e == null) {
                return false;
            }
            if (hubTip == null ? !e.getNewId().equals(ObjectId.zeroId()) : !e.getNewId().equals(hubTip)) {
                return false; // the reflog does not describe the current state (restored without it?)
            }
            PersonIdent who = e.getWho();
            w.movedBy = who.getName() + (who.getEmailAddress() == null || who.getEmailAddress().isEmpty() ? "" : " <" + who.getEmailAddress() + ">");
            w.movedAt = who.getWhenAsInstant().toString();
            w.how = e.getComment();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
