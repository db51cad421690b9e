package dev.vault.engine.sync;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code .git/vault/status.json}: the outcome of the last round and whether one is running, written
 * atomically (temporary file + rename) so other tools can always read a whole file.
 */
public final class StatusFile {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** The JSON document (field names are the contract other tools read). */
    public static final class Data {
        public int version = 1;
        public String workspace;
        public String computer;
        public String hub;
        public String branch;
        public boolean running;
        public Long runningPid;
        public String runningSince;
        public String lastSync;
        public String lastResult;
        public String lastMessage;
        public String lastSuccess;
        public Integer unpushed;
        public Boolean hubReachable;
        /** reachable, or the {@link HubProblem} id of the last round (offline, key-refused, ...). */
        public String hubState;
        public List<String> conflicts = new ArrayList<>();
        public List<SkippedFile> skippedForSize = new ArrayList<>();
        /** The last time the hub was found to have lost commits this workspace had sent (kept until it happens again). */
        public HubHistory.WentBack hubWentBack;
    }

    /** A file over the size limit. */
    public static final class SkippedFile {
        public String path;
        public long size;

        public SkippedFile(String path, long size) {
            this.path = path;
            this.size = size;
        }
    }

    private StatusFile() {
    }

    public static Path path(Workspace ws) {
        return ws.vaultDir().resolve("status.json");
    }

    /** The last written status, or an empty one if there is none or it cannot be parsed. */
    public static Data read(Workspace ws) {
        try {
            Data d = GSON.fromJson(Files.readString(path(ws), StandardCharsets.UTF_8), Data.class);
            return d == null ? new Data() : d;
        } catch (NoSuchFileException e) {
            return new Data();
        } catch (IOException | RuntimeException e) {
            return new Data();
        }
    }

    public static void write(Workspace ws, Data d) {
        Path p = path(ws);
        try {
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling("status.json.tmp");
            Files.writeString(tmp, GSON.toJson(d), StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the status file is informational; a failure to write it must not fail the round
        }
    }

    public static String toJson(Object o) {
        return GSON.toJson(o);
    }
}
