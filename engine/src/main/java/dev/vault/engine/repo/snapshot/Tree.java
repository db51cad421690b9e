package dev.vault.engine.repo.snapshot;

import java.util.ArrayList;
import java.util.List;

/** A directory listing: nodes sorted by name; stored as a TREE blob whose id is the id of its JSON. */
public final class Tree {
    public List<Node> nodes = new ArrayList<>();

    private transient volatile java.util.Map<String, Node> byName;
    private transient volatile int indexedCount = -1;

    /** True when both hold the same nodes in the same order, so both serialize to the same bytes. */
    public boolean sameAs(Tree o) {
        if (o == null || o.nodes.size() != nodes.size()) {
            return false;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).sameAs(o.nodes.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The node with this name (the first, if a damaged tree has several), or null. */
    public Node find(String name) {
        java.util.Map<String, Node> m = byName;
        if (m == null || indexedCount != nodes.size()) {
            m = new java.util.HashMap<>();
            for (Node n : nodes) {
                m.putIfAbsent(n.name, n);
            }
            byName = m;
            indexedCount = nodes.size();
        }
        return m.get(name);
    }
}
