package dev.vault.engine.repo.storage;

/** The kinds of file a repository holds; each kind lives in its own folder (see docs/FORMAT.md). */
public enum FileType {
    CONFIG("config"),
    KEY("keys"),
    DATA("data"),
    INDEX("index"),
    SNAPSHOT("snapshots"),
    LOCK("locks");

    private final String folder;

    FileType(String folder) {
        this.folder = folder;
    }

    /** Folder name inside the repository (for CONFIG: the file name). */
    public String folder() {
        return folder;
    }
}
