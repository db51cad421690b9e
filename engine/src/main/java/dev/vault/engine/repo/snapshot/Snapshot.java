package dev.vault.engine.repo.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One backup: its root tree and where, when and from what it was taken. */
public final class Snapshot {
    public int version = 1;
    public String time;
    public String host;
    public String user;
    public List<String> paths = new ArrayList<>();
    public String tree;
    public List<String> tags = new ArrayList<>();
    public String gitCommit;
    public String parent;
    public List<String> excludes = new ArrayList<>();
    /** Source files that could not be read (each with the reason); the snapshot holds everything else. */
    public List<String> unreadable = new ArrayList<>();
    public Summary summary;
    /** Name of the snapshot file (not stored inside it). */
    public transient String id;

    public Instant instant() {
        return Instant.parse(time);
    }

    public String shortId() {
        return id == null ? "?" : id.substring(0, Math.min(8, id.length()));
    }

    /** Counts recorded by the backup that made this snapshot. */
    public static final class Summary {
        public long filesNew;
        public long filesChanged;
        public long filesUnchanged;
        public long dirs;
        public long bytesRead;
        public long bytesAdded;
        public long totalFiles;
        public long totalBytes;
        public double seconds;
    }
}
