package dev.vault.engine.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeFormatter;
import org.eclipse.jgit.merge.MergeResult;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Three-way merge of whole trees by vault's rules, entirely in memory: one side's change wins over
 * no change; delete-vs-edit keeps the edit; non-overlapping text edits merge; any other clash
 * (both edited, both created, binary, file-vs-folder) keeps the hub's version under the name and
 * this computer's version as a conflict copy beside it. Nothing either side had is dropped.
 */
public final class TreeMerger {
    /** Text files larger than this are not merged line by line but kept as conflict copies. */
    static final int MAX_TEXT_MERGE = 16 * 1024 * 1024;

    private final ObjectReader reader;
    private final ObjectInserter inserter;
    /** Unsafe entries met while flattening, by path: they never enter a tree vault writes. */
    private final Map<String, String> leftOut = new TreeMap<>();

    public TreeMerger(ObjectReader reader, ObjectInserter inserter) {
        this.reader = reader;
        this.inserter = inserter;
    }

    /** One path's content in a tree. */
    public static final class Entry {
        final int mode;
        final ObjectId id;

        Entry(int mode, ObjectId id) {
            this.mode = mode;
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry && ((Entry) o).mode == mode && ((Entry) o).id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + mode;
        }
    }

    /** A clash resolved by keeping both versions. */
    public static final class Conflict {
        public final String path;
        public final String copy;
        public final String kind;

        Conflict(String path, String copy, String kind) {
            this.path = path;
            this.copy = copy;
            this.kind = kind;
        }
    }

    /** The merged tree and what happened on the way. */
    public static final class Result {
        public final ObjectId tree;
        public final List<Conflict> conflicts;
        public final List<String> textMerged;
        /** Unsafe entries (see {@link PathValidator}) left out of the merged tree: path and reason. */
        public final Map<String, String> leftOut;

        Result(ObjectId tree, List<Conflict> conflicts, List<String> textMerged, Map<String, String> leftOut) {
            this.tree = tree;
            this.conflicts = conflicts;
            this.textMerged = textMerged;
            this.leftOut = leftOut;
        }
    }

    /**
     * Merges {@code ours} (this computer) and {@code theirs} (the hub) from their common {@code base};
     * any of the three may be null for an empty tree.
     */
    public Result merge(AnyObjectId base, AnyObjectId ours, AnyObjectId theirs, String computer, ZonedDateTime when)
            throws IOException {
        Map<String, Entry> b = flatten(base);
        Map<String, Entry> o = flatten(ours);
        leftOut.clear(); // report what the hub brings now, not what older history (the base) held
        Map<String, Entry> t = flatten(theirs);
        TreeSet<String> paths = new TreeSet<>();
        paths.addAll(b.keySet());
        paths.addAll(o.keySet());
        paths.addAll(t.keySet());
        TreeMap<String, Entry> result = new TreeMap<>();
        Map<String, Entry> copiesToPlace = new TreeMap<>();
        Map<String, String> kinds = new TreeMap<>();
        List<String> textMerged = new ArrayList<>();
        for (String p : paths) {
            Entry eb = b.get(p);
            Entry eo = o.get(p);
            Entry et = t.get(p);
            if (Objects.equals(eo, et)) {
                putIf(result, p, eo);
            } else if (Objects.equals(eo, eb)) {
                putIf(result, p, et);
            } else if (Objects.equals(et, eb)) {
                putIf(result, p, eo);
            } else if (eo == null) {
                result.put(p, et); // deleted here, edited on the hub: the edit wins
            } else if (et == null) {
                result.put(p, eo); // deleted on the hub, edited here: the edit wins
            } else if (eo.id.equals(et.id)) {
                int mode = eb != null && et.mode == eb.mode ? eo.mode : et.mode;
                result.put(p, new Entry(mode, et.id));
            } else {
                ObjectId merged = eb == null ? null : mergeText(eb, eo, et);
                if (merged != null) {
                    int mode = eb != null && et.mode == eb.mode ? eo.mode : et.mode;
                    result.put(p, new Entry(mode, merged));
                    textMerged.add(p);
                } else {
                    result.put(p, et);
                    copiesToPlace.put(p, eo);
                    kinds.put(p, eb == null ? "both created" : "both edited");
                }
            }
        }
        Set<String> taken = new HashSet<>(paths);
        List<Conflict> conflicts = new ArrayList<>();
        for (Map.Entry<String, Entry> c : copiesToPlace.entrySet()) {
            String copy = ConflictCopies.nameFor(c.getKey(), computer, when, taken);
            taken.add(copy);
            result.put(copy, c.getValue());
            conflicts.add(new Conflict(c.getKey(), copy, kinds.get(c.getKey())));
        }
        // a file where the other side has a folder: keep the folder's files, move the file aside
        for (String p : new ArrayList<>(result.keySet())) {
            String under = result.ceilingKey(p + "/");
            if (under != null && under.startsWith(p + "/") && result.containsKey(p)) {
                Entry file = result.remove(p);
                String copy = ConflictCopies.nameFor(p, computer, when, taken);
                while (hasChildren(result, copy)) {
                    taken.add(copy);
                    copy = ConflictCopies.nameFor(p, computer, when, taken);
                }
                taken.add(copy);
                result.put(copy, file);
                conflicts.add(new Conflict(p, copy, "file and folder"));
            }
        }
        return new Result(writeTree(result), conflicts, textMerged, leftOut);
    }

