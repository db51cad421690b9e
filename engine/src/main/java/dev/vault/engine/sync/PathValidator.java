package dev.vault.engine.sync;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.lib.ObjectChecker;

/**
 * The one check every path from the hub passes before vault writes anything for it. Two kinds of
 * problem:
 * <ul>
 * <li><b>unsafe</b> names are wrong on every computer ({@code ..}, {@code .}, empty names, absolute
 * paths, NUL, {@code .git} in any case and in its Windows and macOS aliases, names that are not
 * UTF-8): they are never written, and this computer's next commit no longer carries them;</li>
 * <li>names <b>this computer cannot hold</b> (a backslash anywhere; on Windows also {@code CON},
 * {@code aux.txt}, {@code <>:"|?*}, a trailing dot or space): they stay in Git for the computers that
 * can hold them, and are not checked out here.</li>
 * </ul>
 * The name rules are JGit's {@link ObjectChecker} (the same ones as C git's {@code verify_path}),
 * plus the NTFS stream alias {@code .git::$INDEX_ALLOCATION} and the backslash. The OS flavour is a
 * parameter so the Windows rules are tested everywhere.
 */
public final class PathValidator {
    /** Which operating system's file name rules apply on this computer. */
    public enum Flavour {
        POSIX, WINDOWS, MACOS;

        /** The flavour of the running JVM. */
        public static Flavour current() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            return os.startsWith("windows") ? WINDOWS : os.startsWith("mac") ? MACOS : POSIX;
        }
    }

    /** Why one path is not written. */
    public static final class Problem {
        /** Words for the user: "a name '..'", "a Windows reserved name". */
        public final String reason;
        /** True when the name is wrong on every computer (not only on this one). */
        public final boolean unsafe;

        Problem(String reason, boolean unsafe) {
            this.reason = reason;
            this.unsafe = unsafe;
        }

        @Override
        public String toString() {
            return reason;
        }
    }

    /** Name errors that {@link #fetchChecker()} lets through: they are judged per path at checkout. */
    static final EnumSet<ObjectChecker.ErrorType> NAME_ERRORS = EnumSet.of(
            ObjectChecker.ErrorType.EMPTY_NAME, ObjectChecker.ErrorType.HAS_DOT, ObjectChecker.ErrorType.HAS_DOTDOT,
            ObjectChecker.ErrorType.HAS_DOTGIT, ObjectChecker.ErrorType.BAD_UTF8, ObjectChecker.ErrorType.WIN32_BAD_NAME,
            ObjectChecker.ErrorType.ZERO_PADDED_FILEMODE, ObjectChecker.ErrorType.GITMODULES_BLOB,
            ObjectChecker.ErrorType.GITMODULES_LARGE, ObjectChecker.ErrorType.GITMODULES_NAME,
            ObjectChecker.ErrorType.GITMODULES_PARSE, ObjectChecker.ErrorType.GITMODULES_PATH,
            ObjectChecker.ErrorType.GITMODULES_SYMLINK, ObjectChecker.ErrorType.GITMODULES_URL);

    private static final PathValidator CURRENT = new PathValidator(Flavour.current());

    private final Flavour flavour;
    /** .git aliases of every OS (NTFS short names, trailing dots/spaces, HFS+ ignorables) and UTF-8. */
    private final ObjectChecker everywhere = new ObjectChecker().setSafeForMacOS(true);
    private final ObjectChecker windows = new ObjectChecker().setSafeForWindows(true);

    public PathValidator(Flavour flavour) {
        this.flavour = flavour;
    }

    /** The validator for the running OS. */
    public static PathValidator forThisSystem() {
        return CURRENT;
    }

    public Flavour flavour() {
        return flavour;
    }

    /**
     * The object checker for fetches: refuses damaged objects (bad headers, unsorted or duplicate
     * tree entries, names holding a slash), and leaves name problems to {@link #check}, so one bad
     * entry is reported and skipped instead of making every fetch fail.
     */
    public static ObjectChecker fetchChecker() {
        return new ObjectChecker().setIgnore(NAME_ERRORS);
    }

    /** Null if {@code path} (a tree path, '/'-separated) may be written here, else why not. */
    public Problem check(String path) {
        return check(path.getBytes(StandardCharsets.UTF_8));
    }

    /** Like {@link #check(String)} on the raw bytes of a tree path (as TreeWalk gives them). */
    public Problem check(byte[] raw) {
        if (raw.length == 0) {
            return new Problem("an empty path", true);
        }
        if (raw[0] == '/') {
            return new Problem("an absolute path", true);
        }
        Problem later = null;
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i < raw.length && raw[i] != '/') {
                continue;
            }
            Problem p = segment(raw, start, i);
            if (p != null) {
                if (p.unsafe) {
                    return p;
                }
                if (later == null) {
                    later = p;
                }
            }
            start = i + 1;
        }
        return later;
    }

    private Problem segment(byte[] raw, int from, int to) {
        if (from == to) {
            return new Problem("an empty folder or file name", true);
        }
        boolean backslash = false;
        for (int i = from; i < to; i++) {
            if (raw[i] == 0) {
                return new Problem("a NUL byte in a name", true);
            }
            backslash |= raw[i] == '\\';
        }
        if (!isUtf8(raw, from, to)) {
            return new Problem("a name that is not UTF-8", true);
        }
        try {
            everywhere.checkPathSegment(raw, from, to);
        } catch (CorruptObjectException e) {
            return new Problem(describe(new String(raw, from, to - from, StandardCharsets.UTF_8)), true);
        }
        String name = new String(raw, from, to - from, StandardCharsets.UTF_8);
        if (isNtfsGitAlias(name)) {
            return new Problem("a name that Windows reads as .git ('" + name + "')", true);
        }
        if (backslash) {
            return new Problem("a backslash in '" + name + "' (Windows reads it as a folder separator)", false);
        }
        if (flavour == Flavour.WINDOWS) {
            try {
                windows.checkPathSegment(raw, from, to);
            } catch (CorruptObjectException e) {
                return new Problem("'" + name + "', a name Windows cannot hold", false);
            }
        }
        return null;
    }

    /**
     * {@code .git} or {@code git~1} with any trailing dots and spaces and any NTFS stream suffix
     * ({@code ::$INDEX_ALLOCATION}, {@code :x}): Windows opens all of them as {@code .git}.
     */
    private static boolean isNtfsGitAlias(String name) {
        int colon = name.indexOf(':');
        String base = (colon < 0 ? name : name.substring(0, colon)).toLowerCase(Locale.ROOT);
        int end = base.length();
        while (end > 0 && (base.charAt(end - 1) == '.' || base.charAt(end - 1) == ' ')) {
            end--;
        }
        base = base.substring(0, end);
        return base.equals(".git") || base.equals("git~1");
    }

    private static boolean isUtf8(byte[] raw, int from, int to) {
        for (int i = from; i < to; i++) {
            if (raw[i] < 0) { // only non-ASCII names pay for a decoder
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, from, to - from));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describe(String name) {
        if (name.equals(".")) {
            return "a name '.'";
        }
        if (name.equals("..")) {
            return "a name '..' (it would point outside the workspace)";
        }
        return "a name that stands for .git ('" + name + "'), Git's own folder";
    }
}
