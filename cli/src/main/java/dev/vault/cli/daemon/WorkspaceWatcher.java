package dev.vault.cli.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches a workspace's folders (not {@code .git}) for changes and calls back on each batch. New
 * folders are watched as they appear; an overflow simply counts as a change, since the sync round
 * that follows looks at the whole tree anyway. On Windows the whole tree is watched through one
 * handle on the root (FILE_TREE), because a handle per folder would stop users renaming or
 * deleting those folders.
 */
public final class WorkspaceWatcher implements Closeable {
    private final Path root;
    private final Runnable onChange;
    private final WatchService service;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Thread thread;
    private boolean recursiveByOs;

    private static boolean fileTreeSupported() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
    }

    public WorkspaceWatcher(Path root, Runnable onChange) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.service = FileSystems.getDefault().newWatchService();
        if (fileTreeSupported()) {
            WatchKey key = this.root.register(service, new WatchEvent.Kind<?>[] {StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY},
                    com.sun.nio.file.ExtendedWatchEventModifier.FILE_TREE);
            keys.put(key, this.root);
            recursiveByOs = true;
        } else {
            registerTree(this.root);
        }
        this.thread = new Thread(this::loop, "vault-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void registerTree(Path start) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(root.resolve(".git"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
                synchronized (keys) {
                    keys.put(key, dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                // A folder removed or unreadable while we walk: skip it; the next round reports it.
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir;
            synchronized (keys) {
                dir = keys.get(key);
            }
            boolean relevant = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW || dir == null) {
                    relevant = true;
                    continue;
                }
                Path child = dir.resolve((Path) event.context());
                if (child.startsWith(root.resolve(".git"))) {
                    continue;
                }
                relevant = true;
                if (!recursiveByOs && event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                        && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        registerTree(child);
                    } catch (IOException e) {
                        // It vanished again; nothing to watch.
                    }
                }
            }
            if (!key.reset()) {
                synchronized (keys) {
                    keys.remove(key);
                }
            }
            if (relevant) {
                onChange.run();
            }
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
        thread.interrupt();
    }
}
