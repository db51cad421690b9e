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
 * Verifies a repository from its own files, never from a local cache standing in for them (a cached
 * copy can hide damage on the drive; restic's check uses a fresh cache for the same reason). Always:
 * every key file and the config are intact, every index file and snapshot decrypts and matches its
 * name, every indexed pack exists with the indexed size (a missing one names the index files listing
 * it, so a replayed old index is named), every tree of every snapshot loads and every chunk a file
 * needs is indexed.
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
        /**
         * This computer's cache folder for the repository, if any: only the names of the snapshot files
         * it holds are read (never their content), to name snapshots that were in the repository when
         * this computer last read it and are gone now.
         */
        public java.nio.file.Path seenBefore;
    }

    /** What was found. */
    public static final class Result {
        /** Damaged or missing repository files, each with what is wrong. */
        public final List<String> errors = new ArrayList<>();
        /** Harmless findings (e.g. packs left by an interrupted backup, which prune removes). */
        public final List<String> warnings = new ArrayList<>();
        /**
         * Files this computer saw in the repository before and that are gone now (see
         * {@link Options#seenBefore}): a forget or prune elsewhere, or a deletion; the user must judge.
         */
        public final List<String> gone = new ArrayList<>();
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
        if (repo.storage().cacheDir() != null) {
            throw new IllegalArgumentException("check reads the repository itself: open " + repo.location()
                    + " without a local cache");
        }
        try (RepoLock lock = RepoLock.acquire(repo.storage(), false, "check")) {
            return check(repo, o);
        }
    }

    private static Result check(Repository repo, Options o) throws IOException {
        Result r = new Result();
        checkConfig(repo, r);
        checkKeyFiles(repo, r);
        MasterIndex idx = repo.loadIndex(r.errors);
        Set<String> stored = new HashSet<>(repo.storage().list(FileType.DATA));
        Set<BlobId> bad = new HashSet<>();
        Map<BlobId, String> badWhy = new HashMap<>();
        Set<String> badPacks = new HashSet<>();
        for (String pack : new TreeSet<>(idx.packs())) {
            if (!stored.contains(pack)) {
                r.errors.add("pack " + pack + " is missing" + listedBy(idx, pack));
                markBad(idx, pack, "pack " + shortName(pack) + " is missing", bad, badWhy, badPacks);
                continue;
            }
            long size = repo.storage().size(new Handle(FileType.DATA, pack));
            long want = idx.packSize(pack);
            if (want >= 0 && size != want) {
                r.errors.add("pack " + pack + " has " + size + " bytes, the index says " + want + " (truncated or damaged)"
                        + listedBy(idx, pack));
                markBad(idx, pack, "pack " + shortName(pack) + " is truncated", bad, badWhy, badPacks);
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
                markBad(idx, pack, "pack " + shortName(pack) + " is damaged", bad, badWhy, badPacks);
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
        if (o.seenBefore != null) {
            goneSinceSeen(repo, o.seenBefore, r);
        }
        return r;
    }

    /** " (listed by index/a, index/b)": which index files name a pack, so a stale or replayed one is named. */
    private static String listedBy(MasterIndex idx, String pack) {
        Set<String> files = idx.indexFilesListing(pack);
        if (files.isEmpty()) {
            return "";
        }
        List<String> named = new ArrayList<>();
        for (String f : files) {
            named.add("index/" + f);
        }
        return " (listed by " + String.join(", ", named) + ")";
    }

    /** The config on the drive is the one the repository was opened with, and is authenticated when it can be. */
    private static void checkConfig(Repository repo, Result r) {
        byte[] raw;
        try {
            raw = repo.storage().read(Handle.config());
        } catch (IOException e) {
            r.errors.add("config: cannot be read (" + e.getMessage() + ")");
            return;
        }
        RepoConfig now;
        try {
            now = Repository.GSON.fromJson(new String(raw, java.nio.charset.StandardCharsets.UTF_8), RepoConfig.class);
        } catch (RuntimeException e) {
            now = null;
        }
        if (now == null || !Arrays.equals(now.macInput(), repo.config().macInput())
                || !java.util.Objects.equals(now.mac, repo.config().mac)) {
            r.errors.add("config: changed while check ran, or damaged; run check again");
        } else if (repo.crypto().encrypted() && now.mac == null) {
            r.warnings.add("config carries no MAC (the repository was made before configs were authenticated): "
                    + "changes to it cannot be detected");
        }
    }

    /** Every key file matches its name (the SHA-256 of its bytes) and is a well-formed vault key file. */
    private static void checkKeyFiles(Repository repo, Result r) throws IOException {
        List<String> keys = repo.storage().list(FileType.KEY);
        keys.sort(null);
        for (String k : keys) {
            Handle h = new Handle(FileType.KEY, k);
            try {
                if (repo.storage().size(h) > dev.vault.engine.repo.crypto.KeyFile.MAX_FILE) {
                    r.errors.add("keys/" + k + ": far too large for a key file (damaged or not vault's)");
                    continue;
                }
                byte[] kf = repo.storage().read(h);
                if (!dev.vault.engine.repo.crypto.Hashes.sha256Hex(kf).equals(k)) {
                    r.errors.add("keys/" + k + ": damaged (its content does not match its name)");
                    continue;
                }
                dev.vault.engine.repo.crypto.KeyFile.validate(kf);
            } catch (java.security.GeneralSecurityException e) {
                r.errors.add("keys/" + k + ": damaged (" + e.getMessage() + ")");
            } catch (IOException e) {
                r.errors.add("keys/" + k + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        if (!repo.crypto().encrypted() && !keys.isEmpty()) {
            r.errors.add("keys/ holds key files in an unencrypted repository");
        }
    }

    /**
     * Snapshot files that this computer's cache saw in the repository and that are gone now. Only names
     * are compared (the cache's content is never used). A snapshot removed by 'vault forget' elsewhere
     * (another computer, or the daemon, which keeps no cache) looks the same, so these are reported
     * apart from damage. Index files are not compared: prune replaces them routinely, and a missing
     * one shows as packs in no index and files that cannot be restored.
     */
    private static void goneSinceSeen(Repository repo, java.nio.file.Path cache, Result r) throws IOException {
        java.nio.file.Path d = cache.resolve(FileType.SNAPSHOT.folder());
        if (!java.nio.file.Files.isDirectory(d)) {
            return;
        }
        Set<String> now = new HashSet<>(repo.storage().list(FileType.SNAPSHOT));
        Set<String> seen = new TreeSet<>();
        try (var files = java.nio.file.Files.list(d)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}")).forEach(seen::add);
        }
        seen.removeAll(now);
        for (String name : seen) {
            r.gone.add("snapshots/" + name + " was in the repository when this computer last read it and is gone now"
                    + " (removed by 'vault forget' elsewhere, or deleted)");
        }
    }

    private static String shortName(String pack) {
        return pack.substring(0, Math.min(12, pack.length()));
    }

    /**
     * Marks {@code pack} bad, and with it each blob it holds whose every location is now in a bad pack
     * (a blob also listed in an intact pack, e.g. by an old index file put back, is still restorable;
     * a blob whose other copies are marked bad later is caught when their packs are).
     */
    private static void markBad(MasterIndex idx, String pack, String why, Set<BlobId> bad, Map<BlobId, String> badWhy,
            Set<String> badPacks) {
        badPacks.add(pack);
        for (PackEntry e : idx.packEntries(pack)) {
            boolean allBad = true;
            for (MasterIndex.Location l : idx.locations(e.id())) {
                allBad &= badPacks.contains(l.pack());
            }
            if (allBad) {
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
