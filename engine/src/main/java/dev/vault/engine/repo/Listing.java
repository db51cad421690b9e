package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading the contents of snapshots: listing a (sub)tree and comparing two snapshots. */
public final class Listing {
    /** A path in a snapshot and its node. */
    public record Entry(String path, Node node) {
    }

    /** One difference between two snapshots: '+' added, '-' removed, 'M' content or metadata changed, 'T' type changed. */
    public record Change(char kind, String path) {
    }

    private Listing() {
    }

    /** Every entry under {@code sub} ("" for all), depth first, names sorted. */
    public static List<Entry> list(Repository repo, Snapshot s, String sub) throws IOException {
        List<Entry> out = new ArrayList<>();
        Tree t = repo.loadTree(BlobId.parse(s.tree));
        String prefix = "";
        if (sub != null && !sub.isBlank()) {
            String[] parts = sub.replace('\\', '/').split("/");
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].isEmpty()) {
                    continue;
                }
                Node n = t.find(parts[i]);
                String p = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
                if (n == null) {
                    throw new VaultException(ExitCodes.FAILURE, "'" + sub + "' is not in snapshot " + s.shortId() + ".");
                }
                if (!n.isDir()) {
                    out.add(new Entry(p, n));
                    return out;
                }
                out.add(new Entry(p, n));
                prefix = p;
                t = repo.loadTree(BlobId.parse(n.subtree));
            }
        }
        walk(repo, t, prefix, out);
        return out;
    }

    private static void walk(Repository repo, Tree t, String prefix, List<Entry> out) throws IOException {
        for (Node n : t.nodes) {
            String p = prefix.isEmpty() ? n.name : prefix + "/" + n.name;
            out.add(new Entry(p, n));
            if (n.isDir() && n.subtree != null) {
                walk(repo, repo.loadTree(BlobId.parse(n.subtree)), p, out);
            }
        }
    }

    /** What changed from snapshot {@code a} to snapshot {@code b}; identical subtrees are skipped unread. */
    public static List<Change> diff(Repository repo, Snapshot a, Snapshot b) throws IOException {
        List<Change> out = new ArrayList<>();
        diff(repo, a.tree, b.tree, "", out);
        return out;
    }

    private static void diff(Repository repo, String ta, String tb, String prefix, List<Change> out) throws IOException {
        if (ta != null && ta.equals(tb)) {
            return;
        }
        Map<String, Node> left = nodes(repo, ta);
        Map<String, Node> right = nodes(repo, tb);
        java.util.TreeSet<String> names = new java.util.TreeSet<>(left.keySet());
        names.addAll(right.keySet());
        for (String name : names) {
            String p = prefix.isEmpty() ? name : prefix + "/" + name;
            Node x = left.get(name);
            Node y = right.get(name);
            if (x == null) {
                out.add(new Change('+', p));
                if (y.isDir()) {
                    diff(repo, null, y.subtree, p, out);
                }
            } else if (y == null) {
                out.add(new Change('-', p));
                if (x.isDir()) {
                    diff(repo, x.subtree, null, p, out);
                }
            } else if (!x.type.equals(y.type)) {
                out.add(new Change('T', p));
            } else if (x.isDir()) {
                diff(repo, x.subtree, y.subtree, p, out);
            } else if (!java.util.Objects.equals(x.content, y.content) || !java.util.Objects.equals(x.target, y.target)
                    || x.mtime != y.mtime || !java.util.Objects.equals(x.mode, y.mode)) {
                out.add(new Change('M', p));
            }
        }
    }

    private static Map<String, Node> nodes(Repository repo, String tree) throws IOException {
        Map<String, Node> m = new LinkedHashMap<>();
        if (tree != null) {
            for (Node n : repo.loadTree(BlobId.parse(tree)).nodes) {
                m.put(n.name, n);
            }
        }
        return m;
    }
}
