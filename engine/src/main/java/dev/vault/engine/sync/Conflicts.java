package dev.vault.engine.sync;

import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;

/** Open conflicts of a workspace (its conflict copies) and resolving one by keeping mine, theirs or both. */
public final class Conflicts {
    /** Which version {@code resolve} keeps. */
    public enum Keep {
        /** The conflict copy's content replaces the original; the copy is removed. */
        MINE,
        /** The original stays; the copy is removed. */
        THEIRS,
        /** Both stay: the copy is renamed to a normal name and no longer counts as a conflict. */
        BOTH
    }

    private Conflicts() {
    }

    /** Conflict copies present in the workspace (tracked or waiting to be committed), sorted. */
    public static List<String> list(Workspace ws) throws IOException {
        List<String> out = new ArrayList<>();
        DirCache dc = DirCache.read(ws.repository());
        for (int i = 0; i < dc.getEntryCount(); i++) {
            DirCacheEntry e = dc.getEntry(i);
            if (e.getStage() == 0 && ConflictCopies.isConflictCopy(e.getPathString())
                    && Files.exists(resolve(ws, e.getPathString()), LinkOption.NOFOLLOW_LINKS)) {
                out.add(e.getPathString());
            }
        }
        out.sort(null);
        return out;
    }

    static Path resolve(Workspace ws, String rel) {
        Path p = ws.root();
        for (String part : rel.split("/")) {
            p = p.resolve(part);
        }
        return p;
    }

    /** What {@code resolve} did, as workspace-relative paths. */
    public static final class Resolution {
        public final String original;
        public final String copy;
        public final Keep keep;
        /** For BOTH: the copy's new name. */
        public final String renamedTo;

        Resolution(String original, String copy, Keep keep, String renamedTo) {
            this.original = original;
            this.copy = copy;
            this.keep = keep;
            this.renamedTo = renamedTo;
        }
    }

    /**
     * Resolves the conflict named by {@code file} (the copy, or the original when it has exactly one
     * copy) by changing files in the workspace; the next sync sends the result to the hub.
     */
    public static Resolution resolve(Workspace ws, Path file, Keep keep) throws IOException {
        Path abs = file.isAbsolute() ? file.normalize() : ws.root().resolve(file).normalize();
        if (!abs.startsWith(ws.root())) {
            abs = file.toAbsolutePath().normalize();
        }
        if (!abs.startsWith(ws.root())) {
            throw new VaultException("file " + file + " is not inside workspace " + ws.root() + "; give a path inside it");
        }
        String rel = ws.root().relativize(abs).toString().replace('\\', '/');
        String copy;
        Optional<ConflictCopies.Parsed> parsed = ConflictCopies.parse(rel);
        if (parsed.isPresent()) {
            copy = rel;
        } else {
            List<String> copies = new ArrayList<>();
            for (String c : list(ws)) {
                if (ConflictCopies.parse(c).get().original.equals(rel)) {
                    copies.add(c);
                }
            }
            if (copies.isEmpty()) {
                throw new VaultException("file " + rel + " in " + ws.root() + " has no open conflict; 'vault conflicts' lists them");
            }
            if (copies.size() > 1) {
                throw new VaultException("file " + rel + " has " + copies.size() + " conflict copies (" + String.join(", ", copies)
                        + "); name the copy you mean");
            }
            copy = copies.get(0);
            parsed = ConflictCopies.parse(copy);
        }
        Path copyPath = resolve(ws, copy);
        if (!Files.exists(copyPath, LinkOption.NOFOLLOW_LINKS)) {
            throw new VaultException("conflict copy " + copy + " does not exist in " + ws.root() + "; 'vault conflicts' lists the open ones");
        }
        String original = parsed.get().original;
        Path originalPath = resolve(ws, original);
        switch (keep) {
            case MINE:
                Files.createDirectories(originalPath.getParent());
                Files.move(copyPath, originalPath, StandardCopyOption.REPLACE_EXISTING);
                return new Resolution(original, copy, keep, null);
            case THEIRS:
                Files.delete(copyPath);
                return new Resolution(original, copy, keep, null);
            default:
                String target = keptName(ws, original, parsed.get().computer);
                Files.move(copyPath, resolve(ws, target));
                return new Resolution(original, copy, keep, target);
        }
    }

    private static String keptName(Workspace ws, String original, String computer) {
        int slash = original.lastIndexOf('/');
        String dir = original.substring(0, slash + 1);
        String name = original.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        HashSet<String> seen = new HashSet<>();
        String candidate = dir + stem + " (" + computer.toLowerCase(Locale.ROOT) + ")" + ext;
        for (int n = 2; Files.exists(resolve(ws, candidate), LinkOption.NOFOLLOW_LINKS) && seen.add(candidate); n++) {
            candidate = dir + stem + " (" + computer.toLowerCase(Locale.ROOT) + " " + n + ")" + ext;
        }
        return candidate;
    }
}
