package dev.vault.engine.repo.index;

import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.PackEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every blob the repository's index files know, with its pack and position; the first location wins. */
public final class MasterIndex {
    /** A blob's home. */
    public record Location(String pack, PackEntry entry) {
    }

    private final Map<BlobId, Location> blobs = new ConcurrentHashMap<>();
    private final Map<String, List<PackEntry>> packs = new ConcurrentHashMap<>();
    private final Map<String, Long> packSizes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> packsByIndexFile = new ConcurrentHashMap<>();

    public void add(String indexFileName, IndexFile f) {
        List<String> names = new ArrayList<>();
        for (IndexFile.Pack p : f.packs) {
            List<PackEntry> entries = new ArrayList<>();
            for (IndexFile.Blob b : p.blobs) {
                PackEntry e = IndexFile.entry(b);
                entries.add(e);
                blobs.putIfAbsent(e.id(), new Location(p.id, e));
            }
            packs.putIfAbsent(p.id, entries);
            packSizes.putIfAbsent(p.id, p.size);
            names.add(p.id);
        }
        if (indexFileName != null) {
            packsByIndexFile.put(indexFileName, names);
        }
    }

    public void addPack(String packId, long size, List<PackEntry> entries) {
        for (PackEntry e : entries) {
            blobs.putIfAbsent(e.id(), new Location(packId, e));
        }
        packs.putIfAbsent(packId, List.copyOf(entries));
        packSizes.putIfAbsent(packId, size);
    }

    public Location get(BlobId id) {
        return blobs.get(id);
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
