package dev.vault.targets.schedule;

import dev.vault.targets.TargetLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Does the real work of a run for the {@link Scheduler}: backs up into connected target repositories
 * and applies retention. The engine-backed runner lives where the backup repository is wired in;
 * tests use fakes.
 */
public interface TargetRunner {
    /**
     * Backs up into one repository whose marker has been checked; returns what was made.
     *
     * @throws Exception any failure; the scheduler turns it into a one-line error naming the target
     */
    Outcome backup(TargetLocation destination) throws Exception;

    /**
     * Backs up into several repositories in one run. The default calls {@link #backup(TargetLocation)} for
     * each; a runner that reads and chunks the source once for every destination overrides this. A
     * failure at one destination must not stop the others.
     */
    default List<Result> backupAll(List<TargetLocation> destinations) {
        List<Result> out = new ArrayList<>();
        for (TargetLocation d : destinations) {
            try {
                out.add(new Result(d, backup(d), null));
            } catch (Exception e) {
                out.add(new Result(d, null, e));
            }
        }
        return out;
    }

    /** Applies {@code keep} to the repository after a successful run; returns a short summary. */
    String forget(TargetLocation destination, Retention keep) throws Exception;

    /**
     * What one backup made.
     *
     * @param snapshot the new snapshot's id
     * @param repositoryBytes the repository's size afterwards, or -1 if unknown
     * @param summary one line for the user ("412 files, 3.1 MiB new")
     */
    record Outcome(String snapshot, long repositoryBytes, String summary) {
    }

    /** The outcome, or the failure, at one destination. */
    record Result(TargetLocation destination, Outcome outcome, Exception failure) {
    }
}
