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
    /**
     * Status-change time (POSIX ctime), nanoseconds since the epoch, of files only; absent where the
     * system has none (Windows). Used only to notice a rewrite whose mtime was put back; never restored.
     */
    public Long ctime;
    public long size;
    public List<String> content;
    public String subtree;
    public String target;

    /** True when every stored field is equal, so both serialize to the same bytes. */
    public boolean sameAs(Node o) {
        return o != null && mtime == o.mtime && size == o.size && java.util.Objects.equals(ctime, o.ctime)
                && java.util.Objects.equals(name, o.name)
                && java.util.Objects.equals(type, o.type) && java.util.Objects.equals(mode, o.mode)
                && java.util.Objects.equals(readOnly, o.readOnly) && java.util.Objects.equals(content, o.content)
                && java.util.Objects.equals(subtree, o.subtree) && java.util.Objects.equals(target, o.target);
    }

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
