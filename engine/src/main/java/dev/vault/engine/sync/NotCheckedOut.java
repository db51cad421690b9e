package dev.vault.engine.sync;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code .git/vault/not-checked-out.json}: the hub's entries this workspace did not write, with
 * the commit and computer that sent each. Entries that are {@code kept} stay in Git (a gitlink, a
 * name this computer cannot hold, a folder on the way that is a link here), so the next commit must
 * not mistake their absence for a deletion; the others were unsafe and left out of this computer's
 * commits.
 */
public final class NotCheckedOut {
    /** One entry from the hub that is not on disk here. */
    public static final class Record {
        public String path;
        public String reason;
        /** The commit that brought this version of the entry (abbreviated), or null if not found. */
        public String commit;
        /** Who made that commit: the computer's name for vault commits. */
        public String author;
        /** True: still in Git, only not written here; false: unsafe, left out of this computer's commits. */
        public boolean kept;

        public Record(String path, String reason, String commit, String author, boolean kept) {
            this.path = path;
            this.reason = reason;
            this.commit = commit;
            this.author = author;
            this.kept = kept;
        }

        /** One line for the user: path, why, and where it came from. */
        public String describe() {
            return path + ": " + reason + (kept ? "; kept in Git, not written here" : "; not written, left out of this computer's next commit")
                    + (commit == null ? "" : " (commit " + commit + (author == null ? "" : " by " + author) + ")");
        }
    }

    private static final Gson GSON = new Gson();

    private NotCheckedOut() {
    }

    static Path file(Workspace ws) {
        return ws.vaultDir().resolve("not-checked-out.json");
    }

    /** The records of the last round that received something; empty when there are none. */
    public static List<Record> read(Workspace ws) {
        try {
            List<Record> l = GSON.fromJson(Files.readString(file(ws), StandardCharsets.UTF_8),
                    new TypeToken<List<Record>>() { }.getType());
            return l == null ? new ArrayList<>() : l;
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException | RuntimeException e) {
            return new ArrayList<>();
        }
    }

    /** Paths that are in Git but deliberately absent from disk. */
    static Set<String> keptPaths(List<Record> records) {
        Set<String> s = new HashSet<>();
        for (Record r : records) {
            if (r.kept) {
                s.add(r.path);
            }
        }
        return s;
    }

    static void write(Workspace ws, List<Record> records) throws IOException {
        Path f = file(ws);
        if (records.isEmpty()) {
            Files.deleteIfExists(f);
            return;
        }
        Path tmp = f.resolveSibling("not-checked-out.json.tmp");
        Files.writeString(tmp, GSON.toJson(records), StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
