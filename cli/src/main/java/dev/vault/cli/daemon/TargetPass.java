package dev.vault.cli.daemon;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.targets.schedule.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Turns one scheduler pass into the daemon's terms: what ran (for the log), or a failure naming each target. */
public final class TargetPass {
    private TargetPass() {
    }

    /**
     * Runs {@code pass}; returns what ran in words, or null if nothing did. A pass refused because another
     * process is running targets is skipped (the next pass tries again). Failed targets become one
     * VaultException that also mentions what did run.
     */
    public static String run(Supplier<Scheduler.PassResult> pass) {
        Scheduler.PassResult result;
        try {
            result = pass.get();
        } catch (VaultException e) {
            if (e.exitCode() == ExitCodes.LOCKED) {
                return null;
            }
            throw e;
        }
        List<String> did = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Scheduler.Report rep : result.reports()) {
            if (rep.action() == Scheduler.Action.RAN) {
                did.add(rep.message());
            } else if (rep.action() == Scheduler.Action.FAILED) {
                failed.add(rep.message());
            }
        }
        if (!failed.isEmpty()) {
            throw new VaultException(String.join("; ", failed) + (did.isEmpty() ? "" : " (also: " + String.join("; ", did) + ")"));
        }
        return did.isEmpty() ? null : String.join("; ", did);
    }
}
