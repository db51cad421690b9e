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

    private static final Pattern NESTED = Pattern.compile("^(.+?)\\.conflict-.+-\\d{8}-\\d{6}(?:-\\d+)?$");
    static final int MAX_NAME_BYTES = 200;

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

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
        // a copy of a copy is named after the original, so names never grow past file-system limits
        Matcher nested = NESTED.matcher(stem);
        if (nested.matches()) {
            stem = nested.group(1);
        }
        String marker = ".conflict-" + safe(computer) + "-" + STAMP.format(when);
        // keep the whole name well under the 255-byte limit of common file systems (room for "-N")
        while (stem.length() > 1 && utf8(stem + marker + ext) > MAX_NAME_BYTES) {
            stem = stem.substring(0, stem.length() - 1);
        }
        String base = dir + stem + marker;
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
        if (!path.contains(".conflict-")) {
            return Optional.empty(); // cheap test first: this runs for every file of a large workspace
        }
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
