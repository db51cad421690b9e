package dev.vault.engine.repo;

import dev.vault.engine.repo.crypto.KeyFile;
import dev.vault.engine.repo.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The backup cycle in a few calls, for {@code vault demo}: create a repository, back a workspace up,
 * let the caller change something, back up again (showing how little was added), restore the second
 * snapshot elsewhere and compare it byte for byte with the workspace.
 */
public final class BackupDemo {
    /** Figures of one backup. */
    public record Step(String snapshot, long filesNew, long filesChanged, long filesUnchanged, long bytesRead,
            long bytesAdded, long totalBytes, double seconds) {
        static Step of(Backup.Result r) {
            var s = r.snapshot.summary;
            return new Step(r.snapshot.shortId(), s.filesNew, s.filesChanged, s.filesUnchanged, s.bytesRead,
                    s.bytesAdded, s.totalBytes, s.seconds);
        }
    }

    /** What the demo did; {@code identical} is true when every restored file equals the workspace's. */
    public record Outcome(Step first, Step second, long restoredFiles, Path restoredTo, boolean identical, String difference) {
    }

    private BackupDemo() {
    }

    /**
     * Runs the cycle. {@code repoDir} must not exist or be empty; {@code restoreTo} is created.
     * {@code password} null makes an unencrypted repository.
     */
    public static Outcome run(Path workspace, Path repoDir, Path restoreTo, char[] password, Runnable changeBetweenBackups)
            throws IOException {
        Repository.InitOptions io = new Repository.InitOptions();
        io.encrypt = password != null;
        io.password = password;
        io.kdf = new KeyFile.KdfParams(1 << 14, 8, 1); // a demo password protects nothing; keep it quick
        Repository repo = Repository.init(new LocalStorage(repoDir), io);
        Backup.Options o = new Backup.Options();
        o.sources.add(workspace);
        o.skip.add(repoDir);
        o.skip.add(restoreTo);
        Backup.Result first = Backup.run(repo, o);
        if (changeBetweenBackups != null) {
            changeBetweenBackups.run();
        }
        Backup.Result second = Backup.run(repo, o);
        Restore.Options ro = new Restore.Options();
        ro.snapshot = second.snapshot.id;
        ro.target = restoreTo;
        Restore.Result rr = Restore.run(repo, ro);
        String diff = compare(workspace, restoreTo, repoDir.toAbsolutePath().normalize(), restoreTo.toAbsolutePath().normalize());
        if (diff == null && !rr.errors.isEmpty()) {
            diff = rr.errors.get(0);
        }
        return new Outcome(Step.of(first), Step.of(second), rr.files, restoreTo, diff == null, diff);
    }

    /** Null when every file under {@code a} (outside the skipped folders) exists in {@code b} with the same bytes. */
    static String compare(Path a, Path b, Path... skip) throws IOException {
        try (var s = Files.walk(a)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path abs = p.toAbsolutePath().normalize();
                if (Arrays.stream(skip).anyMatch(abs::startsWith)) {
                    continue;
                }
                Path q = b.resolve(a.relativize(p).toString());
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS) || Files.mismatch(p, q) != -1) {
                        return a.relativize(p) + " differs";
                    }
                }
            }
        }
        return null;
    }
}
