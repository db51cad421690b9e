package dev.vault.engine.repo.index;

import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.PackEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every blob the repository's index files know, with every pack and position it is listed at. A blob
 * may be listed more than once: two backups stored it, or an old index file was put back after prune
 * moved the blob (a replayed index). {@link #get} gives the first location seen; {@link #locations}
 * gives them all, so that readers and prune can use a copy that exists when another entry is stale.
 */
public final class MasterIndex {
    /** A blob's home. */
    public record Location(String pack, PackEntry entry) {
    }

    private final Map<BlobId, Location> blobs = new ConcurrentHashMap<>();
    /** Further locations of blobs listed more than once (rare: kept apart so the common case costs one map). */
    private final Map<BlobId, List<Location>> moreLocations = new ConcurrentHashMap<>();
    private final Map<String, List<PackEntry>> packs = new ConcurrentHashMap<>();
    private final Map<String, Long> packSizes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> packsByIndexFile = new ConcurrentHashMap<>();

    /** One pack as an index file lists it. */
    public record PackRecord(String id, long size, List<PackEntry> entries) {
    }

    public void add(String indexFileName, IndexFile f) {
        List<PackRecord> records = new ArrayList<>(f.packs.size());
        for (IndexFile.Pack p : f.packs) {
            List<PackEntry> entries = new ArrayList<>(p.blobs.size());
            for (IndexFile.Blob b : p.blobs) {
                entries.add(IndexFile.entry(b));
            }
            records.add(new PackRecord(p.id, p.size, entries));
        }
        add(indexFileName, records);
    }

    /** Adds the packs one index file lists (null name: packs not yet in any index file). */
    public void add(String indexFileName, List<PackRecord> records) {
        List<String> names = new ArrayList<>(records.size());
        for (PackRecord p : records) {
            if (packs.putIfAbsent(p.id(), p.entries()) == null) {
                // a pack is named by its content, so a second listing of it adds no location
                for (PackEntry e : p.entries()) {
                    addLocation(e.id(), new Location(p.id(), e));
                }
            }
            packSizes.putIfAbsent(p.id(), p.size());
            names.add(p.id());
        }
        if (indexFileName != null) {
            packsByIndexFile.put(indexFileName, names);
        }
    }

    private void addLocation(BlobId id, Location loc) {
        Location first = blobs.putIfAbsent(id, loc);
        if (first != null && !first.pack().equals(loc.pack())) {
            moreLocations.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>())).add(loc);
        }
    }

    /** The packs an index file lists, as added (empty when unknown). */
    public List<PackRecord> packsOf(String indexFileName) {
        List<PackRecord> out = new ArrayList<>();
        for (String p : packsByIndexFile.getOrDefault(indexFileName, List.of())) {
            out.add(new PackRecord(p, packSize(p), packEntries(p)));
        }
        return out;
    }

    /** The index files that list {@code pack}, sorted (empty for a pack added without one). */
    public Set<String> indexFilesListing(String pack) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, List<String>> e : packsByIndexFile.entrySet()) {
            if (e.getValue().contains(pack)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    public void addPack(String packId, long size, List<PackEntry> entries) {
        if (packs.putIfAbsent(packId, List.copyOf(entries)) == null) {
            for (PackEntry e : entries) {
                addLocation(e.id(), new Location(packId, e));
            }
        }
        packSizes.putIfAbsent(packId, size);
    }

    /** The first location seen for {@code id}, or null. */
    public Location get(BlobId id) {
        return blobs.get(id);
    }

    /** Every location of {@code id}, the first seen first (empty when the blob is not indexed). */
    public List<Location> locations(BlobId id) {
        Location first = blobs.get(id);
        if (first == null) {
            return List.of();
        }
        List<Location> more = moreLocations.get(id);
        if (more == null) {
            return List.of(first);
        }
        List<Location> all = new ArrayList<>();
        all.add(first);
        synchronized (more) {
            all.addAll(more);
        }
        return all;
    }

    public boolean has(BlobId id) {
        return blobs.containsKey(id);
    }

    public Set<String> packs() {
        return Collections.unmodifiableSet(packs.keySet());
    }

    public List<PackEntry> packEntries(String pack) {
        return packs.getOrDefault(pack, List.of());
    }

    public long packSize(String pack) {
        return packSizes.getOrDefault(pack, -1L);
    }

    public Set<String> indexFiles() {
        return Collections.unmodifiableSet(packsByIndexFile.keySet());
    }

    public int blobCount() {
        return blobs.size();
    }
}
