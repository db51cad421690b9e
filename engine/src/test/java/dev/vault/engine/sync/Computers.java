package dev.vault.engine.sync;

import dev.vault.fixtures.BareHubs;
import dev.vault.fixtures.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** A hub plus several computers' workspaces in a temp dir, for engine tests. */
final class Computers {
    final Path dir;
    final Path hub;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));

    Computers(Path dir) {
        this.dir = dir;
        this.hub = BareHubs.create(dir.resolve("hub.git"), "main");
    }

    /** A new computer joined to the hub. */
    Computer join(String name) {
        SyncEngine.Options o = new SyncEngine.Options().clock(clock);
        WorkspaceSetup.Result r = WorkspaceSetup.join(hub.toString(), dir.resolve(name), name, o);
        return new Computer(r.workspace, clock);
    }

    static final class Computer {
        final Workspace ws;
        final MutableClock clock;

        Computer(Workspace ws, MutableClock clock) {
            this.ws = ws;
            this.clock = clock;
        }

        Path root() {
            return ws.root();
        }

        Path path(String rel) {
            return ws.root().resolve(rel);
        }

        SyncResult sync() {
            clock.advance(java.time.Duration.ofSeconds(7));
            return new SyncEngine(ws, new SyncEngine.Options().clock(clock)).run();
        }

        SyncResult sync(SyncEngine.Options o) {
            clock.advance(java.time.Duration.ofSeconds(7));
            return new SyncEngine(ws, o.clock(clock)).run();
        }

        void write(String rel, String text) {
            write(rel, text.getBytes(StandardCharsets.UTF_8));
        }

        void write(String rel, byte[] data) {
            try {
                Path p = path(rel);
                Files.createDirectories(p.getParent());
                Files.write(p, data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String read(String rel) {
            try {
                return Files.readString(path(rel), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void delete(String rel) {
            try {
                Files.delete(path(rel));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void rename(String from, String to) {
            try {
                Files.createDirectories(path(to).getParent());
                Files.move(path(from), path(to));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