    private static boolean hasChildren(TreeMap<String, Entry> m, String p) {
        String under = m.ceilingKey(p + "/");
        return under != null && under.startsWith(p + "/");
    }

    private static void putIf(Map<String, Entry> m, String p, Entry e) {
        if (e != null) {
            m.put(p, e);
        }
    }

    private ObjectId mergeText(Entry eb, Entry eo, Entry et) throws IOException {
        if (!isFile(eb) || !isFile(eo) || !isFile(et)) {
            return null;
        }
        byte[] base = load(eb.id);
        byte[] ours = load(eo.id);
        byte[] theirs = load(et.id);
        if (base == null || ours == null || theirs == null
                || RawText.isBinary(base) || RawText.isBinary(ours) || RawText.isBinary(theirs)) {
            return null;
        }
        MergeAlgorithm ma = new MergeAlgorithm(DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM));
        MergeResult<RawText> r = ma.merge(RawTextComparator.DEFAULT,
                new RawText(base), new RawText(ours), new RawText(theirs));
        if (r.containsConflicts()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MergeFormatter().formatMerge(out, r, List.of("base", "ours", "theirs"), StandardCharsets.UTF_8);
        return inserter.insert(Constants.OBJ_BLOB, out.toByteArray());
    }

    private static boolean isFile(Entry e) {
        return FileMode.REGULAR_FILE.equals(e.mode) || FileMode.EXECUTABLE_FILE.equals(e.mode);
    }

    private byte[] load(ObjectId id) throws IOException {
        try {
            return reader.open(id, Constants.OBJ_BLOB).getCachedBytes(MAX_TEXT_MERGE);
        } catch (LargeObjectException e) {
            return null;
        }
    }

    /**
     * Every file of a tree by path (empty for null). Entries whose path is unsafe on every computer
     * ({@code ..}, {@code .git}, ...) are left out and remembered in {@link Result#leftOut}: a hub
     * that holds one must not stop merges, and vault must not carry it on.
     */
    public Map<String, Entry> flatten(AnyObjectId tree) throws IOException {
        Map<String, Entry> m = new TreeMap<>();
        if (tree == null) {
            return m;
        }
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            tw.setRecursive(true);
            PathValidator paths = PathValidator.forThisSystem();
            while (tw.next()) {
                PathValidator.Problem p = paths.check(tw.getRawPath());
                if (p != null && p.unsafe) {
                    leftOut.putIfAbsent(tw.getPathString(), p.reason);
                    continue;
                }
                m.put(tw.getPathString(), new Entry(tw.getRawMode(0), tw.getObjectId(0)));
            }
        }
        return m;
    }

    private ObjectId writeTree(TreeMap<String, Entry> files) throws IOException {
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder builder = dc.builder();
        for (Map.Entry<String, Entry> f : files.entrySet()) {
            DirCacheEntry e = new DirCacheEntry(f.getKey());
            e.setFileMode(FileMode.fromBits(f.getValue().mode));
            e.setObjectId(f.getValue().id);
            builder.add(e);
        }
        builder.finish();
        return dc.writeTree(inserter);
    }
}
