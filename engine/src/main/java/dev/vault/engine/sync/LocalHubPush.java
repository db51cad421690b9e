package dev.vault.engine.sync;

import dev.vault.engine.VaultException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TransferConfig;

/**
 * Sends commits to a hub that is a folder (local disk, USB drive, network share) so that they are on
 * the disk when the push returns: the pack is written and fsynced and so is its folder, and only then
 * does the hub's branch move (compare-and-swap under the hub's ref lock, the ref file fsynced before
 * its rename); afterwards the ref's folders and the reflog are fsynced. JGit's own push to a path
 * writes the same pack and ref but flushes no folder and no ref, so a power cut right after "sent"
 * could lose the commits or leave the branch naming a pack that never reached the disk.
 */
final class LocalHubPush {
    private LocalHubPush() {
    }

    /** The folder of the bare repository a path hub names (or its {@code .git} when it is a non-bare clone). */
    static Path gitDir(String hub) {
        Path p = Path.of(Hub.uri(hub).getPath());
        if (!Files.isDirectory(p.resolve("objects")) && Files.isDirectory(p.resolve(Constants.DOT_GIT))) {
            return p.resolve(Constants.DOT_GIT);
        }
        return p;
    }

    /**
     * Moves {@code branchRef} of the hub at {@code hubDir} from {@code expectedOld} (null: absent) to
     * {@code newHead}, sending the objects it lacks. Returns OK, UP_TO_DATE, REJECTED_REMOTE_CHANGED
     * (someone else pushed first, or holds the ref lock) or REJECTED_NONFASTFORWARD; null when the hub
     * folder went away (drive unplugged) during the push.
     */
    static RemoteRefUpdate.Status push(Repository local, Path hubDir, String branchRef, ObjectId newHead,
            ObjectId expectedOld, String computer, PackConfig packConfig) throws IOException {
        if (!Files.isDirectory(hubDir.resolve("objects"))) {
            return null;
        }
        try (Repository hub = new FileRepositoryBuilder().setGitDir(hubDir.toFile()).setMustExist(true).build()) {
            requestFsync(hub.getConfig());
            Ref cur = hub.exactRef(branchRef);
            ObjectId curId = cur == null ? null : cur.getObjectId();
            if (newHead.equals(curId)) {
                return RemoteRefUpdate.Status.UP_TO_DATE;
            }
            if (!java.util.Objects.equals(curId, expectedOld)) {
                return RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED;
            }
            if (curId != null) {
                try (RevWalk rw = new RevWalk(local)) {
                    if (!rw.isMergedInto(rw.parseCommit(curId), rw.parseCommit(newHead))) {
                        return RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD;
                    }
                } catch (org.eclipse.jgit.errors.MissingObjectException e) {
                    return RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED; // fetch it first, then try again
                }
            }
            // the hub is assumed to have everything its branch reaches, as a Git push assumes; if the
            // branch names a commit the hub does not have (a power cut lost its pack), send everything
            Set<ObjectId> haves = new HashSet<>();
            if (curId != null && hub.getObjectDatabase().has(curId)) {
                haves.add(curId);
            }
            PackLock lock = sendObjects(local, hub, hubDir, newHead, haves, computer, packConfig);
            try {
                Set<Path> dirsBefore = existingDirs(hubDir, branchRef);
                RefUpdate ru = hub.updateRef(branchRef);
                ru.setExpectedOldObjectId(curId == null ? ObjectId.zeroId() : curId);
                ru.setNewObjectId(newHead);
                ru.setRefLogIdent(new PersonIdent(computer, computer + "@vault"));
                ru.setRefLogMessage("push: vault sync from " + computer, false);
                ru.setForceRefLog(true); // the hub's reflog tells later who moved its branch
                RefUpdate.Result res;
                try (RevWalk rw = new RevWalk(hub)) {
                    res = ru.update(rw);
                }
                switch (res) {
                    case NEW:
                    case FAST_FORWARD:
                        flushRef(hubDir, branchRef, dirsBefore);
                        return RemoteRefUpdate.Status.OK;
                    case NO_CHANGE:
                        return RemoteRefUpdate.Status.UP_TO_DATE;
                    case LOCK_FAILURE:
                        return RemoteRefUpdate.Status.REJECTED_REMOTE_CHANGED;
                    case REJECTED:
                        return RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD;
                    default:
                        if (!Files.isDirectory(hubDir)) {
                            return null;
                        }
                        throw new VaultException("hub " + hubDir + " did not accept the branch update (" + res
                                + "); your work is committed locally, check the hub's drive and run 'vault sync' again");
                }
            } finally {
                if (lock != null) {
                    try {
                        lock.unlock();
                    } catch (IOException e) {
                        // the .keep only guards the pack until a ref names it; failing to remove it must not
                        // turn a branch update that succeeded into a failed round
                    }
                }
            }
        } catch (IOException e) {
            if (!Files.isDirectory(hubDir.resolve("objects"))) {
                return null; // the drive or share went away while sending: offline
            }
            throw e;
        }
    }

