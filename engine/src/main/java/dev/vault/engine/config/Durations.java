package dev.vault.engine.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations users type: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 1h30m}, {@code 500ms}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {
    }

    /** Parses a duration; throws IllegalArgumentException with a message that shows the accepted form. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (pos < t.length() && m.find(pos) && m.start() == pos) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": total = total.plusMillis(n); break;
                case "s": total = total.plusSeconds(n); break;
                case "m": total = total.plusMinutes(n); break;
                case "h": total = total.plusHours(n); break;
                case "d": total = total.plusDays(n); break;
                default: total = total.plusDays(7 * n); break;
            }
            pos = m.end();
        }
        if (t.isEmpty() || pos != t.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 30s, 5m, 2h, 1d or 1h30m");
        }
        return total;
    }

    /** Short human form, e.g. {@code 5m}, {@code 1h30m}, {@code 250ms}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long s = d.getSeconds();
        long days = s / 86400;
        long h = (s % 86400) / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (days > 0) sb.append(days).append('d');
        if (h > 0) sb.append(h).append('h');
        if (m > 0) sb.append(m).append('m');
        if (sec > 0) sb.append(sec).append('s');
        return sb.toString();
    }
}
