package dev.vault.targets.schedule;

import dev.vault.engine.config.Durations;
import dev.vault.targets.TargetKind;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * When a target is backed up: {@code on-plug}, {@code daily@HH:MM}, {@code every <duration>} or
 * {@code weekly@<day>-HH:MM}. Slots are computed in the clock's time zone; a slot missed while the
 * computer was off or the target absent is due at the next chance.
 */
public sealed interface SchedulePolicy {
    /** The minimum age of the last backup before an on-plug target is backed up again, unless configured. */
    Duration DEFAULT_MIN_AGE = Duration.ofHours(1);

    /** The text form users write ({@code daily@02:00}); {@link #parse} reads it back. */
    String text();

    /**
     * Whether a run is due at {@code now}.
     *
     * @param lastSuccess start of the last successful run, or null if there was none
     * @param appearanceHandled for on-plug: whether this appearance of the drive was already handled
     */
    Due due(Instant now, ZoneId zone, Instant lastSuccess, boolean appearanceHandled);

    /** Whether a run is due, why, and when the next one will be (null: at the next plug-in). */
    record Due(boolean due, String reason, Instant next) {
    }

    /** The default for a kind: usb on-plug, nas daily@02:00, cloud daily@03:00. */
    static SchedulePolicy defaultFor(TargetKind kind) {
        switch (kind) {
            case USB: return new OnPlug(DEFAULT_MIN_AGE);
            case NAS: return new Daily(LocalTime.of(2, 0));
            default: return new Daily(LocalTime.of(3, 0));
        }
    }

    /** Parses a policy; on-plug gets {@code minAge}. The message shows the accepted forms. */
    static SchedulePolicy parse(String text, Duration minAge) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("on-plug")) {
                return new OnPlug(minAge);
            }
            if (t.startsWith("daily@")) {
                return new Daily(time(t.substring(6)));
            }
            if (t.startsWith("every ") || t.startsWith("every@") || t.startsWith("every-")) {
                Duration d = Durations.parse(t.substring(6).strip());
                if (d.compareTo(Duration.ofMinutes(1)) < 0) {
                    throw new IllegalArgumentException("'" + text + "' is too often; use at least every 1m");
                }
                return new Every(d);
            }
            if (t.startsWith("weekly@")) {
                String rest = t.substring(7);
                int dash = rest.indexOf('-');
                if (dash > 0) {
                    return new Weekly(day(rest.substring(0, dash)), time(rest.substring(dash + 1)));
                }
            }
        } catch (DateTimeParseException | IllegalStateException e) {
            // fall through to the message that shows the accepted forms
        }
        if (t.startsWith("every")) {
            Durations.parse(t.substring(5).strip()); // throws the duration message
        }
        throw new IllegalArgumentException("'" + text + "' is not a schedule; use on-plug, daily@02:00, "
                + "every 6h or weekly@sun-03:00");
    }

    private static LocalTime time(String s) {
        return LocalTime.parse(s.strip().length() == 4 ? "0" + s.strip() : s.strip(), DateTimeFormatter.ofPattern("HH:mm"));
    }

    private static DayOfWeek day(String s) {
        String d = s.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek w : DayOfWeek.values()) {
            String full = w.getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT);
            if (d.length() >= 3 && full.startsWith(d)) {
                return w;
            }
        }
        throw new IllegalStateException("bad day " + s);
    }

    private static String hhmm(LocalTime t) {
        return t.format(DateTimeFormatter.ofPattern("HH:mm"));
    }

    /** Runs when the target's drive appears, if the last backup is older than {@code minAge}. */
    record OnPlug(Duration minAge) implements SchedulePolicy {
        @Override
        public String text() {
            return "on-plug";
        }

        @Override
        public Due due(Instant now, ZoneId zone, Instant lastSuccess, boolean appearanceHandled) {
            if (appearanceHandled) {
                return new Due(false, "already handled since the drive was plugged in", null);
            }
            if (lastSuccess == null) {
                return new Due(true, "never backed up", now);
            }
            Duration age = Duration.between(lastSuccess, now);
            if (age.compareTo(minAge) >= 0) {
                return new Due(true, "plugged in; last backup " + Durations.format(age.withNanos(0)) + " ago", now);
            }
            return new Due(false, "last backup " + Durations.format(age.withNanos(0)) + " ago, less than "
                    + Durations.format(minAge), null);
        }
    }

    /** Runs once a day at a local time. */
    record Daily(LocalTime at) implements SchedulePolicy {
        @Override
        public String text() {
            return "daily@" + hhmm(at);
        }

        @Override
        public Due due(Instant now, ZoneId zone, Instant lastSuccess, boolean appearanceHandled) {
            ZonedDateTime z = now.atZone(zone);
            ZonedDateTime slot = ZonedDateTime.of(z.toLocalDate(), at, zone);
            if (slot.isAfter(z)) {
                slot = ZonedDateTime.of(z.toLocalDate().minusDays(1), at, zone);
            }
            ZonedDateTime next = ZonedDateTime.of(slot.toLocalDate().plusDays(1), at, zone);
            return slotDue(slot.toInstant(), next.toInstant(), now, lastSuccess, zone);
        }
    }

    /** Runs once a week on a day at a local time. */
    record Weekly(DayOfWeek day, LocalTime at) implements SchedulePolicy {
        @Override
        public String text() {
            return "weekly@" + day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toLowerCase(Locale.ROOT) + "-" + hhmm(at);
        }

        @Override
        public Due due(Instant now, ZoneId zone, Instant lastSuccess, boolean appearanceHandled) {
            ZonedDateTime z = now.atZone(zone);
            LocalDate d = z.toLocalDate().with(TemporalAdjusters.previousOrSame(day));
            ZonedDateTime slot = ZonedDateTime.of(d, at, zone);
            if (slot.isAfter(z)) {
                slot = ZonedDateTime.of(d.minusWeeks(1), at, zone);
            }
            ZonedDateTime next = ZonedDateTime.of(slot.toLocalDate().plusWeeks(1), at, zone);
            return slotDue(slot.toInstant(), next.toInstant(), now, lastSuccess, zone);
        }
    }

    /** Runs whenever the last success is at least {@code interval} old. */
    record Every(Duration interval) implements SchedulePolicy {
        @Override
        public String text() {
            return "every " + Durations.format(interval);
        }

        @Override
        public Due due(Instant now, ZoneId zone, Instant lastSuccess, boolean appearanceHandled) {
            if (lastSuccess == null) {
                return new Due(true, "never backed up", now);
            }
            Instant next = lastSuccess.plus(interval);
            if (!now.isBefore(next)) {
                return new Due(true, "last backup " + Durations.format(Duration.between(lastSuccess, now).withNanos(0))
                        + " ago", now);
            }
            return new Due(false, "next run in " + Durations.format(Duration.between(now, next).withNanos(0)), next);
        }
    }

    private static Due slotDue(Instant slot, Instant nextSlot, Instant now, Instant lastSuccess, ZoneId zone) {
        if (lastSuccess == null) {
            return new Due(true, "never backed up", now);
        }
        if (lastSuccess.isBefore(slot)) {
            String when = slot.atZone(zone).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
            return new Due(true, "the run of " + when + " has not happened yet", now);
        }
        return new Due(false, "done for this period", nextSlot);
    }
}
