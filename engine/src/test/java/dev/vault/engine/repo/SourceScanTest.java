package dev.vault.engine.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SourceScanTest {
    @TempDir
    Path tmp;

    private Path tree() throws IOException {
        Path root = tmp.resolve("src");
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4; j++) {
                Path d = root.resolve("d" + i).resolve("e" + j);
                Files.createDirectories(d);
                Files.writeString(d.resolve("f.txt"), i + "/" + j);
                Files.writeString(d.resolve("skip.tmp"), "x");
            }
        }
        return root;
    }

    /** Walks like Backup does, taking each folder's listing from the scan; returns the names seen. */
    private static void walk(SourceScan scan, Path dir, String rel, List<String> seen) throws Exception {
        SourceScan.Listing l = scan.take(dir);
        assertNotNull(l, "the scan listed " + rel);
        for (SourceScan.Entry e : l.entries()) {
            String r = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            seen.add(r);
            if (e.attrs().isDirectory()) {
                walk(scan, e.path(), r, seen);
            }
        }
    }

    @Test
    @Timeout(20)
    void aScanFarBehindItsLimitStillHandsOverEveryFolderInWalkOrderWithExcludesApplied() throws Exception {
        Path root = tree();
        List<String> seen = new ArrayList<>();
        // at most 2 entries ahead: the scan blocks all the time and must never deadlock with the walker
        try (SourceScan scan = new SourceScan(List.of(Map.entry(root, "")), (p, rel) -> rel.endsWith(".tmp"), 2, null)) {
            walk(scan, root, "", seen);
        }
        assertEquals(5 + 5 * 4 + 5 * 4, seen.size(), seen.toString());
        assertEquals("d0", seen.get(0));
        assertEquals("d0/e0", seen.get(1));
        assertEquals("d0/e0/f.txt", seen.get(2));
        assertEquals(0, seen.stream().filter(s -> s.endsWith(".tmp")).count());
    }

    @Test
    @Timeout(20)
    void aFolderTheScanNeverListsIsLeftToTheCaller() throws Exception {
        Path root = tree();
        try (SourceScan scan = new SourceScan(List.of(Map.entry(root, "")), (p, rel) -> false, 2, null)) {
            // the backup asks for something else than the scan walks (a source changed in between):
            // every listing is passed by and the caller lists the folder itself
            assertNull(scan.take(tmp.resolve("elsewhere")));
            assertNull(scan.take(root.resolve("d1")));
        }
        SourceScan.Listing own = SourceScan.list(root.resolve("d1"), "d1", (p, rel) -> false);
        assertEquals(4, own.entries().size());
    }
}
