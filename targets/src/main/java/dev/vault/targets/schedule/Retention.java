package dev.vault.targets.schedule;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which snapshots a target keeps after each successful run, e.g. {@code last=10,daily=7,weekly=4,monthly=12}:
 * the newest snapshot of each of the last N days/weeks/months, plus the {@code last} N. {@code all}
 * keeps everything. Zero means "no rule of that kind".
 */
public record Retention(int last, int hourly, int daily, int weekly, int monthly, int yearly) {
    /** Keep one snapshot a day for a week, one a week for a month, one a month for a year. */
    public static final Retention DEFAULT = new Retention(10, 0, 7, 4, 12, 0);
    /** Keep every snapshot (no rule at all). */
    public static final Retention ALL = new Retention(0, 0, 0, 0, 0, 0);

    public Retention {
        if (last < 0 || hourly < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
            throw new IllegalArgumentException("retention counts cannot be negative");
        }
    }

    /** Whether this keeps everything (forget has nothing to do). */
    public boolean keepsAll() {
        return equals(ALL);
    }

    /** Parses {@code daily=7,weekly=4,monthly=12} (also {@code last=}, {@code hourly=}, {@code yearly=}) or {@code all}. */
    public static Retention parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("all") || t.equals("forever")) {
            return ALL;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String part : t.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw bad(text);
            }
            String key = p.substring(0, eq).strip();
            if (key.startsWith("keep-")) {
                key = key.substring(5);
            }
            if (!java.util.Set.of("last", "hourly", "daily", "weekly", "monthly", "yearly").contains(key)) {
                throw new IllegalArgumentException("'" + key + "' is not a retention rule; use last, hourly, daily, "
                        + "weekly, monthly or yearly");
            }
            if (m.containsKey(key)) {
                throw new IllegalArgumentException("'" + key + "' is given twice in '" + text + "'");
            }
            try {
                int n = Integer.parseInt(p.substring(eq + 1).strip());
                if (n < 0) {
                    throw bad(text);
                }
                m.put(key, n);
            } catch (NumberFormatException e) {
                throw bad(text);
            }
        }
        Retention r = new Retention(m.getOrDefault("last", 0), m.getOrDefault("hourly", 0), m.getOrDefault("daily", 0),
                m.getOrDefault("weekly", 0), m.getOrDefault("monthly", 0), m.getOrDefault("yearly", 0));
        if (r.keepsAll()) {
            throw new IllegalArgumentException("'" + text + "' keeps nothing; write 'all' to keep every snapshot");
        }
        return r;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a retention; write it like daily=7,weekly=4,monthly=12 or all");
    }

    /** The text form, e.g. {@code daily=7,weekly=4,monthly=12}; {@link #parse} reads it back. */
    public String text() {
        if (keepsAll()) {
            return "all";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, "last", last);
        append(sb, "hourly", hourly);
        append(sb, "daily", daily);
        append(sb, "weekly", weekly);
        append(sb, "monthly", monthly);
        append(sb, "yearly", yearly);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String k, int n) {
        if (n > 0) {
            sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(n);
        }
    }
}