    /**
     * Asks JGit to fsync what it writes into the hub (loose objects, and ref files before their
     * rename). Only in memory: the hub's config file is not changed.
     */
    private static void requestFsync(StoredConfig c) {
        c.setBoolean("core", null, "fsyncObjectFiles", true);
        c.setBoolean("core", null, "fsyncRefFiles", true);
    }

    /** Writes the objects {@code newHead} needs into the hub as one pack, then fsyncs the pack folder. */
    private static PackLock sendObjects(Repository local, Repository hub, Path hubDir, ObjectId newHead, Set<ObjectId> haves,
            String computer, PackConfig packConfig) throws IOException {
        Path packDir = hubDir.resolve("objects").resolve("pack");
        boolean packDirExisted = Files.isDirectory(packDir);
        Set<Path> before = list(packDir);
        PackLock lock;
        try (PackWriter pw = new PackWriter(packConfig, local.newObjectReader())) {
            pw.setThin(false); // self-contained: never depends on objects the hub might have lost
            pw.setUseBitmaps(false);
            pw.preparePack(NullProgressMonitor.INSTANCE, Set.of(newHead), haves);
            if (pw.getObjectCount() == 0) {
                return null;
            }
            PipedInputStream in = new PipedInputStream(1 << 16);
            PipedOutputStream out = new PipedOutputStream(in);
            AtomicReference<Throwable> writeError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (out) {
                    pw.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, out);
                } catch (Throwable t) {
                    writeError.set(t);
                }
            }, "vault-hub-push");
            writer.setDaemon(true);
            writer.start();
            try (in; ObjectInserter ins = hub.newObjectInserter()) {
                PackParser parser = ins.newPackParser(in);
                parser.setAllowThin(false);
                parser.setNeedBaseObjectIds(false);
                parser.setObjectChecker(new TransferConfig(hub).newReceiveObjectChecker());
                parser.setLockMessage("vault push from " + computer);
                lock = parser.parse(NullProgressMonitor.INSTANCE);
                ins.flush();
            } catch (IOException | RuntimeException e) {
                Throwable w = writeError.get();
                if (w != null && e.getSuppressed().length == 0) {
                    e.addSuppressed(w);
                }
                throw e;
            } finally {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while sending to hub " + hubDir);
                }
            }
            Throwable w = writeError.get();
            if (w != null) {
                throw new IOException("writing the pack for hub " + hubDir + " failed: " + w.getMessage(), w);
            }
        }
        // JGit forced the pack and index contents; make their names durable before the branch names them
        for (Path p : list(packDir)) {
            String n = p.getFileName().toString();
            if (!before.contains(p) && (n.endsWith(".pack") || n.endsWith(".idx") || n.endsWith(".rev") || n.endsWith(".bitmap"))) {
                try {
                    fsyncFile(p);
                } catch (java.nio.file.NoSuchFileException e) {
                    // another computer's pack, replaced by its repack meanwhile: not ours to flush
                }
            }
        }
        fsyncDir(packDir);
        if (!packDirExisted) {
            fsyncDir(packDir.getParent());
        }
        return lock;
    }

    /** Makes the moved branch durable: the ref file (JGit fsynced its content), every folder on its way, and the reflog. */
    private static void flushRef(Path hubDir, String branchRef, Set<Path> dirsBefore) throws IOException {
        for (Path f : List.of(hubDir.resolve(branchRef), hubDir.resolve("logs").resolve(branchRef))) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            fsyncFile(f);
            fsyncDir(f.getParent());
            // a folder made by this update is itself a new name in its parent
            for (Path d = f.getParent(); d.getParent() != null && d.startsWith(hubDir) && !d.equals(hubDir) && !dirsBefore.contains(d); d = d.getParent()) {
                fsyncDir(d.getParent());
            }
        }
    }

    /** The folders on the way to the branch's ref and reflog files that exist now. */
    private static Set<Path> existingDirs(Path hubDir, String branchRef) {
        Set<Path> out = new HashSet<>();
        for (Path f : List.of(hubDir.resolve(branchRef), hubDir.resolve("logs").resolve(branchRef))) {
            for (Path d = f.getParent(); d != null && d.startsWith(hubDir); d = d.getParent()) {
                if (Files.isDirectory(d)) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private static Set<Path> list(Path dir) throws IOException {
        Set<Path> out = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(out::add);
            }
        }
        return out;
    }

    /**
     * fsync through a read-only handle (Git's pack files are read-only). Windows cannot flush through
     * one; there JGit's own flush of the contents and NTFS's journaled renames are what is available.
     */
    static void fsyncFile(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!org.eclipse.jgit.util.SystemReader.getInstance().isWindows()) {
                throw e;
            }
        }
    }

    /** Makes names in {@code dir} durable where the OS can open a folder (not on Windows, where renames are journaled). */
    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows and some network file systems cannot fsync a folder
        }
    }
}
