package dev.vault.cli;

import dev.vault.engine.sync.Workspace;
import dev.vault.engine.sync.WorkspaceLock;
import java.nio.file.Path;

/** Test helper run as a child process: takes a workspace's lock, says so, and holds it until killed. */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        try (Workspace ws = Workspace.open(Path.of(args[0])); WorkspaceLock lock = WorkspaceLock.acquire(ws)) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
