package dev.vault.cli.daemon;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The daemon's log: one timestamped line per event; rolls over at a size limit, keeping a few old files. */
public final class RotatingLog {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final Path file;
    private final long limit;
    private final int keep;
    private final Clock clock;

    public RotatingLog(Path file, long limit, int keep, Clock clock) {
        this.file = file;
        this.limit = limit;
        this.keep = keep;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** Appends a line; logging never fails the daemon, so I/O errors are swallowed. */
    public synchronized void log(String message) {
        String line = TS.format(clock.instant().atZone(ZoneId.systemDefault())) + "  " + message + System.lineSeparator();
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file) && Files.size(file) + line.length() > limit) {
                rotate();
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                w.write(line);
            }
        } catch (IOException e) {
            // The log is best effort: a full disk must not stop syncing.
        }
    }

    private void rotate() throws IOException {
        for (int i = keep - 1; i >= 1; i--) {
            Path from = file.resolveSibling(file.getFileName() + "." + i);
            if (Files.exists(from)) {
                Files.move(from, file.resolveSibling(file.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
}
