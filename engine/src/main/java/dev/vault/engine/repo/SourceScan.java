package dev.vault.engine.repo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * Lists the source folders (names sorted, attributes read without following links) on a thread of its
 * own, in exactly the order in which {@link Backup} walks them, so that the listing overlaps work the
 * backup must do first: deriving the key from the password (scrypt), loading the index and the parent
 * snapshot. In a backup where little changed, listing and stat-ing every entry is most of the work.
 *
 * <p>Listings are published in walk order. The backup takes each folder's listing when it reaches the
 * folder; both sides follow the same listings (the backup recurses into the sub-folders the scan
 * found), so the folder the backup asks for is the oldest published one or the next to come. Listings
 * before it are ones the backup will never ask for (a source that changed from folder to file in
 * between) and are dropped. The scan runs at most {@link #MAX_AHEAD} entries ahead, which bounds
 * memory on huge trees. When the scan has ended without listing a folder, the backup lists the folder
 * itself with the same {@link #list} code: the scan only ever saves time, whichever lists a folder.
 */
final class SourceScan implements AutoCloseable {
    /** Entries listed but not yet taken by the backup; ~200 bytes each. */
    static final int MAX_AHEAD = 100_000;

    /** One folder entry: its name, path and attributes (and ctime of a file, or null), or why they could not be read. */
    record Entry(String name, Path path, BasicFileAttributes attrs, Long ctime, IOException error) {
    }

    /** A folder's entries (sorted by name), or why the folder could not be listed. */
    record Listing(List<Entry> entries, IOException error) {
    }

    private record Published(Path dir, Listing listing) {
    }

    /** Published listings in walk order; guarded by {@code this}. */
    private final ArrayDeque<Published> ready = new ArrayDeque<>();
    private final int maxAhead;
    private final Semaphore ahead;
    private final BiPredicate<Path, String> excluded;
    private final Thread thread;
    private final Backup.Progress progress;
    private boolean done; // guarded by this

    /**
     * Starts listing {@code roots}: absolute, normalized folders, each with its path inside the snapshot
     * ("" for the snapshot's root). {@code excluded} is asked with each entry's path and its path inside
     * the snapshot ("a/b"); excluded entries are left out.
     */
    static SourceScan start(List<Map.Entry<Path, String>> roots, BiPredicate<Path, String> excluded, Backup.Progress progress) {
        return new SourceScan(roots, excluded, MAX_AHEAD, progress);
    }

    /**
     * {@code progress}, when not null, gets the regular files the scan lists (count and bytes) added to
     * its totals, and {@code scanDone} once every folder is listed: the totals of what will be backed
     * up (exclusions applied), without walking the sources a second time.
     */
    SourceScan(List<Map.Entry<Path, String>> roots, BiPredicate<Path, String> excluded, int maxAhead, Backup.Progress progress) {
        this.excluded = excluded;
        this.maxAhead = maxAhead;
        this.ahead = new Semaphore(maxAhead);
        this.progress = progress;
        this.thread = new Thread(() -> {
            try {
                for (Map.Entry<Path, String> r : roots) {
                    walk(r.getKey(), r.getValue());
                }
                if (progress != null) {
                    progress.scanDone = true;
                }
            } catch (InterruptedException e) {
                // stopped by close()
            } catch (RuntimeException | Error e) {
                // the backup lists by itself from here on
            } finally {
                synchronized (this) {
                    done = true;
                    notifyAll();
                }
            }
        }, "vault-source-scan");
        thread.setDaemon(true);
        thread.start();
    }

    private void walk(Path dir, String rel) throws InterruptedException {
        Listing l = list(dir, rel, excluded);
        if (progress != null) {
            for (Entry e : l.entries) {
                if (e.attrs != null && e.attrs.isRegularFile()) {
                    progress.filesTotal.incrementAndGet();
                    progress.bytesTotal.addAndGet(e.attrs.size());
                }
            }
        }
        ahead.acquire(permits(l));
        synchronized (this) {
            ready.addLast(new Published(dir, l));
            notifyAll();
        }
        for (Entry e : l.entries) {
            if (e.attrs != null && e.attrs.isDirectory()) {
                walk(e.path, rel.isEmpty() ? e.name : rel + "/" + e.name);
            }
        }
    }

    /** Lists one folder the way the backup needs it (also used directly when there is no scan). */
    static Listing list(Path dir, String rel, BiPredicate<Path, String> excluded) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                children.add(c);
            }
        } catch (IOException e) {
            return new Listing(List.of(), e);
        }
        children.sort(Comparator.comparing(c -> c.getFileName().toString()));
        List<Entry> out = new ArrayList<>(children.size());
        for (Path c : children) {
            String name = c.getFileName().toString();
            if (excluded.test(c, rel.isEmpty() ? name : rel + "/" + name)) {
                continue;
            }
            try {
                BasicFileAttributes a = attributes(c);
                out.add(new Entry(name, c, a, a.isRegularFile() ? ctime(c) : null, null));
            } catch (IOException e) {
                out.add(new Entry(name, c, null, null, e));
            }
        }
        return new Listing(out, null);
    }

    private static final boolean UNIX_VIEW = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    /**
     * The file's status-change time (ctime) in nanoseconds since the epoch where the system keeps one
     * (Linux, macOS: the JDK's "unix" attribute view), else null. Unlike the mtime, no program can set
     * it: any write or metadata change moves it forward.
     */
    static Long ctime(Path p) throws IOException {
        if (!UNIX_VIEW) {
            return null;
        }
        try {
            Object t = Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
            if (t instanceof java.nio.file.attribute.FileTime ft) {
                java.time.Instant i = ft.toInstant();
                return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
            }
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** POSIX attributes (with the permission bits) where the filesystem has them, else DOS ones. */
    static BasicFileAttributes attributes(Path p) throws IOException {
        if (Posix.SUPPORTED) {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        return Files.readAttributes(p, DosFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The listing of {@code dir} from the scan, waiting while the scan is still on its way to it; null
     * when the scan ended without listing it (the caller lists the folder itself).
     */
    synchronized Listing take(Path dir) throws InterruptedException {
        while (true) {
            Published p = ready.pollFirst();
            if (p != null) {
                ahead.release(permits(p.listing));
                if (p.dir.equals(dir)) {
                    return p.listing;
                }
                continue; // a folder the backup passed by: never asked for again
            }
            if (done) {
                return null;
            }
            wait();
        }
    }

    private int permits(Listing l) {
        return Math.min(maxAhead, Math.max(1, l.entries.size()));
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            ready.clear();
        }
    }
}
