package dev.vault.engine.repo.snapshot;

import java.util.List;

/** One entry of a directory as backed up: a file (with its chunk ids), a directory (with its tree) or a symlink. */
public final class Node {
    public static final String FILE = "file";
    public static final String DIR = "dir";
    public static final String SYMLINK = "symlink";

    public String name;
    public String type;
    /** POSIX permission bits (e.g. 0644), or null where the filesystem has none. */
    public Integer mode;
    /** True when a DOS/Windows read-only attribute was set (filesystems without POSIX permissions). */
    public Boolean readOnly;
    /** Modification time, nanoseconds since the epoch. */
    public long mtime;
    public long size;
    public List<String> content;
    public String subtree;
    public String target;

    public boolean isFile() {
        return FILE.equals(type);
    }

    public boolean isDir() {
        return DIR.equals(type);
    }

    public boolean isSymlink() {
        return SYMLINK.equals(type);
    }
}
