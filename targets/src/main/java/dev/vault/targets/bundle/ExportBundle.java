package dev.vault.targets.bundle;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Writes a bundle file from some content (a folder, or a snapshot once a repository is wired in):
 * to a temporary name beside the destination, synced, then renamed, so a failed export never leaves
 * a half bundle under the final name.
 */
public final class ExportBundle {
    /** Something that can put its files into a bundle. */
    @FunctionalInterface
    public interface Content {
        /** Adds every entry; returns the names of entries left out (e.g. device files). */
        List<String> writeTo(BundleWriter w) throws IOException;
    }

    /**
     * @param to the bundle file to create (must not exist unless {@code overwrite})
     * @param password null for an unencrypted bundle
     */
    public record Options(Path to, char[] password, boolean overwrite) {
    }

    /** What was written. */
    public record Result(Path bundle, long files, long contentBytes, long bundleBytes, boolean encrypted,
            List<String> skipped) {
    }

    /** A folder's content (not following symlinks); the bundle file itself is left out if it lies inside. */
    public static Content folder(Path root, Path bundleFile) {
        Path b = bundleFile.toAbsolutePath().normalize();
        String tmpPrefix = "." + b.getFileName() + ".tmp-";
        return w -> w.addTree(root.toAbsolutePath().normalize(), p -> p.equals(b)
                || (b.getParent().equals(p.getParent()) && p.getFileName().toString().startsWith(tmpPrefix)));
    }

    public Result call(Content content, Options o) {
        Path to = o.to().toAbsolutePath().normalize();
        if (Files.isDirectory(to)) {
            throw new VaultException(ExitCodes.USAGE, to + " is a folder; give the bundle's file name, e.g. "
                    + to.resolve("export.vaultbundle"));
        }
        if (Files.exists(to) && !o.overwrite()) {
            throw new VaultException(ExitCodes.USAGE, to + " already exists; choose another name or remove it first");
        }
        Path parent = to.getParent();
        Path tmp = parent.resolve("." + to.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
        boolean done = false;
        try {
            Files.createDirectories(parent);
            List<String> skipped;
            long files;
            long bytes;
            long size;
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    BundleWriter w = BundleWriter.open(out, o.password())) {
                skipped = content.writeTo(w);
                w.close();
                files = w.files();
                bytes = w.contentBytes();
                size = w.bundleBytes();
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return new Result(to, files, bytes, size, o.password() != null, skipped);
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "cannot write bundle " + to + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // best effort: the temporary name starts with '.' and says what it is
                }
            }
        }
    }
}
