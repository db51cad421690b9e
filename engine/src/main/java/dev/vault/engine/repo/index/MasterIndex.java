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
            for (PackEntry e : p.entries()) {
                blobs.putIfAbsent(e.id(), new Location(p.id(), e));
            }
            packs.putIfAbsent(p.id(), p.entries());
            packSizes.putIfAbsent(p.id(), p.size());
            names.add(p.id());
        }
        if (indexFileName != null) {
            packsByIndexFile.put(indexFileName, names);
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
