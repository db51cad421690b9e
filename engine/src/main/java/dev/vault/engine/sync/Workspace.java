package dev.vault.engine.sync;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.config.ConfigFile;
import dev.vault.engine.config.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A folder kept in sync: a normal Git repository whose vault settings (computer name, hub, branch,
 * size limit, extra ignores) live in {@code .git/vault/config}.
 */
public final class Workspace implements AutoCloseable {
    public static final long DEFAULT_MAX_FILE_SIZE = 100L * 1024 * 1024;
    static final String CONFIG_HEADER = "vault workspace settings (see docs/SYNC.md); edit with care";

    private final Path root;
    private final Repository repo;
    private final ConfigFile config;

    private Workspace(Path root, Repository repo, ConfigFile config) {
        this.root = root;
        this.repo = repo;
        this.config = config;
    }

    /** The workspace containing {@code start} (or {@code start} itself), as git finds its repository. */
    public static Workspace find(Path start) {
        Path abs = start.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".git").resolve("vault").resolve("config"))) {
                return open(p);
            }
        }
        if (!Files.exists(abs)) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "workspace folder " + abs
                    + " does not exist (is its drive unplugged or was it moved?); check the path");
        }
        throw new VaultException(ExitCodes.NO_REPOSITORY, "no vault workspace at or above " + abs
                + "; run 'vault init' or 'vault join' first, or pick one with -C <dir>");
    }

    /** Opens the workspace whose root is {@code root}. */
    public static Workspace open(Path root) {
        GitIsolation.install();
        Path abs = root.toAbsolutePath().normalize();
        Path cfg = abs.resolve(".git").resolve("vault").resolve("config");
        if (!Files.isRegularFile(cfg)) {
            throw new VaultException(ExitCodes.NO_REPOSITORY, "no vault workspace at " + abs
                    + "; run 'vault init' or 'vault join' first");
        }
        ConfigFile config = ConfigFile.load(cfg, CONFIG_HEADER);
        try {
            Repository repo = new FileRepositoryBuilder().setGitDir(abs.resolve(".git").toFile())
                    .setWorkTree(abs.toFile()).setMustExist(true).build();
            Workspace ws = new Workspace(abs, repo, config);
            ws.maxFileSize(); // validate early so a bad value names its line before any work
            return ws;
        } catch (IOException e) {
            throw new VaultException("cannot open the Git repository of workspace " + abs + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code root} a workspace: a Git repository (created if absent) plus vault's config. */
    public static Workspace create(Path root, String hub, String computer, String branch) {
        GitIsolation.install();
        Path abs = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
            if (Files.isRegularFile(abs.resolve(".git").resolve("vault").resolve("config"))) {
                throw new VaultException("folder " + abs + " is already a vault workspace; use 'vault sync -C " + abs + "'");
            }
            Path gitDir = abs.resolve(".git");
            Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setWorkTree(abs.toFile()).build();
            if (!Files.isDirectory(gitDir)) {
                repo.create(false);
                org.eclipse.jgit.lib.RefUpdate ru = repo.updateRef("HEAD");
                ru.disableRefLog();
                ru.link("refs/heads/" + branch);
            }
            ConfigFile cf = ConfigFile.empty(gitDir.resolve("vault").resolve("config"), CONFIG_HEADER);
            cf.section("workspace", null)
                    .set("computer", computer)
                    .set("hub", hub)
                    .set("branch", branch)
                    .set("max-file-size", "100MiB");
            cf.save();
            Workspace ws = new Workspace(abs, repo, cf);
            ws.applyGitSettings();
            return ws;
        } catch (IOException e) {
            throw new VaultException("cannot create workspace " + abs + ": " + e.getMessage(), e);
        }
    }

    /** Sets the per-repository Git settings vault relies on (idempotent). */
    void applyGitSettings() throws IOException {
        StoredConfig c = repo.getConfig();
        boolean changed = false;
        changed |= set(c, "gc", "auto", "0");
        changed |= set(c, "gc", "autoDetach", "false");
        changed |= set(c, "gc", "autoPackLimit", "0");
        changed |= set(c, "core", "autocrlf", "false");
        changed |= set(c, "core", "safecrlf", "false");
        changed |= set(c, "fetch", "autogc", "false");
        changed |= set(c, "maintenance", "auto", "false");
        changed |= set(c, "user", "name", computer());
        changed |= set(c, "user", "email", computer() + "@vault");
        if (changed) {
            c.save();
        }
        Ignores.writeExcludeFile(repo.getDirectory().toPath(), extraIgnores());
        writeInfoAttributes(repo.getDirectory().toPath());
    }

    /**
     * What {@code .git/info/attributes} must say: it outranks every {@code .gitattributes}, so no
     * line-ending, filter or keyword conversion ever applies, for JGit and for C git used in the
     * workspace alike. vault syncs bytes exactly.
     */
    static final String INFO_ATTRIBUTES = "# written by vault on every sync: vault syncs bytes exactly, whatever .gitattributes says\n"
            + "* -text -crlf -eol -filter -ident -working-tree-encoding\n";

    private static void writeInfoAttributes(Path gitDir) throws IOException {
        Path f = gitDir.resolve("info").resolve("attributes");
        if (Files.isRegularFile(f) && Files.readString(f, java.nio.charset.StandardCharsets.UTF_8).equals(INFO_ATTRIBUTES)) {
            return;
        }
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling("attributes.vault-tmp");
        Files.writeString(tmp, INFO_ATTRIBUTES, java.nio.charset.StandardCharsets.UTF_8);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean set(StoredConfig c, String section, String key, String value) {
        if (value.equals(c.getString(section, null, key))) {
            return false;
        }
        c.setString(section, null, key, value);
        return true;
    }

    public Path root() {
        return root;
    }

    public Repository repository() {
        return repo;
    }

    public Path gitDir() {
        return repo.getDirectory().toPath();
    }

    /** {@code .git/vault}: vault's own state (config, status.json, lock, temporary files). */
    public Path vaultDir() {
        return gitDir().resolve("vault");
    }

    public ConfigFile config() {
        return config;
    }

    private ConfigFile.Section section() {
        return config.section("workspace", null);
    }

    public String computer() {
        return section().getString("computer", "computer");
    }

    /** The hub; a hand-edited URL with a password in it is refused (naming the line), never used or shown. */
    public String hub() {
        String hub = section().typed("hub", null, h -> {
            if (Hub.hasPassword(h)) {
                throw new IllegalArgumentException("the URL holds a password; remove it (keep the password in your git"
                        + " credential helper or ~/.netrc)");
            }
            return h;
        });
        if (hub == null) {
            throw new VaultException(config.path() + ": workspace.hub is missing; add 'hub = <path or URL>' under [workspace]");
        }
        return hub;
    }

    public String branch() {
        return section().getString("branch", "main");
    }

    public long maxFileSize() {
        return section().getSize("max-file-size", DEFAULT_MAX_FILE_SIZE);
    }

    /** Extra ignore patterns from the comma-separated {@code ignore} key. */
    public List<String> extraIgnores() {
        List<String> out = new ArrayList<>();
        for (String p : section().getString("ignore", "").split(",")) {
            if (!p.isBlank()) {
                out.add(p.strip());
            }
        }
        return out;
    }

    @Override
    public void close() {
        repo.close();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
