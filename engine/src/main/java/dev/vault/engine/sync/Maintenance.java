package dev.vault.engine.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * vault's own, explicit Git housekeeping. Automatic gc is off everywhere (it must not run behind
 * vault's back), so without this every commit stays a loose object and every fetch or push adds a
 * pack, and rounds slow down over months. After a successful round vault repacks the workspace
 * (under the workspace lock) and a local hub when they cross a threshold, at most every two hours each.
 */
public final class Maintenance {
    /** Repack when about this many loose objects exist. */
    static int looseLimit = 4000;
    /** Repack when more than this many pack files exist. */
    static int packLimit = 50;
    /**
     * At most one repack per repository per this interval: replaced packs stay for an hour after a
     * repack (see below), so the pack count alone would ask for a repack every round.
     */
    static java.time.Duration minInterval = java.time.Duration.ofHours(2);

    /** True if the time recorded in {@code marker} is older than {@link #minInterval} (or absent); records {@code now} if so. */
    static boolean due(Path marker, java.time.Instant now) {
        try {
            if (Files.exists(marker)) {
                java.time.Instant last = java.time.Instant.parse(Files.readString(marker).strip());
                if (last.plus(minInterval).isAfter(now) && !last.isAfter(now.plus(java.time.Duration.ofDays(1)))) {
                    return false;
                }
            }
            Files.writeString(marker, now.toString() + "\n");
            return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private Maintenance() {
    }

    /** Loose objects, estimated from 8 of the 256 fan-out folders. */
    static long estimateLooseObjects(Path objects) {
        long n = 0;
        for (int i = 0; i < 8; i++) {
            Path d = objects.resolve(String.format("%02x", i * 32));
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    n += s.count();
                } catch (IOException e) {
                    // unreadable: count nothing
                }
            }
        }
        return n * 32;
    }

    /**
     * Repack without a new delta search: deltas already made when changes were pushed are reused, and
     * a repack of a 200 MB workspace takes seconds instead of most of a minute of CPU.
     */
    static PackConfig packConfig(Repository repo) {
        PackConfig pc = new PackConfig(repo);
        pc.setDeltaCompress(false);
        pc.setReuseDeltas(true);
        pc.setReuseObjects(true);
        return pc;
    }

    private static void repack(Repository repo) throws Exception {
        GC gc = new GC((FileRepository) repo);
        gc.setPackConfig(packConfig(repo));
        gc.setProgressMonitor(NullProgressMonitor.INSTANCE);
        gc.gc().get();
    }

    static long packCount(Path objects) {
        Path packs = objects.resolve("pack");
        if (!Files.isDirectory(packs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(packs)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pack")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** True if the repository at {@code gitDir} has crossed a threshold. */
    static boolean needed(Path gitDir) {
        Path objects = gitDir.resolve("objects");
        return estimateLooseObjects(objects) >= looseLimit || packCount(objects) > packLimit;
    }

    /** Repacks {@code repo} if needed; returns true if it ran. Failures are ignored: it is only an optimisation. */
    static boolean maybeRepack(Repository repo, Path marker, java.time.Instant now) {
        if (!needed(repo.getDirectory().toPath()) || !due(marker, now)) {
            return false;
        }
        try {
            repack(repo);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Repacks a local hub if needed. Safe alongside other computers' pushes: new packs are written
     * before old ones go, and JGit deletes replaced packs only after gc.prunePackExpire (1 hour).
     */
    static boolean maybeRepackHub(String hub, Path marker, java.time.Instant now) {
        if (!Hub.isLocalPath(hub) || hub.startsWith("file://")) {
            return false;
        }
        Path dir = Path.of(hub);
        if (!Files.isDirectory(dir.resolve("objects")) || !needed(dir) || !due(marker, now)) {
            return false;
        }
        try (Repository r = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
            repack(r);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
