package dev.vault.engine.repo;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import dev.vault.engine.repo.crypto.Hashes;
import dev.vault.engine.repo.crypto.KeyFile;
import dev.vault.engine.repo.crypto.MasterKey;
import dev.vault.engine.repo.storage.FileType;
import dev.vault.engine.repo.storage.Handle;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** Password management: each password is one key file wrapping the same master key, so no data is rewritten. */
public final class Keys {
    /** One key file as listed. */
    public record KeyInfo(String id, String host, String user, String created, boolean current) {
    }

    private Keys() {
    }

    private static MasterKey master(Repository repo) {
        if (!(repo.crypto() instanceof MasterKey)) {
            throw new VaultException(ExitCodes.FAILURE, "repository " + repo.location()
                    + " is not encrypted, so it has no passwords to manage.");
        }
        return (MasterKey) repo.crypto();
    }

    /** Adds a key file for {@code password}; returns its id. */
    public static String add(Repository repo, char[] password, KeyFile.KdfParams kdf) throws IOException {
        MasterKey key = master(repo);
        if (password == null || password.length == 0) {
            throw new VaultException(ExitCodes.USAGE, "the new password is empty; give a non-empty one.");
        }
        // a repository whose config carries a MAC gets version 2 key files, which require that MAC (see KeyFile)
        int version = repo.config().mac != null ? 2 : 1;
        byte[] kf = KeyFile.create(key, password, kdf, Hosts.hostName(), System.getProperty("user.name", ""), version);
        String id = Hashes.sha256Hex(kf);
        repo.storage().write(new Handle(FileType.KEY, id), kf);
        return id;
    }

    public static List<KeyInfo> list(Repository repo) throws IOException {
        master(repo);
        List<KeyInfo> out = new ArrayList<>();
        for (String k : repo.storage().list(FileType.KEY)) {
            try {
                KeyFile.Json j = KeyFile.parse(repo.storage().read(new Handle(FileType.KEY, k)));
                out.add(new KeyInfo(k, j.host, j.user, j.created, k.equals(repo.keyName())));
            } catch (GeneralSecurityException e) {
                out.add(new KeyInfo(k, "?", "?", "damaged key file", false));
            }
        }
        out.sort(java.util.Comparator.comparing(KeyInfo::created, java.util.Comparator.nullsFirst(String::compareTo)));
        return out;
    }

    /** Removes the key file whose id starts with {@code prefix}; refuses the key in use and the last one. */
    public static String remove(Repository repo, String prefix) throws IOException {
        master(repo);
        List<String> matches = new ArrayList<>();
        List<String> all = repo.storage().list(FileType.KEY);
        for (String k : all) {
            if (k.startsWith(prefix)) {
                matches.add(k);
            }
        }
        if (matches.size() != 1) {
            throw new VaultException(ExitCodes.USAGE, (matches.isEmpty() ? "no key '" : "more than one key matches '") + prefix
                    + "' in " + repo.location() + "; list them with 'vault key list'.");
        }
        String k = matches.get(0);
        if (k.equals(repo.keyName())) {
            throw new VaultException(ExitCodes.USAGE, "key " + k.substring(0, 8) + " is the one you opened the repository with; "
                    + "open it with another password to remove this one (or use 'vault key passwd').");
        }
        repo.storage().delete(new Handle(FileType.KEY, k));
        return k;
    }

    /** Replaces the current password: writes the new key file first, then removes the old one. */
    public static String changePassword(Repository repo, char[] newPassword, KeyFile.KdfParams kdf) throws IOException {
        String id = add(repo, newPassword, kdf);
        repo.storage().delete(new Handle(FileType.KEY, repo.keyName()));
        return id;
    }
}
