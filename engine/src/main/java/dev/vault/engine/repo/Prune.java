package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.index.IndexFile;
import dev.vault.engine.repo.index.MasterIndex;
import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.Blobs;
import dev.vault.engine.repo.pack.PackEntry;
import dev.vault.engine.repo.pack.PackWriter;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes data no snapshot needs, crash-safely, under an exclusive lock (so no backup is running):
 * (1) find the blobs every snapshot reaches; (2) copy the still-needed blobs out of partly used packs
 * into new packs; (3) write one new index for everything kept; (4) delete the old index files; (5)
 * delete packs no longer indexed and leftover temporary files. A crash before (4) leaves extra index
 * entries for packs that still exist; a crash after it leaves unindexed packs that the next prune
 * removes. Never deletes anything if a snapshot cannot be read completely.
 */
public final class Prune {
    /** Repack a partly used pack only when at least this share of its bytes is unused. */
    public static final double REPACK_UNUSED_SHARE = 0.05;

    /** What prune did (or would do, in a dry run). */
    public static final class Result {
        public int packsDeleted;
        public int packsRepacked;
        public int packsWritten;
        public long bytesFreed;
        public int blobsRemoved;
        public int indexFilesReplaced;
        public int tempFilesRemoved;
    }

    private Prune() {
    }

    public static Result run(Repository repo, boolean dryRun) throws IOException {
        try (RepoLock lock = RepoLock.acquire(repo.storage(), true, "prune")) {
            return prune(repo, dryRun, lock);
        }
    }

    /** Prunes under {@code lock}, an exclusive lock the caller holds and keeps (forget --prune). */
    public static Result run(Repository repo, RepoLock lock) throws IOException {
        return prune(repo, false, lock);
    }

