package dev.vault.engine.repo;

import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.CorruptDataException;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.pack.PackReader;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies a repository. Always: every index file and snapshot decrypts, every indexed pack exists
 * with the indexed size, every tree of every snapshot loads and every chunk a file needs is indexed.
 * With {@code readData} (or a percentage of packs): every pack is read whole, its name re-hashed,
 * its header checked against the index and every blob decrypted and re-hashed. Problems are reported
 * with the damaged file and every snapshot and file path that depends on it.
 */
public final class Check {
    /** How deep to look. */
    public static final class Options {
        public boolean readData;
        /** 1..100: read this share of the packs (chosen at random) instead of all; 0 = per readData. */
        public int readDataPercent;
        public long seed = System.nanoTime();
    }

    /** What was found. */
    public static final class Result {
        /** Damaged or missing repository files, each with what is wrong. */
        public final List<String> errors = new ArrayList<>();
        /** Harmless findings (e.g. packs left by an interrupted backup, which prune removes). */
        public final List<String> warnings = new ArrayList<>();
        /** Snapshot short id → paths of files (or folders) that cannot be restored intact. */
        public final Map<String, Set<String>> affected = new HashMap<>();
        public int packsRead;
        public int snapshots;

        public boolean ok() {
            return errors.isEmpty() && affected.isEmpty();
        }
    }

    private Check() {
    }

    public static Result run(Repository repo, Options o) throws IOException {
        try (RepoLock lock = RepoLock.acquire(repo.storage(), false, "check")) {
            return check(repo, o);
        }
    }

    private static Result check(Repository repo, Options o) throws IOException {
        Result r = new Result();
        MasterIndex idx = repo.loadIndex(r.errors);
        Set<String> stored = new HashSet<>(repo.storage().list(FileType.DATA));
        Set<BlobId> bad = new HashSet<>();
        Map<BlobId, String> badWhy = new HashMap<>();
        for (String pack : new TreeSet<>(idx.packs())) {
            if (!stored.contains(pack)) {
                r.errors.add("pack " + pack + " is missing");
                markBad(idx, pack, "pack " + shortName(pack) + " is missing", bad, badWhy);
                continue;
            }
            long size = repo.storage().size(new Handle(FileType.DATA, pack));
            long want = idx.packSize(pack);
            if (want >= 0 && size != want) {
                r.errors.add("pack " + pack + " has " + size + " bytes, the index says " + want + " (truncated or damaged)");
                markBad(idx, pack, "pack " + shortName(pack) + " is truncated", bad, badWhy);
            }
        }
        for (String pack : stored) {
            if (!idx.packs().contains(pack)) {
                r.warnings.add("pack " + pack + " is in no index (left by an interrupted backup; 'vault prune' removes it)");
            }
        }
        List<String> packsToRead = new ArrayList<>(new TreeSet<>(idx.packs()));
        packsToRead.retainAll(stored);
        if (o.readDataPercent > 0 && o.readDataPercent < 100) {
            java.util.Collections.shuffle(packsToRead, new Random(o.seed));
            int n = (int) Math.ceil(packsToRead.size() * o.readDataPercent / 100.0);
            packsToRead = packsToRead.subList(0, n);
        } else if (!o.readData && o.readDataPercent == 0) {
            packsToRead = List.of();
        }
        for (String pack : packsToRead) {
            r.packsRead++;
            String problem = readPack(repo, idx, pack);
            if (problem != null) {
                r.errors.add("pack " + pack + ": " + problem);
                markBad(idx, pack, "pack " + shortName(pack) + " is damaged", bad, badWhy);
            }
        }
        List<Snapshot> snaps = repo.snapshots(r.errors);
        r.snapshots = snaps.size();
        Map<BlobId, Tree> trees = new HashMap<>();
        Map<BlobId, String> treeErrors = new HashMap<>();
        for (Snapshot s : snaps) {
            Set<String> aff = new java.util.TreeSet<>();
            walk(repo, idx, BlobId.parse(s.tree), "", bad, trees, treeErrors, aff);
            if (!aff.isEmpty()) {
                r.affected.put(s.shortId(), aff);
            }
        }
        for (Map.Entry<BlobId, String> e : treeErrors.entrySet()) {
            r.errors.add("tree " + e.getKey().shortHex() + ": " + e.getValue());
        }
        return r;
    }

    private static String shortName(String pack) {
        return pack.substring(0, Math.min(12, pack.length()));
    }

    private static void markBad(MasterIndex idx, String pack, String why, Set<BlobId> bad, Map<BlobId, String> badWhy) {
        for (PackEntry e : idx.packEntries(pack)) {
            MasterIndex.Location loc = idx.get(e.id());
            if (loc != null && loc.pack().equals(pack)) {
                bad.add(e.id());
                badWhy.put(e.id(), why);
            }
        }
    }

    /** Null if the pack is intact, else what is wrong with it. */
    private static String readPack(Repository repo, MasterIndex idx, String pack) {
        byte[] data;
        try {
            data = repo.storage().read(new Handle(FileType.DATA, pack));
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        List<PackEntry> header;
        try {
            // format 2 names a pack by its header, which lists every blob and must begin where they end
            // (PackReader checks that); each blob is then verified by its id below
            PackWriter.Naming naming = repo.config().packNaming();
            int trailer = naming == PackWriter.Naming.HEADER ? PackReader.trailerStart(data) : 0;
            if (!naming.nameOf(data, trailer).equals(pack)) {
                return "content does not match its name (damaged)";
            }
            header = PackReader.entries(repo.crypto(), data);
        } catch (CorruptDataException e) {
            return e.getMessage();
        }
        Set<BlobId> inHeader = new HashSet<>();
        for (PackEntry e : header) {
            inHeader.add(e.id());
            try {
                Blobs.decode(repo.crypto(), e.type(), e.id(),
                        Arrays.copyOfRange(data, (int) e.offset(), (int) e.offset() + e.length()), e.rawLength());
            } catch (CorruptDataException ex) {
                return ex.getMessage();
            }
        }
        for (PackEntry e : idx.packEntries(pack)) {
            if (!inHeader.contains(e.id())) {
                return "blob " + e.id().shortHex() + " is indexed here but not in the pack header";
            }
        }
        return null;
    }

    private static void walk(Repository repo, MasterIndex idx, BlobId treeId, String path, Set<BlobId> bad,
            Map<BlobId, Tree> trees, Map<BlobId, String> treeErrors, Set<String> affected) {
        Tree t = trees.get(treeId);
        if (t == null) {
            if (treeErrors.containsKey(treeId)) {
                affected.add(path.isEmpty() ? "/" : path + "/");
                return;
            }
            try {
                if (bad.contains(treeId)) {
                    throw new CorruptDataException("stored in a damaged pack");
                }
                t = repo.loadTree(treeId);
            } catch (IOException | RuntimeException e) {
                treeErrors.put(treeId, e.getMessage());
                affected.add(path.isEmpty() ? "/" : path + "/");
                return;
            }
            trees.put(treeId, t);
        }
        for (Node n : t.nodes) {
            String p = path.isEmpty() ? n.name : path + "/" + n.name;
            if (n.isDir() && n.subtree != null) {
                walk(repo, idx, BlobId.parse(n.subtree), p, bad, trees, treeErrors, affected);
            } else if (n.isFile() && n.content != null) {
                for (String c : n.content) {
                    BlobId id = BlobId.parse(c);
                    if (bad.contains(id) || !idx.has(id)) {
                        affected.add(p);
                        break;
                    }
                }
            }
        }
    }
}
