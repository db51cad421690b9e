package dev.vault.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine id: made once per config home, kept, and the same for every process that races to make it. */
class MachineIdTest {
    @TempDir
    Path tmp;

    @Test
    void createdOnceThenKept() throws Exception {
        Path file = MachineId.file(Map.of("VAULT_CONFIG_HOME", tmp.resolve("home").toString()));
        assertEquals(tmp.resolve("home").resolve("machine-id"), file);
        String id = MachineId.loadOrCreate(file);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, MachineId.loadOrCreate(file));
        assertEquals(id + "\n", Files.readString(file));
        assertNotEquals(id, MachineId.loadOrCreate(tmp.resolve("other").resolve("machine-id")), "another computer, another id");
    }

    @Test
    void aDamagedFileIsReplaced() throws Exception {
        Path file = tmp.resolve("machine-id");
        Files.writeString(file, "laptop\n");
        String id = MachineId.loadOrCreate(file);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, Files.readString(file).trim());
    }

    @Test
    void racingCreatorsAgreeOnOneId() throws Exception {
        Path file = tmp.resolve("home").resolve("machine-id");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Callable<String> make = () -> MachineId.loadOrCreate(file);
            List<Future<String>> all = pool.invokeAll(java.util.Collections.nCopies(16, make));
            Set<String> ids = new HashSet<>();
            for (Future<String> f : all) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
