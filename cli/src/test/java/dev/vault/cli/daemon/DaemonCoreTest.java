package dev.vault.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DaemonCoreTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final class Recorder implements DaemonActions {
        final List<String> syncs = new ArrayList<>();
        int targetPasses;
        boolean hubMoved;
        RuntimeException syncFailure;
        RuntimeException hubFailure;
        RuntimeException targetFailure;

        @Override
        public String sync(String reason) {
            syncs.add(reason);
            if (syncFailure != null) {
                throw syncFailure;
            }
            return "up to date";
        }

        @Override
        public boolean hubChanged() {
            if (hubFailure != null) {
                throw hubFailure;
            }
            boolean m = hubMoved;
            hubMoved = false;
            return m;
        }

        @Override
        public String runDueTargets() {
            targetPasses++;
            if (targetFailure != null) {
                throw targetFailure;
            }
            return "backed up";
        }
    }

    ManualClock clock;
    Recorder actions;
    DaemonCore core;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        actions = new Recorder();
        core = new DaemonCore(clock, new DaemonCore.Settings(), actions);
    }

    /** Steps the core every second for {@code d}, as the real loop would wake up. */
    void run(Duration d) {
        Instant end = clock.now.plus(d);
        while (clock.now.isBefore(end)) {
            Instant next = core.step();
            Instant wake = next.isAfter(end) ? end : next;
            clock.now = wake.isAfter(clock.now) ? wake : clock.now.plusSeconds(1);
        }
    }

    @Test
    void syncsAtStartAndThenEveryInterval() {
        run(Duration.ofMinutes(16));
        assertEquals(List.of("interval", "interval", "interval", "interval"), actions.syncs);
    }

    @Test
    void aBurstOfSavesMakesOneRoundSoonAfterItStops() {
        run(Duration.ofSeconds(1));
        actions.syncs.clear();
        for (int i = 0; i < 5; i++) {
            core.filesChanged();
            clock.advance(Duration.ofMillis(300));
            core.step();
        }
        assertTrue(actions.syncs.isEmpty(), "no round while saves keep coming");
        run(Duration.ofSeconds(3));
        assertEquals(List.of("files changed"), actions.syncs);
    }

    @Test
    void continuousChangesStillSyncWithinTheMaximumDelay() {
        run(Duration.ofSeconds(1));
        actions.syncs.clear();
        Instant start = clock.now;
        while (actions.syncs.isEmpty()) {
            core.filesChanged();
            clock.advance(Duration.ofMillis(500));
            core.step();
        }
        assertTrue(Duration.between(start, clock.now).compareTo(Duration.ofSeconds(11)) <= 0);
    }

    @Test
    void hubChangeTriggersARoundAtTheNextCheck() {
        run(Duration.ofSeconds(1));
        actions.syncs.clear();
        actions.hubMoved = true;
        run(Duration.ofSeconds(31));
        assertEquals(List.of("hub changed"), actions.syncs);
    }

    @Test
    void volumesAreCheckedEveryFewSeconds() {
        run(Duration.ofSeconds(60));
        assertTrue(actions.targetPasses >= 11 && actions.targetPasses <= 13, "passes: " + actions.targetPasses);
    }

    @Test
    void aFailingPartIsReportedAndTheOthersKeepGoing() {
        actions.syncFailure = new RuntimeException("hub unreachable");
        actions.targetFailure = new RuntimeException("target usb: disk full");
        run(Duration.ofSeconds(20));
        assertEquals("hub unreachable", core.errors().get("sync"));
        assertEquals("target usb: disk full", core.errors().get("targets"));
        int passes = actions.targetPasses;
        run(Duration.ofSeconds(20));
        assertTrue(actions.targetPasses > passes, "targets keep running while sync fails");

        actions.syncFailure = null;
        actions.targetFailure = null;
        run(Duration.ofMinutes(6));
        assertFalse(core.errors().containsKey("sync"));
        assertFalse(core.errors().containsKey("targets"));
    }

    @Test
    void changesSeenDuringAFailedRoundAreRetried() {
        run(Duration.ofSeconds(1));
        actions.syncs.clear();
        actions.syncFailure = new RuntimeException("offline");
        core.filesChanged();
        run(Duration.ofSeconds(3));
        assertEquals(List.of("files changed"), actions.syncs);
        actions.syncFailure = null;
        run(Duration.ofSeconds(40));
        assertEquals(List.of("files changed", "files changed"), actions.syncs, "retried after the back-off");
    }
}