    private static Result prune(Repository repo, boolean dryRun, RepoLock lock) throws IOException {
        Result r = new Result();
        MasterIndex idx = repo.reloadIndex();
        List<String> oldIndexFiles = repo.storage().list(FileType.INDEX);
        Set<BlobId> used = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Snapshot s : repo.snapshots(problems)) {
            mark(repo, BlobId.parse(s.tree), used, "snapshot " + s.shortId());
        }
        if (!problems.isEmpty()) {
            throw new VaultException(ExitCodes.FAILURE, "prune stopped without deleting anything: " + problems.get(0)
                    + "; run 'vault check' first.");
        }
        Set<String> stored = new HashSet<>(repo.storage().list(FileType.DATA));
        // every needed blob gets one home: a copy in a pack that exists. The index keeps every location, so
        // an entry of an old or replayed index file naming a deleted pack is passed over for a copy that exists.
        Map<BlobId, MasterIndex.Location> home = new HashMap<>();
        for (BlobId id : used) {
            MasterIndex.Location chosen = null;
            for (MasterIndex.Location l : idx.locations(id)) {
                if (stored.contains(l.pack())) {
                    chosen = l;
                    break;
                }
            }
            if (chosen == null) {
                // it may be in a pack whose index file is gone: such packs look unused, so delete nothing
                throw new VaultException(ExitCodes.FAILURE, "prune stopped without deleting anything: a snapshot needs "
                        + id.shortHex() + ", which no index file lists in a pack that exists (an index file or a pack is "
                        + "missing); run 'vault check'.");
            }
            home.put(id, chosen);
        }
        List<String> delete = new ArrayList<>();
        List<String> repack = new ArrayList<>();
        Set<String> keep = new HashSet<>();
        for (String pack : idx.packs()) {
            if (!stored.contains(pack)) {
                continue; // indexed but missing: dropped from the new index (check reported it)
            }
            long usedBytes = 0;
            long total = 0;
            for (PackEntry e : idx.packEntries(pack)) {
                total += e.length();
                if (isHome(home, e, pack)) {
                    usedBytes += e.length();
                }
            }
            if (usedBytes == 0) {
                delete.add(pack);
            } else if (total - usedBytes >= REPACK_UNUSED_SHARE * total) {
                repack.add(pack);
            } else {
                keep.add(pack);
            }
        }
        for (String pack : stored) {
            if (!idx.packs().contains(pack)) {
                delete.add(pack); // unindexed: left by an interrupted backup (none runs: we hold the exclusive lock)
            }
        }
        r.packsRepacked = repack.size();
        if (dryRun) {
            r.packsDeleted = delete.size() + repack.size();
            for (String p : delete) {
                r.bytesFreed += repo.storage().size(new Handle(FileType.DATA, p));
            }
            return r;
        }
        // (2) + (3): new packs for still-needed blobs, then one index naming every kept pack
        IndexFile newIndex = new IndexFile();
        for (String pack : keep) {
            newIndex.add(pack, idx.packSize(pack), idx.packEntries(pack));
        }
        PackWriter pw = new PackWriter(repo.storage(), repo.crypto(), repo.config().packNaming());
        Set<BlobId> copied = new HashSet<>();
        for (String pack : repack) {
            for (PackEntry e : idx.packEntries(pack)) {
                if (!isHome(home, e, pack) || !copied.add(e.id())) {
                    continue;
                }
                byte[] stored2 = readIntactCopy(repo, idx, stored, e, pack); // never copy damage silently
                pw.add(e.type(), e.id(), stored2, e.rawLength());
                if (pw.size() >= repo.config().packSize) {
                    writePack(repo, pw, newIndex);
                    r.packsWritten++;
                    step("repack-pack " + r.packsWritten);
                    pw = new PackWriter(repo.storage(), repo.crypto(), repo.config().packNaming());
                }
            }
        }
        if (pw.count() > 0) {
            writePack(repo, pw, newIndex);
            r.packsWritten++;
            step("repack-pack " + r.packsWritten);
        }
        if (!newIndex.packs.isEmpty()) {
            repo.writeDocument(FileType.INDEX, newIndex);
            step("index-written");
        }
        // (4) old index files, then (5) the packs only they named
        lock.ensureHeld("deleting anything");
        for (String name : oldIndexFiles) {
            deleteQuietly(repo, new Handle(FileType.INDEX, name));
            r.indexFilesReplaced++;
            step("delete-index " + r.indexFilesReplaced);
        }
        delete.addAll(repack);
        for (String pack : delete) {
            Handle h = new Handle(FileType.DATA, pack);
            try {
                r.bytesFreed += repo.storage().size(h);
            } catch (IOException ignored) {
                // size only feeds the report
            }
            deleteQuietly(repo, h);
            r.packsDeleted++;
            step("delete-pack " + r.packsDeleted);
        }
        for (String pack : delete) {
            r.blobsRemoved += idx.packEntries(pack).size();
        }
        r.blobsRemoved -= copied.size();
        r.tempFilesRemoved = repo.storage().removeLeftoverTemporaryFiles();
        repo.reloadIndex();
        return r;
    }

    /**
     * Test hook for crash tests (never set in normal use): with the system property
     * {@code vault.test.pruneSteps} naming a file, each step of the repack and delete phases is
     * appended to it as a line when done ({@code repack-pack <n>}, {@code index-written},
     * {@code delete-index <n>}, {@code delete-pack <n>}); when the step equals
     * {@code vault.test.pruneStopAt}, prune then waits there until the process is killed, so a test
     * kills it exactly inside that phase.
     */
    private static void step(String step) {
        String file = System.getProperty("vault.test.pruneSteps");
        if (file == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), step + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (step.equals(System.getProperty("vault.test.pruneStopAt"))) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether {@code e} in {@code pack} is the copy of a needed blob that prune keeps. */
    private static boolean isHome(Map<BlobId, MasterIndex.Location> home, PackEntry e, String pack) {
        MasterIndex.Location h = home.get(e.id());
        return h != null && h.pack().equals(pack) && h.entry().offset() == e.offset();
    }

    /**
     * The stored bytes of the blob {@code e} of {@code pack}, verified; when that copy is damaged, another
     * copy the index lists in an existing pack. Fails (before anything is deleted) when no copy is intact.
     */
    private static byte[] readIntactCopy(Repository repo, MasterIndex idx, Set<String> stored, PackEntry e, String pack)
            throws IOException {
        List<MasterIndex.Location> tries = new ArrayList<>();
        tries.add(new MasterIndex.Location(pack, e));
        for (MasterIndex.Location l : idx.locations(e.id())) {
            if (!l.pack().equals(pack) && stored.contains(l.pack())) {
                tries.add(l);
            }
        }
        IOException first = null;
        for (MasterIndex.Location l : tries) {
            try {
                byte[] b = repo.storage().read(new Handle(FileType.DATA, l.pack()), l.entry().offset(), l.entry().length());
                Blobs.decode(repo.crypto(), l.entry().type(), e.id(), b, l.entry().rawLength());
                return b;
            } catch (IOException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        throw new VaultException(ExitCodes.FAILURE, "prune stopped without deleting anything: no intact copy of "
                + e.id().shortHex() + " (" + first.getMessage() + "); run 'vault check --read-data'.", first);
    }

    private static void writePack(Repository repo, PackWriter pw, IndexFile index) throws IOException {
        PackWriter.Finished f = pw.finish();
        index.add(f.name(), f.size(), f.entries());
    }

    private static void deleteQuietly(Repository repo, Handle h) throws IOException {
        try {
            repo.storage().delete(h);
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }

    private static void mark(Repository repo, BlobId tree, Set<BlobId> used, String where) throws IOException {
        if (!used.add(tree)) {
            return;
        }
        Tree t;
        try {
            t = repo.loadTree(tree);
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "prune stopped without deleting anything: " + where
                    + " has an unreadable folder listing (" + e.getMessage() + "); run 'vault check'.");
        }
        for (Node n : t.nodes) {
            if (n.isDir() && n.subtree != null) {
                mark(repo, BlobId.parse(n.subtree), used, where);
            } else if (n.isFile() && n.content != null) {
                for (String c : n.content) {
                    used.add(BlobId.parse(c));
                }
            }
        }
    }

}
