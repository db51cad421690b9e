package dev.vault.targets;

import dev.vault.targets.schedule.Retention;
import dev.vault.targets.schedule.TargetRunner;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A test runner that writes real files into the target's repository the way the repository does
 * (temporary name, then rename; folders it creates itself, never the repository root), with a hook
 * after each file so a test can pull the drive mid-run.
 */
public final class WritingRunner implements TargetRunner {
    private final int files;
    private final int fileBytes;
    public Consumer<Integer> afterFile = i -> { };
    public int runs;

    public WritingRunner(int files, int fileBytes) {
        this.files = files;
        this.fileBytes = fileBytes;
    }

    @Override
    public Outcome backup(TargetLocation d) throws Exception {
        runs++;
        String snap = "snap-" + runs;
        if (!Files.isDirectory(d.repository())) {
            throw new java.nio.file.NoSuchFileException(d.repository().toString());
        }
        Path dir = d.repository().resolve("data");
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir); // never createDirectories: the repository root must already exist
        }
        byte[] block = new byte[fileBytes];
        for (int i = 0; i < files; i++) {
            block[0] = (byte) i;
            Path tmp = dir.resolve(snap + "-" + i + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                out.write(block);
            }
            Files.move(tmp, dir.resolve(snap + "-" + i), StandardCopyOption.ATOMIC_MOVE);
            afterFile.accept(i);
        }
        Files.writeString(d.repository().resolve(snap), "complete");
        return new Outcome(snap, (long) files * fileBytes, files + " files");
    }

    @Override
    public String forget(TargetLocation d, Retention keep) {
        return "";
    }
}
