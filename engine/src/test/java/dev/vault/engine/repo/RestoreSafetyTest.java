package dev.vault.engine.repo;

import static dev.vault.engine.repo.BackupRestoreTest.init;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.engine.repo.pack.BlobId;
import dev.vault.engine.repo.pack.BlobType;
import dev.vault.engine.repo.snapshot.Node;
import dev.vault.engine.repo.snapshot.Snapshot;
import dev.vault.engine.repo.snapshot.Tree;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.InMemoryStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A malicious or damaged snapshot can never make restore write outside --to, follow a symlink, or create devices. */
class RestoreSafetyTest {
    @TempDir
    Path tmp;
    Path outside;
    Path out;
    Repository repo;
    BlobUploader up;
    String evil;

    @BeforeEach
    void setUp() throws IOException {
        outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("victim.txt"), "original");
        out = tmp.resolve("out");
        repo = init(new InMemoryStorage(), true);
        up = new BlobUploader(repo, repo.index(), 1, 1 << 20);
        evil = save(BlobType.DATA, "evil".getBytes(StandardCharsets.UTF_8));
    }

    String save(BlobType type, byte[] data) throws IOException {
        BlobId id = new BlobId(repo.crypto().id(data, 0, data.length));
        up.save(type, id, data);
        return id.hex();
    }

    Node file(String name) {
        Node n = new Node();
        n.name = name;
        n.type = Node.FILE;
        n.size = 4;
        n.mode = 0644;
        n.content = List.of(evil);
        return n;
    }

    Node dir(String name, Node... children) throws IOException {
        Tree t = new Tree();
        t.nodes.addAll(List.of(children));
        Node n = new Node();
        n.name = name;
        n.type = Node.DIR;
        n.mode = 0755;
        n.subtree = save(BlobType.TREE, Repository.treeBytes(t));
        return n;
    }

    Node symlink(String name, String target) {
        Node n = new Node();
        n.name = name;
        n.type = Node.SYMLINK;
        n.target = target;
        return n;
    }

    Restore.Result restoreSnapshot(Node... rootNodes) throws IOException {
        Tree root = new Tree();
        root.nodes.addAll(List.of(rootNodes));
        String rootId = save(BlobType.TREE, Repository.treeBytes(root));
        up.finish();
        up.close();
        Snapshot s = new Snapshot();
        s.time = Instant.now().toString();
        s.host = "attacker";
        s.tree = rootId;
        repo.writeDocument(FileType.SNAPSHOT, s);
        Restore.Options o = new Restore.Options();
        o.target = out;
        return Restore.run(repo, o);
    }

    void assertOutsideUntouched() throws IOException {
        assertEquals("original", Files.readString(outside.resolve("victim.txt")));
        try (var s = Files.list(outside)) {
            assertEquals(List.of("victim.txt"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("out", "outside"), s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    @Test
    void namesThatCouldEscapeAreRefusedAndTheRestIsRestored() throws IOException {
        Restore.Result r = restoreSnapshot(file(".."), file("."), file("../outside/victim.txt"), file("/etc/evil"),
                file("a\\..\\..\\x"), file("nul\0byte"), file("C:evil"), file(""), file("ok.txt"),
                dir("..", file("victim.txt")), dir("sub", file("..")));
        boolean windows = java.io.File.separatorChar == '\\';
        assertEquals(windows ? 10 : 8, r.errors.size(), r.errors.toString());
        if (!windows) {
            // ordinary characters off Windows: restored under their literal names, inside --to
            assertEquals("evil", Files.readString(out.resolve("a\\..\\..\\x")));
            assertEquals("evil", Files.readString(out.resolve("C:evil")));
        }
        assertTrue(r.errors.stream().allMatch(e -> e.contains("unsafe name")), r.errors.toString());
        assertEquals("evil", Files.readString(out.resolve("ok.txt")));
        assertTrue(Files.isDirectory(out.resolve("sub")));
        assertOutsideUntouched();
    }

    @Test
    void windowsSeparatorsAndDriveLettersAreRefusedOnWindows() {
        for (String bad : new String[] {"a\\b", "..\\x", "C:evil", "file:stream"}) {
            assertFalse(Restore.safeName(bad, true), bad);
            assertTrue(Restore.safeName(bad, false), bad);
        }
        for (String bad : new String[] {"", ".", "..", "a/b", "/abs", "nul\0"}) {
            assertFalse(Restore.safeName(bad, false), bad);
        }
        assertTrue(Restore.safeName("10:30 notes.txt", false));
    }

    @Test
    void symlinkFollowedByAFileThroughItIsNotFollowed() throws IOException {
        Restore.Result r = restoreSnapshot(symlink("link", outside.toString()), dir("link", file("victim.txt")));
        assertEquals(1, r.errors.size(), r.errors.toString());
        assertTrue(r.errors.get(0).contains("appears twice"), r.errors.toString());
        assertOutsideUntouched();
        assertTrue(Files.isSymbolicLink(out.resolve("link")));
    }

    @Test
    void symlinksAlreadyAtTheDestinationAreReplacedNotFollowed() throws IOException {
        Files.createDirectories(out);
        Files.createSymbolicLink(out.resolve("d"), outside);
        Files.createSymbolicLink(out.resolve("ok.txt"), outside.resolve("victim.txt"));
        Restore.Result r = restoreSnapshot(dir("d", file("victim.txt")), file("ok.txt"));
        assertEquals(List.of(), r.errors);
        assertOutsideUntouched();
        assertTrue(Files.isDirectory(out.resolve("d"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(out.resolve("ok.txt"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("evil", Files.readString(out.resolve("d/victim.txt")));
    }

    @Test
    void devicesAndUnknownTypesAreNeverCreated() throws IOException {
        Node dev = file("sda");
        dev.type = "chardev";
        Node fifo = file("pipe");
        fifo.type = "fifo";
        Restore.Result r = restoreSnapshot(dev, fifo, file("ok.txt"));
        assertEquals(2, r.errors.size(), r.errors.toString());
        assertFalse(Files.exists(out.resolve("sda"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(out.resolve("pipe"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(out.resolve("ok.txt")));
    }
}
