package dev.vault.engine.repo.index;

import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.PackEntry;
import java.util.ArrayList;
import java.util.List;

/** The JSON content of one index file: packs, their sizes, and the blobs in each. */
public final class IndexFile {
    public int version = 1;
    public List<Pack> packs = new ArrayList<>();

    /** One pack and its blobs. */
    public static final class Pack {
        public String id;
        public long size;
        public List<Blob> blobs = new ArrayList<>();
    }

    /** One blob: type (0 data, 1 tree), id, offset, stored length, plaintext length. */
    public static final class Blob {
        public int t;
        public String id;
        public long o;
        public int l;
        public int r;
    }

    public void add(String packId, long size, List<PackEntry> entries) {
        Pack p = new Pack();
        p.id = packId;
        p.size = size;
        for (PackEntry e : entries) {
            Blob b = new Blob();
            b.t = e.type().code();
            b.id = e.id().hex();
            b.o = e.offset();
            b.l = e.length();
            b.r = e.rawLength();
            p.blobs.add(b);
        }
        packs.add(p);
    }

    static PackEntry entry(Blob b) {
        return new PackEntry(BlobType.of(b.t), BlobId.parse(b.id), b.o, b.l, b.r);
    }
}
