package dev.vault.targets.bundle;

import com.github.luben.zstd.ZstdOutputStream;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes one bundle: header, then a POSIX tar (PAX headers for long and non-ASCII names and big
 * sizes) compressed with zstd and, with a password, encrypted with Tink's AES256_GCM_HKDF_4KB
 * streaming AEAD. Entry names are relative, '/'-separated paths; directories end with '/'.
 */
public final class BundleWriter implements Closeable {
    /** zstd level: level 3 is zstd's default and runs at ~400 MB/s here (PERF-NOTES.md). */
    static final int ZSTD_LEVEL = 3;
    /** Tink's AES256_GCM_HKDF_4KB parameters: HKDF-SHA256, 32-byte derived keys, 4 KiB segments. */
    static final String HKDF = "HmacSha256";
    static final int KEY_SIZE = 32;
    static final int SEGMENT = 4096;

    private final TarArchiveOutputStream tar;
    private final CountingOutputStream counted;
    private long files;
    private long bytes;
    private boolean closed;

    private BundleWriter(OutputStream out, char[] password) throws IOException {
        counted = new CountingOutputStream(out);
        OutputStream sink = counted;
        BundleHeader header;
        byte[] key = null;
        if (password == null) {
            header = BundleHeader.plain();
        } else {
            BundleHeader.Keyed k = BundleHeader.encrypted(password, new SecureRandom());
            header = k.header();
            key = k.streamKey();
        }
        byte[] hb = header.toBytes();
        sink.write(hb);
        if (key != null) {
            try {
                sink = new AesGcmHkdfStreaming(key, HKDF, KEY_SIZE, SEGMENT, 0).newEncryptingStream(sink, hb);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up bundle encryption: " + e.getMessage(), e);
            }
        }
        ZstdOutputStream z = new ZstdOutputStream(sink, ZSTD_LEVEL);
        z.setChecksum(true);
        tar = new TarArchiveOutputStream(new BufferedOutputStream(z, 1 << 16), "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    /** Starts a bundle on {@code out}; {@code password} null writes an unencrypted bundle. */
    public static BundleWriter open(OutputStream out, char[] password) throws IOException {
        return new BundleWriter(out, password);
    }

    public void addDirectory(String name, FileTime mtime, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        e.setMode(040000 | (mode & 07777));
        e.setLastModifiedTime(mtime);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** Adds a regular file of exactly {@code size} bytes read from {@code content}. */
    public void addFile(String name, long size, FileTime mtime, int mode, InputStream content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        e.setMode(0100000 | (mode & 07777));
        e.setSize(size);
        e.setLastModifiedTime(mtime);
        tar.putArchiveEntry(e);
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = content.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException(name + " became shorter while it was exported (" + (size - left) + " of " + size
                        + " bytes)");
            }
            tar.write(buf, 0, n);
            left -= n;
        }
        tar.closeArchiveEntry();
        files++;
        bytes += size;
    }

    public void addSymlink(String name, String target, FileTime mtime) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        e.setMode(0120777);
        e.setLastModifiedTime(mtime);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** Adds an entry exactly as given, with no content (tests write entries vault never writes). */
    void addRaw(TarArchiveEntry e) throws IOException {
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /**
     * Adds everything under {@code root} (not following symlinks), in sorted order, named relative to
     * {@code root}; {@code skip} picks absolute paths to leave out (e.g. the bundle file itself).
     * Other special files (devices, sockets) are left out and returned.
     */
    public List<String> addTree(Path root, Predicate<Path> skip) throws IOException {
        List<String> skipped = new ArrayList<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root, Integer.MAX_VALUE, new FileVisitOption[0])) {
            all = s.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path p : all) {
            Path rel = root.relativize(p);
            if (skip.test(p.toAbsolutePath().normalize())) {
                continue;
            }
            String name = slashed(rel);
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                addSymlink(name, Files.readSymbolicLink(p).toString(), a.lastModifiedTime());
            } else if (a.isDirectory()) {
                addDirectory(name, a.lastModifiedTime(), mode(p, 0755));
            } else if (a.isRegularFile()) {
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                    addFile(name, a.size(), a.lastModifiedTime(), mode(p, 0644), in);
                }
            } else {
                skipped.add(name);
            }
        }
        return skipped;
    }

    static String slashed(Path rel) {
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            sb.append(sb.length() == 0 ? "" : "/").append(part);
        }
        return sb.toString();
    }

    /** POSIX permission bits of {@code p}, or {@code dflt} where the filesystem has none (Windows). */
    static int mode(Path p, int dflt) {
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (v == null) {
            return dflt;
        }
        try {
            int m = 0;
            for (PosixFilePermission perm : v.readAttributes().permissions()) {
                m |= 1 << (8 - perm.ordinal());
            }
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return dflt;
        }
    }

    public long files() {
        return files;
    }

    public long contentBytes() {
        return bytes;
    }

    /** Bytes written to the underlying stream so far (the bundle's size once closed). */
    public long bundleBytes() {
        return counted.count;
    }

    /** Finishes the tar, the zstd frame and the encryption; closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        tar.finish();
        tar.close();
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
