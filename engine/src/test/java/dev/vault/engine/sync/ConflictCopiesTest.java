package dev.vault.engine.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConflictCopiesTest {
    private static final ZonedDateTime T = ZonedDateTime.parse("2026-11-26T16:11:07Z");

    @Test
    void copyNameKeepsStemAndExtension() {
        assertEquals("docs/notes.conflict-laptop-20261126-161107.txt", ConflictCopies.nameFor("docs/notes.txt", "laptop", T, Set.of()));
        assertEquals("Makefile.conflict-laptop-20261126-161107", ConflictCopies.nameFor("Makefile", "laptop", T, Set.of()));
        assertEquals("notes.conflict-laptop-20261126-161107-2.txt",
                ConflictCopies.nameFor("notes.txt", "laptop", T, Set.of("notes.conflict-laptop-20261126-161107.txt")));
        assertEquals("notes.txt", ConflictCopies.parse("notes.conflict-laptop-20261126-161107-2.txt").get().original);
    }

    @Test
    void copyOfACopyDoesNotGrowTheName() {
        // found by the 5,000-round simulation: nested copies passed 255 bytes, the copy could not be written and was lost
        String copy = "x.conflict-tablet-20261126-101250.conflict-laptop-20261126-104612.conflict-desktop-20261126-152118.bin";
        assertEquals("x.conflict-laptop-20261126-161107.bin", ConflictCopies.nameFor(copy, "laptop", T, Set.of()));
    }

    @Test
    void veryLongNamesStayUnderTheFileSystemLimit() {
        String longName = "dir/" + "é".repeat(200) + ".txt";
        String copy = ConflictCopies.nameFor(longName, "laptop", T, Set.of());
        String file = copy.substring(copy.lastIndexOf('/') + 1);
        assertTrue(file.getBytes(StandardCharsets.UTF_8).length <= ConflictCopies.MAX_NAME_BYTES, file);
        assertTrue(file.endsWith(".conflict-laptop-20261126-161107.txt"), file);
        assertTrue(ConflictCopies.isConflictCopy(copy));
    }
}
