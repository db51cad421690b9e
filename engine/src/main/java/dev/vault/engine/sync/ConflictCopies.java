package dev.vault.engine.sync;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of conflict copies: {@code <stem>.conflict-<computer>-<yyyyMMdd-HHmmss>.<ext>} beside the
 * original, and recognising such a name to find the original again.
 */
public final class ConflictCopies {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern COPY = Pattern.compile(
            "^(.*)\\.conflict-(.+)-(\\d{8}-\\d{6})(?:-(\\d+))?(\\.[^./]*)?$");

    private ConflictCopies() {
    }

    /** What a conflict copy's name says. */
    public static final class Parsed {
        public final String original;
        public final String computer;
        public final String stamp;

        Parsed(String original, String computer, String stamp) {
            this.original = original;
            this.computer = computer;
            this.stamp = stamp;
        }
    }

    /** The conflict-copy path for {@code path} (slash-separated, relative), unique among {@code taken}. */
    public static String nameFor(String path, String computer, ZonedDateTime when, Set<String> taken) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String file = path.substring(slash + 1);
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String ext = dot > 0 ? file.substring(dot) : "";
        String base = dir + stem + ".conflict-" + safe(computer) + "-" + STAMP.format(when);
        String candidate = base + ext;
        for (int n = 2; taken.contains(candidate) || takenAsDir(taken, candidate); n++) {
            candidate = base + "-" + n + ext;
        }
        return candidate;
    }

    private static boolean takenAsDir(Set<String> taken, String candidate) {
        // cheap check is enough: the merger fixes any remaining directory/file clash itself
        return taken.contains(candidate + "/");
    }

    private static String safe(String computer) {
        return computer.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** If {@code path} is a conflict copy, what it is a copy of. */
    public static Optional<Parsed> parse(String path) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String file = path.substring(slash + 1);
        Matcher m = COPY.matcher(file);
        if (!m.matches() || m.group(1).isEmpty()) {
            return Optional.empty();
        }
        String ext = m.group(5) == null ? "" : m.group(5);
        return Optional.of(new Parsed(dir + m.group(1) + ext, m.group(2), m.group(3)));
    }

    public static boolean isConflictCopy(String path) {
        return parse(path).isPresent();
    }
}
