package dev.vault.targets.bundle;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Restores a bundle into a destination folder with the same safety rules as any restore: nothing is
 * written outside the destination (absolute names, {@code ..}, NUL, paths through symlinks), symlinks
 * are recreated without being followed and only after every file, device files and hard links are
 * skipped, each file goes to a temporary name and is renamed into place. A wrong password stops it
 * before the destination is created.
 */
public final class RestoreBundle {
    /**
     * What to restore where.
     *
     * @param bundle the bundle file
     * @param destination a folder that does not exist yet or is empty
     * @param password asked for only if the bundle is encrypted (returns null if none was given)
     */
    public record Options(Path bundle, Path destination, Supplier<char[]> password) {
    }

    /**
     * What was restored; {@code warnings} name every entry that was skipped and why.
     */
    public record Result(long files, long directories, long symlinks, long bytes, List<String> warnings) {
        public int exitCode() {
            return warnings.isEmpty() ? ExitCodes.OK : ExitCodes.WARNINGS;
        }
    }

    private static final boolean WINDOWS = File.separatorChar == '\\';

    public Result call(Options o) {
        Path bundle = o.bundle();
        if (!Files.isRegularFile(bundle)) {
            throw new VaultException(ExitCodes.USAGE, "bundle " + bundle + " does not exist or is not a file");
        }
        Path dest = o.destination().toAbsolutePath().normalize();
        checkDestination(dest);
        try (InputStream in = Files.newInputStream(bundle);
                BundleReader r = BundleReader.open(in, bundle.toString(), o.password())) {
            // header and password are good: only now touch the destination
            Files.createDirectories(dest);
            Path root = dest.toRealPath();
            return new Run(root, bundle).run(r);
        } catch (IOException e) {
            throw new VaultException(ExitCodes.FAILURE, "cannot restore bundle " + bundle + ": " + e.getMessage()
                    + "; the bundle is damaged or truncated (files restored so far are in " + dest + ")", e);
        }
    }

