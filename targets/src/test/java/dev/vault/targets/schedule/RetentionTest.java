package dev.vault.targets.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetentionTest {
    @Test
    void parsesRulesAndPrintsThemBack() {
        Retention r = Retention.parse("daily=7, weekly=4,monthly=12");
        assertEquals(new Retention(0, 0, 7, 4, 12, 0), r);
        assertEquals("daily=7,weekly=4,monthly=12", r.text());
        assertEquals(r, Retention.parse(r.text()));
        assertEquals(new Retention(3, 24, 0, 0, 0, 2), Retention.parse("last=3,hourly=24,yearly=2"));
        assertEquals(new Retention(5, 0, 0, 0, 0, 0), Retention.parse("keep-last=5"));
        assertEquals(Retention.ALL, Retention.parse("all"));
        assertEquals("all", Retention.ALL.text());
        assertEquals(Retention.DEFAULT, Retention.parse(Retention.DEFAULT.text()));
    }

    @Test
    void badRetentionNamesTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retention.parse("dayly=7")).getMessage()
                .contains("'dayly' is not a retention rule"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retention.parse("daily=seven")).getMessage()
                .contains("daily=7,weekly=4,monthly=12"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retention.parse("daily=1,daily=2")).getMessage()
                .contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retention.parse("daily=0")).getMessage()
                .contains("keeps nothing"));
        assertThrows(IllegalArgumentException.class, () -> Retention.parse("daily=-1"));
    }
}
