package dev.vault.engine.sync;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;

/**
 * One pass over the working tree against the index: which files were added, changed or deleted,
 * which are too big to sync, which are conflict copies. With an inserter it also stores the new
 * contents and yields the index entries of the next commit. Unchanged files are recognised by
 * their index stat data and never re-hashed.
 */
final class WorkingTreeScan {
    /** A file not synced because of the size limit. */
    static final class Skipped {
        final String path;
        final long size;

        Skipped(String path, long size) {
            this.path = path;
            this.size = size;
        }
    }

    final List<DirCacheEntry> entries = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();
    final List<String> conflictCopies = new ArrayList<>();
    final List<String> unreadable = new ArrayList<>();
    int added;
    int changed;
    int deleted;
    int tracked;
    /** True when some entry's stat data was refreshed or content changed, so the index should be rewritten. */
    boolean indexDirty;

    private WorkingTreeScan() {
    }

    /** Scans {@code repo}'s working tree against {@code dc}; {@code inserter} null means count only. */
    static WorkingTreeScan run(Repository repo, DirCache dc, ObjectInserter inserter, long maxSize) throws IOException {
        return run(repo, dc, inserter, maxSize, java.util.Set.of());
    }

    /**
     * Like {@link #run(Repository, DirCache, ObjectInserter, long)}; index entries at {@code notCheckedOut}
     * paths (hub entries this computer did not write) are kept when absent from disk, not taken as deletions.
     */
    static WorkingTreeScan run(Repository repo, DirCache dc, ObjectInserter inserter, long maxSize,
            java.util.Set<String> notCheckedOut) throws IOException {
        WorkingTreeScan s = new WorkingTreeScan();
        try (TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(new DirCacheIterator(dc));
            FileTreeIterator fti = new FileTreeIterator(repo);
            tw.addTree(fti);
            fti.setDirCacheIterator(tw, 0);
            tw.setRecursive(false);
            while (tw.next()) {
                DirCacheIterator di = tw.getTree(0, DirCacheIterator.class);
                WorkingTreeIterator wi = tw.getTree(1, WorkingTreeIterator.class);
                if (tw.isSubtree()) {
                    if (di == null && wi != null && wi.isEntryIgnored()) {
                        continue;
                    }
                    tw.enterSubtree();
                    continue;
                }
                String path = tw.getPathString();
                DirCacheEntry e = di == null ? null : di.getDirCacheEntry();
                if (e != null && e.getStage() != 0) {
                    e = null;
                }
                if (e != null) {
                    s.tracked++;
                }
                boolean onDisk = wi != null && !FileMode.TREE.equals(wi.getEntryFileMode())
                        && !FileMode.GITLINK.equals(wi.getEntryFileMode());
                if (!onDisk) {
                    if (e != null && (FileMode.GITLINK.equals(e.getFileMode()) || notCheckedOut.contains(path))) {
                        s.entries.add(e);
                    } else if (e != null) {
                        s.deleted++;
                        s.indexDirty = true;
                    }
                    continue;
                }
                if (ConflictCopies.isConflictCopy(path) && (e != null || !wi.isEntryIgnored())) {
                    s.conflictCopies.add(path);
                }
                if (e == null) {
                    if (wi.isEntryIgnored()) {
                        continue;
                    }
                    long len = wi.getEntryLength();
                    if (len > maxSize) {
                        s.skipped.add(new Skipped(path, len));
                        continue;
                    }
                    DirCacheEntry n = s.store(repo, inserter, path, wi);
                    if (n != null) {
                        s.entries.add(n);
                        s.added++;
                        s.indexDirty = true;
                    }
                    continue;
                }
                boolean statDiffers = wi.isModified(e, false, tw.getObjectReader());
                if (!statDiffers) {
                    s.entries.add(e);
                    continue;
                }
                boolean contentDiffers = wi.isModified(e, true, tw.getObjectReader());
                if (!contentDiffers) {
                    // same content, new stat data: remember it so the file is not re-hashed next time
                    e.setLength(wi.getEntryLength());
                    e.setLastModified(wi.getEntryLastModifiedInstant());
                    s.entries.add(e);
                    s.indexDirty = true;
                    continue;
                }
                long len = wi.getEntryLength();
                if (len > maxSize) {
                    s.skipped.add(new Skipped(path, len));
                    s.entries.add(e); // the last version that fit stays synced
                    continue;
                }
                DirCacheEntry n = s.store(repo, inserter, path, wi);
                if (n == null) {
                    s.entries.add(e);
                } else {
                    s.entries.add(n);
                    s.changed++;
                    s.indexDirty = true;
                }
            }
        }
        return s;
    }

    /** Stores the file's content (or, when counting only, just describes it); null if it vanished meanwhile. */
    private DirCacheEntry store(Repository repo, ObjectInserter inserter, String path, WorkingTreeIterator wi) {
        DirCacheEntry n = new DirCacheEntry(path);
        n.setFileMode(wi.getEntryFileMode());
        n.setLength(wi.getEntryLength());
        n.setLastModified(wi.getEntryLastModifiedInstant());
        if (inserter == null) {
            n.setObjectId(ObjectId.zeroId());
            return n;
        }
        try {
            long len = wi.getEntryContentLength();
            ObjectId id;
            try (InputStream in = wi.openEntryStream()) {
                id = inserter.insert(Constants.OBJ_BLOB, len, in);
            }
            n.setObjectId(id);
            return n;
        } catch (IOException | RuntimeException e) {
            // changed or removed while being read: the next round picks it up
            unreadable.add(path);
            return null;
        }
    }
}
