package dev.vault.engine.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code ~/.netrc} (or the file NETRC names) the way curl, and so C git, does. */
final class Netrc {
    /** One machine's login. */
    static final class Login {
        final String user;
        final char[] password;

        Login(String user, char[] password) {
            this.user = user;
            this.password = password;
        }
    }

    private Netrc() {
    }

    /** The login for {@code host} (or the {@code default} entry), or null when the file has none. */
    static Login find(Path file, String host, String wantedUser) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            boolean macro = false;
            for (String line : text.split("\r?\n", -1)) {
                if (macro) {
                    macro = !line.isBlank(); // a macro body ends at an empty line
                    continue;
                }
                String[] words = line.trim().split("\\s+");
                for (int i = 0; i < words.length; i++) {
                    if (words[i].isEmpty()) {
                        continue;
                    }
                    if (i == 0 && words[i].startsWith("#")) { // a comment line
                        break;
                    }
                    if (words[i].equals("macdef")) {
                        macro = true;
                        break;
                    }
                    tokens.add(words[i]);
                }
            }
        } catch (IOException e) {
            return null;
        }
        Login fallback = null;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (!t.equals("machine") && !t.equals("default")) {
                continue;
            }
            boolean isDefault = t.equals("default");
            String machine = isDefault ? null : (i + 1 < tokens.size() ? tokens.get(++i) : null);
            String login = null;
            String password = null;
            while (i + 1 < tokens.size() && !tokens.get(i + 1).equals("machine") && !tokens.get(i + 1).equals("default")) {
                String key = tokens.get(++i);
                String value = i + 1 < tokens.size() ? tokens.get(++i) : null;
                if (key.equals("login")) {
                    login = value;
                } else if (key.equals("password")) {
                    password = value;
                }
            }
            if (password == null || wantedUser != null && login != null && !wantedUser.equals(login)) {
                continue;
            }
            Login l = new Login(login != null ? login : wantedUser, password.toCharArray());
            if (isDefault) {
                fallback = fallback == null ? l : fallback;
            } else if (host.equalsIgnoreCase(machine)) {
                return l;
            }
        }
        return fallback;
    }
}
