package dev.vault.targets.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.targets.TargetKind;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SchedulePolicyTest {
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(ZONE).toInstant();
    }

    @Test
    void parsesEveryFormAndPrintsItBack() {
        Duration h = Duration.ofHours(1);
        assertEquals(new SchedulePolicy.OnPlug(h), SchedulePolicy.parse("on-plug", h));
        assertEquals(new SchedulePolicy.Daily(LocalTime.of(2, 0)), SchedulePolicy.parse("daily@02:00", h));
        assertEquals(new SchedulePolicy.Daily(LocalTime.of(2, 30)), SchedulePolicy.parse("daily@2:30", h));
        assertEquals(new SchedulePolicy.Every(Duration.ofHours(6)), SchedulePolicy.parse("every 6h", h));
        assertEquals(new SchedulePolicy.Weekly(DayOfWeek.SUNDAY, LocalTime.of(3, 0)), SchedulePolicy.parse("weekly@sun-03:00", h));
        assertEquals(new SchedulePolicy.Weekly(DayOfWeek.MONDAY, LocalTime.of(23, 15)), SchedulePolicy.parse("Weekly@Monday-23:15", h));
        for (String s : new String[] {"on-plug", "daily@02:00", "every 6h", "every 1h30m", "weekly@sun-03:00"}) {
            assertEquals(s, SchedulePolicy.parse(s, h).text());
        }
    }

    @Test
    void badSchedulesSayWhatIsAccepted() {
        for (String bad : new String[] {"nightly", "daily@25:00", "weekly@funday-02:00", "daily@", "every"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SchedulePolicy.parse(bad, Duration.ofHours(1)), bad);
            assertTrue(e.getMessage().contains("daily@02:00") || e.getMessage().contains("30s"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SchedulePolicy.parse("every 10s", Duration.ZERO))
                .getMessage().contains("too often"));
    }

    @Test
    void defaultsFollowTheKind() {
        assertEquals("on-plug", SchedulePolicy.defaultFor(TargetKind.USB).text());
        assertEquals("daily@02:00", SchedulePolicy.defaultFor(TargetKind.NAS).text());
        assertEquals("daily@03:00", SchedulePolicy.defaultFor(TargetKind.CLOUD).text());
    }

    @Test
    void nightlyRunIsDueOnceAfterTwoOClock() {
        SchedulePolicy p = SchedulePolicy.parse("daily@02:00", Duration.ofHours(1));
        Instant lastNight = at("2026-03-02T02:00:05");
        assertFalse(p.due(at("2026-03-02T14:00"), ZONE, lastNight, false).due());
        assertFalse(p.due(at("2026-03-03T01:59"), ZONE, lastNight, false).due());
        SchedulePolicy.Due d = p.due(at("2026-03-03T02:00"), ZONE, lastNight, false);
        assertTrue(d.due());
        assertEquals(at("2026-03-03T02:00"), p.due(at("2026-03-02T14:00"), ZONE, lastNight, false).next());
    }

    @Test
    void missedNightlyRunIsCaughtUpAtTheNextChance() {
        SchedulePolicy p = SchedulePolicy.parse("daily@02:00", Duration.ofHours(1));
        Instant threeDaysAgo = at("2026-03-01T02:00:10");
        // computer was off for the nights of the 2nd and 3rd, switched on at 09:12
        SchedulePolicy.Due d = p.due(at("2026-03-04T09:12"), ZONE, threeDaysAgo, false);
        assertTrue(d.due());
        assertTrue(d.reason().contains("2026-03-04 02:00"), d.reason());
        // after the catch-up run it is not due again until the next night
        assertFalse(p.due(at("2026-03-04T09:30"), ZONE, at("2026-03-04T09:12"), false).due());
        assertTrue(p.due(at("2026-03-05T02:00"), ZONE, at("2026-03-04T09:12"), false).due());
    }

    @Test
    void dailySlotRespectsDaylightSavingChange() {
        // 2026-03-29: clocks jump 02:00 -> 03:00 in Berlin; the 02:30 slot becomes 03:30 that day
        SchedulePolicy p = SchedulePolicy.parse("daily@02:30", Duration.ofHours(1));
        Instant before = at("2026-03-28T02:30");
        assertFalse(p.due(at("2026-03-29T01:59"), ZONE, before, false).due());
        assertTrue(p.due(at("2026-03-29T03:31"), ZONE, before, false).due());
    }

    @Test
    void weeklyRunsOncePerWeekAndCatchesUp() {
        SchedulePolicy p = SchedulePolicy.parse("weekly@sun-03:00", Duration.ofHours(1));
        Instant sunday = at("2026-03-01T03:00:30"); // a Sunday
        assertFalse(p.due(at("2026-03-07T23:00"), ZONE, sunday, false).due());
        assertTrue(p.due(at("2026-03-08T03:00"), ZONE, sunday, false).due());
        assertTrue(p.due(at("2026-03-11T12:00"), ZONE, sunday, false).due(), "missed Sunday caught up on Wednesday");
        assertEquals(at("2026-03-08T03:00"), p.due(at("2026-03-05T12:00"), ZONE, sunday, false).next());
    }

    @Test
    void everyIntervalCountsFromTheLastSuccess() {
        SchedulePolicy p = SchedulePolicy.parse("every 6h", Duration.ofHours(1));
        Instant last = at("2026-03-02T10:00");
        assertFalse(p.due(at("2026-03-02T15:59"), ZONE, last, false).due());
        assertTrue(p.due(at("2026-03-02T16:00"), ZONE, last, false).due());
        assertTrue(p.due(at("2026-03-02T10:00"), ZONE, null, false).due(), "never backed up");
    }

    @Test
    void onPlugRespectsMinimumAgeAndRunsOncePerAppearance() {
        SchedulePolicy p = SchedulePolicy.parse("on-plug", Duration.ofHours(1));
        Instant last = at("2026-03-02T10:00");
        SchedulePolicy.Due tooSoon = p.due(at("2026-03-02T10:40"), ZONE, last, false);
        assertFalse(tooSoon.due());
        assertTrue(tooSoon.reason().contains("40m"), tooSoon.reason());
        assertNull(tooSoon.next(), "next on-plug run is at the next plug-in");
        assertTrue(p.due(at("2026-03-02T11:00"), ZONE, last, false).due());
        assertFalse(p.due(at("2026-03-02T18:00"), ZONE, last, true).due(), "already handled this plug-in");
        assertTrue(p.due(at("2026-03-02T10:01"), ZONE, null, false).due(), "never backed up");
    }
}
