package dev.vault.engine.config;

import dev.vault.engine.ExitCodes;
import dev.vault.engine.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vault's human-editable configuration file: {@code [section]} or {@code [section "name"]} headers,
 * {@code key = value} lines, {@code #} comments. Every value remembers its line, so a bad value is
 * reported as {@code file:line: key: what is wrong}. Saving rewrites the whole file atomically.
 */
public final class ConfigFile {
    private static final Pattern HEADER = Pattern.compile("\\[\\s*([A-Za-z0-9_.-]+)(?:\\s+\"((?:[^\"\\\\]|\\\\.)*)\")?\\s*]");
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*=\\s*(.*)");

    private final Path path;
    private final String header;
    private final Map<String, Section> sections = new LinkedHashMap<>();

    private ConfigFile(Path path, String header) {
        this.path = path;
        this.header = header;
    }

    /** An empty config that {@link #save()} will write to {@code path} with the given comment header. */
    public static ConfigFile empty(Path path, String header) {
        return new ConfigFile(path, header);
    }

    /** Reads {@code path}; a missing file gives an empty config. Syntax errors name the file and line. */
    public static ConfigFile load(Path path, String header) {
        ConfigFile cf = new ConfigFile(path, header);
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return cf;
        } catch (IOException e) {
            throw new VaultException("cannot read config file " + path + ": " + e.getMessage(), e);
        }
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                String name = h.group(2) == null ? null : h.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
                current = cf.section(h.group(1).toLowerCase(Locale.ROOT), name, true);
                continue;
            }
            Matcher e = ENTRY.matcher(line);
            if (!e.matches()) {
                throw bad(path, lineNo, "expected '[section]' or 'key = value', found '" + line + "'");
            }
            if (current == null) {
                throw bad(path, lineNo, "'" + e.group(1) + "' must come after a [section] header");
            }
            current.values.put(e.group(1).toLowerCase(Locale.ROOT), new Value(unquote(e.group(2).strip()), lineNo));
        }
        return cf;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    private static VaultException bad(Path path, int line, String what) {
        return new VaultException(ExitCodes.FAILURE,
                path + ":" + line + ": " + what + " (edit the file to fix it)");
    }

    public Path path() {
        return path;
    }

    /** The section {@code [kind "name"]} ({@code name} may be null), if present. */
    public Optional<Section> find(String kind, String name) {
        return Optional.ofNullable(sections.get(key(kind, name)));
    }

    /** The section, created empty if absent. */
    public Section section(String kind, String name) {
        return section(kind, name, true);
    }

    private Section section(String kind, String name, boolean create) {
        String k = key(kind, name);
        Section s = sections.get(k);
        if (s == null && create) {
            s = new Section(kind, name);
            sections.put(k, s);
        }
        return s;
    }

    /** All sections of one kind, in file order (e.g. every {@code [target "..."]}). */
    public List<Section> sections(String kind) {
        List<Section> out = new ArrayList<>();
        for (Section s : sections.values()) {
            if (s.kind.equals(kind)) {
                out.add(s);
            }
        }
        return out;
    }

    public boolean remove(String kind, String name) {
        return sections.remove(key(kind, name)) != null;
    }

    private static String key(String kind, String name) {
        return name == null ? kind : kind + "\u0000" + name;
    }

    /** Writes the file to a temporary name, fsyncs it and renames it over the old one. */
    public void save() {
        StringBuilder sb = new StringBuilder();
        for (String h : header.split("\n", -1)) {
            if (!h.isEmpty()) {
                sb.append("# ").append(h).append('\n');
            }
        }
        for (Section s : sections.values()) {
            sb.append('\n').append('[').append(s.kind);
            if (s.name != null) {
                sb.append(" \"").append(s.name.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            sb.append("]\n");
            for (Map.Entry<String, Value> e : s.values.entrySet()) {
                String v = e.getValue().text;
                boolean quote = v.isEmpty() || !v.equals(v.strip()) || v.startsWith("#") || v.startsWith("\"");
                sb.append("  ").append(e.getKey()).append(" = ")
                        .append(quote ? '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : v)
                        .append('\n');
            }
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new VaultException("cannot write config file " + path + ": " + e.getMessage(), e);
        }
    }

    /** A value and the line it came from (0 when set by vault and not yet saved). */
    public static final class Value {
        final String text;
        final int line;

        Value(String text, int line) {
            this.text = text;
            this.line = line;
        }
    }

    /** One {@code [kind "name"]} section with typed getters whose errors name the file, line and key. */
    public final class Section {
        private final String kind;
        private final String name;
        private final Map<String, Value> values = new LinkedHashMap<>();

        Section(String kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        public String kind() {
            return kind;
        }

        public String name() {
            return name;
        }

        public Optional<String> get(String key) {
            Value v = values.get(key.toLowerCase(Locale.ROOT));
            return v == null ? Optional.empty() : Optional.of(v.text);
        }

        public String getString(String key, String dflt) {
            return get(key).orElse(dflt);
        }

        public Duration getDuration(String key, Duration dflt) {
            return typed(key, dflt, Durations::parse);
        }

        public long getSize(String key, long dflt) {
            return typed(key, dflt, Sizes::parse);
        }

        public int getInt(String key, int dflt) {
            return typed(key, dflt, s -> {
                try {
                    return Integer.parseInt(s.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + s + "' is not a whole number");
                }
            });
        }

        public boolean getBoolean(String key, boolean dflt) {
            return typed(key, dflt, s -> {
                switch (s.strip().toLowerCase(Locale.ROOT)) {
                    case "true": case "yes": case "on": case "1": return true;
                    case "false": case "no": case "off": case "0": return false;
                    default: throw new IllegalArgumentException("'" + s + "' is not true or false");
                }
            });
        }

        /** Parses a value with {@code parser}; an IllegalArgumentException becomes an error naming file, line and key. */
        public <T> T typed(String key, T dflt, java.util.function.Function<String, T> parser) {
            Value v = values.get(key.toLowerCase(Locale.ROOT));
            if (v == null) {
                return dflt;
            }
            try {
                return parser.apply(v.text);
            } catch (IllegalArgumentException e) {
                throw bad(path, v.line, where() + key + ": " + e.getMessage());
            }
        }

        private String where() {
            return name == null ? kind + "." : kind + " \"" + name + "\".";
        }

        public Section set(String key, String value) {
            values.put(key.toLowerCase(Locale.ROOT), new Value(value, 0));
            return this;
        }

        public Section unset(String key) {
            values.remove(key.toLowerCase(Locale.ROOT));
            return this;
        }

        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            values.forEach((k, v) -> m.put(k, v.text));
            return m;
        }
    }
}
