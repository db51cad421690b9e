package dev.vault.engine.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

/** Recent sync history from the workspace's commits: who, when, what changed. */
public final class SyncLog {
    /** One entry (field names are the --json contract). */
    public static final class Entry {
        public String time;
        public String computer;
        public String summary;
        public String commit;
        public List<String> details = new ArrayList<>();
    }

    private SyncLog() {
    }

    /**
     * The newest {@code n} entries reachable from HEAD; merges are shown only when they kept conflict
     * copies (otherwise they only repeat what the other entries say).
     */
    public static List<Entry> recent(Workspace ws, int n) throws IOException {
        Repository repo = ws.repository();
        List<Entry> out = new ArrayList<>();
        ObjectId head = repo.resolve(Constants.HEAD);
        if (head == null) {
            return out;
        }
        try (RevWalk rw = new RevWalk(repo)) {
            rw.sort(RevSort.COMMIT_TIME_DESC);
            rw.markStart(rw.parseCommit(head));
            int scanned = 0;
            for (RevCommit c = rw.next(); c != null && out.size() < n && scanned < 100_000; c = rw.next(), scanned++) {
                String full = c.getFullMessage().strip();
                if (c.getParentCount() > 1 && !full.contains("conflict")) {
                    continue;
                }
                Entry e = new Entry();
                e.time = c.getAuthorIdent().getWhenAsInstant().toString();
                e.computer = c.getAuthorIdent().getName();
                String first = c.getShortMessage();
                String prefix = e.computer + ": ";
                e.summary = first.startsWith(prefix) ? first.substring(prefix.length()) : first;
                e.commit = c.abbreviate(10).name();
                for (String line : full.split("\n")) {
                    if (line.startsWith("conflict (")) {
                        e.details.add(line);
                    }
                }
                out.add(e);
            }
        }
        return out;
    }
}