    private static void checkDestination(Path dest) {
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dest)) {
                throw new VaultException(ExitCodes.USAGE, dest + " exists and is not a folder; restore into a new or empty folder");
            }
            try (var s = Files.list(dest)) {
                if (s.findAny().isPresent()) {
                    throw new VaultException(ExitCodes.USAGE, dest + " is not empty; restore into a new or empty folder"
                            + " so nothing there is overwritten");
                }
            } catch (IOException e) {
                throw new VaultException("cannot read " + dest + ": " + e.getMessage(), e);
            }
        }
    }

    /** One restore's working state. */
    private static final class Run {
        private final Path root;
        private final Path bundle;
        private final List<String> warnings = new ArrayList<>();
        private final List<String[]> symlinks = new ArrayList<>();
        private final List<Object[]> dirTimes = new ArrayList<>();
        private long files;
        private long dirs;
        private long links;
        private long bytes;

        Run(Path root, Path bundle) {
            this.root = root;
            this.bundle = bundle;
        }

        Result run(BundleReader r) throws IOException {
            TarArchiveEntry e;
            while ((e = r.next()) != null) {
                String name = e.getName();
                Path p = safePath(name);
                if (p == null) {
                    continue;
                }
                if (e.isDirectory()) {
                    directory(p, name, e);
                } else if (e.isSymbolicLink()) {
                    symlinks.add(new String[] {name, e.getLinkName()});
                } else if (e.isLink()) {
                    warn(name, "hard links are not restored");
                } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                    warn(name, "device files and pipes are never restored");
                } else if (e.isFile() && !e.isSparse()) {
                    file(p, name, e, r.content());
                } else {
                    warn(name, "entry type '" + (char) e.getLinkFlag() + "' is not restored");
                }
            }
            r.verifyEnd();
            for (String[] s : symlinks) {
                symlink(s[0], s[1]);
            }
            // directories last, deepest first, so writing their contents does not change their mtimes again
            for (int i = dirTimes.size() - 1; i >= 0; i--) {
                Path d = (Path) dirTimes.get(i)[0];
                try {
                    Files.setLastModifiedTime(d, (FileTime) dirTimes.get(i)[1]);
                    setMode(d, (Integer) dirTimes.get(i)[2]);
                } catch (IOException ex) {
                    warn(root.relativize(d).toString(), "cannot set its time or permissions: " + ex.getMessage());
                }
            }
            return new Result(files, dirs, links, bytes, List.copyOf(warnings));
        }

        private void warn(String name, String why) {
            warnings.add(printable(name) + ": " + why);
        }

        /** The path for {@code name} inside the destination, or null (with a warning) if it is unsafe. */
        private Path safePath(String name) {
            if (name.indexOf('\0') >= 0) {
                warn(name, "the name contains a NUL character; skipped");
                return null;
            }
            String n = name;
            while (n.endsWith("/")) {
                n = n.substring(0, n.length() - 1);
            }
            if (n.startsWith("/") || (WINDOWS && (n.contains("\\") || n.contains(":")))) {
                warn(name, "absolute names are never restored");
                return null;
            }
            Path p = root;
            boolean any = false;
            for (String part : n.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    warn(name, "names with '..' are never restored");
                    return null;
                }
                try {
                    p = p.resolve(part);
                } catch (InvalidPathException ex) {
                    warn(name, "this name cannot be used on this computer (" + ex.getReason() + ")");
                    return null;
                }
                any = true;
            }
            if (!any || !p.normalize().startsWith(root) || p.normalize().equals(root)) {
                if (!any) {
                    return null; // "./" itself: the destination
                }
                warn(name, "it would land outside " + root);
                return null;
            }
            // no component between the destination and the entry may be a symlink (or a non-directory)
            Path q = root;
            for (Path part : root.relativize(p.getParent() == null ? root : p.getParent())) {
                q = q.resolve(part);
                if (Files.isSymbolicLink(q)) {
                    warn(name, "its folder " + root.relativize(q) + " is a symbolic link; never written through");
                    return null;
                }
            }
            return p;
        }

        private void directory(Path p, String name, TarArchiveEntry e) throws IOException {
            if (Files.isSymbolicLink(p) || (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                warn(name, "something that is not a folder is already there; skipped");
                return;
            }
            Files.createDirectories(p);
            dirs++;
            dirTimes.add(new Object[] {p, e.getLastModifiedTime(), e.getMode() & 0777});
        }

        private void file(Path p, String name, TarArchiveEntry e, InputStream content) throws IOException {
            Files.createDirectories(p.getParent());
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                warn(name, "a folder of that name is already there; skipped");
                return;
            }
            Path tmp = p.resolveSibling("." + p.getFileName() + ".vault-tmp-" + UUID.randomUUID().toString().substring(0, 8));
            boolean done = false;
            try {
                try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    bytes += content.transferTo(out);
                }
                Files.setLastModifiedTime(tmp, e.getLastModifiedTime());
                setMode(tmp, e.getMode() & 0777);
                // replaces an existing symlink itself, never the file it points to
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                done = true;
                files++;
            } finally {
                if (!done) {
                    Files.deleteIfExists(tmp);
                }
            }
        }

        private void symlink(String name, String target) {
            Path p = safePath(name); // checked again: earlier symlinks now exist
            if (p == null) {
                return;
            }
            if (target.indexOf('\0') >= 0) {
                warn(name, "the link target contains a NUL character; skipped");
                return;
            }
            try {
                Files.createDirectories(p.getParent());
                if (Files.isSymbolicLink(p)) {
                    Files.delete(p); // a later entry of the same name wins, as in tar
                } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    warn(name, "a file or folder of that name is already there; the link is not created");
                    return;
                }
                Files.createSymbolicLink(p, p.getFileSystem().getPath(target));
                links++;
            } catch (FileAlreadyExistsException | NoSuchFileException ex) {
                warn(name, "cannot create the symbolic link: " + ex.getMessage());
            } catch (IOException | UnsupportedOperationException | InvalidPathException | SecurityException ex) {
                warn(name, "cannot create the symbolic link here (" + ex.getMessage() + ")");
            }
        }

        private static void setMode(Path p, int mode) throws IOException {
            PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (v == null) {
                return;
            }
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission perm : PosixFilePermission.values()) {
                if ((mode & (1 << (8 - perm.ordinal()))) != 0) {
                    perms.add(perm);
                }
            }
            v.setPermissions(perms);
        }

        private static String printable(String name) {
            return name.replace("\0", "\\0");
        }
    }
}
