package dev.vault.engine.repo.storage;

import java.util.Objects;

/** Names one file in a repository: its kind and its name (a lowercase hex id, or "config"). */
public record Handle(FileType type, String name) {
    public Handle {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid repository file name: " + name);
        }
    }

    public static Handle config() {
        return new Handle(FileType.CONFIG, "config");
    }

    @Override
    public String toString() {
        return type == FileType.CONFIG ? "config" : type.folder() + "/" + name;
    }
}
