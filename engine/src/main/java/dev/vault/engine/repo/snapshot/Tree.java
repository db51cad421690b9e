package dev.vault.engine.repo.snapshot;

import java.util.ArrayList;
import java.util.List;

/** A directory listing: nodes sorted by name; stored as a TREE blob whose id is the id of its JSON. */
public final class Tree {
    public List<Node> nodes = new ArrayList<>();

    public Node find(String name) {
        for (Node n : nodes) {
            if (n.name.equals(name)) {
                return n;
            }
        }
        return null;
    }
}
