package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathValidatorTest {
    private final PathValidator posix = new PathValidator(PathValidator.Flavour.POSIX);
    private final PathValidator windows = new PathValidator(PathValidator.Flavour.WINDOWS);

    @Test
    void ordinaryNamesPassEverywhere() {
        for (String p : List.of("a.txt", "docs/notes.md", "x/y/z/.hidden", ".gitignore", ".gitattributes",
                "gitx", ".github/workflows/ci.yml", "Ünïcödé/日本.txt", "a b/c d.txt", ".git-foo", "foo.git")) {
            assertNull(posix.check(p), p);
            assertNull(windows.check(p), p);
        }
    }

    @Test
    void unsafeNamesAreRefusedOnEveryComputer() {
        for (String p : List.of("..", "../x", "a/../../x", ".", "a/./b", "", "/etc/passwd", "a//b", "a/",
                ".git", ".git/hooks/post-checkout", ".GIT/config", "a/.Git/hooks/x", "git~1/config", "GIT~1",
                ".git.", ".git ", ".git. . ", "a/.git../x", ".git::$INDEX_ALLOCATION/hooks/x", "git~1::$DATA",
                ".g\u200cit/config", ".\u200dgit", ".gi\ufefft/x", "a\u0000b")) {
            for (PathValidator v : List.of(posix, windows)) {
                PathValidator.Problem pr = v.check(p);
                assertNotNull(pr, p);
                assertTrue(pr.unsafe, p + ": " + pr);
            }
        }
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9};
        assertTrue(posix.check(latin1).unsafe, "not UTF-8");
        assertTrue(posix.check("../x").reason.contains(".."), posix.check("../x").reason);
    }

    @Test
    void windowsOnlyNamesAreKeptButNotWrittenOnWindows() {
        for (String p : List.of("CON", "nul", "aux.txt", "docs/COM1.log", "lpt9", "a<b", "a>b", "a:b", "a\"b", "a|b",
                "a?b", "a*b", "trailing.", "trailing ", "dir./x", "a\u0001b")) {
            assertNull(posix.check(p), p);
            PathValidator.Problem pr = windows.check(p);
            assertNotNull(pr, p);
            assertFalse(pr.unsafe, p);
        }
    }

    @Test
    void backslashIsRefusedEverywhereButKept() {
        for (PathValidator v : List.of(posix, windows)) {
            PathValidator.Problem pr = v.check("a\\b.txt");
            assertNotNull(pr);
            assertFalse(pr.unsafe);
        }
        // an unsafe segment wins over a backslash elsewhere in the path
        assertTrue(posix.check("a\\b/../c").unsafe);
        assertTrue(posix.check("..\\..\\x/.git/y").unsafe);
    }

    @Test
    void rawAndStringFormsAgree() {
        String p = "docs/ünï.txt";
        assertEquals(String.valueOf(posix.check(p)), String.valueOf(posix.check(p.getBytes(StandardCharsets.UTF_8))));
    }
}
