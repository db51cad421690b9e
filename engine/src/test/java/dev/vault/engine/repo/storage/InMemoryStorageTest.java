package dev.vault.engine.repo.storage;

import java.nio.file.Path;

class InMemoryStorageTest extends StorageConformanceTest {
    @Override
    Storage create(Path dir) {
        return new InMemoryStorage();
    }
}
