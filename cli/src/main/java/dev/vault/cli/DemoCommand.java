package dev.vault.cli;

import dev.vault.engine.sync.SyncEngine;
import dev.vault.engine.sync.SyncResult;
import dev.vault.engine.sync.TreeMerger;
import dev.vault.engine.sync.Workspace;
import dev.vault.engine.sync.WorkspaceSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vault demo}: a short guided tour in a fresh temporary folder. The tour is a list of
 * {@link DemoStep}s, so other capabilities (backup, targets) can append their own steps.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a short tour in a fresh temporary folder: a hub and two computers, a change that travels, a conflict where both versions are kept.")
public final class DemoCommand extends BaseCommand {
    @Option(names = "--dir", paramLabel = "<dir>", description = "Folder for the demo (default: a new temporary folder).")
    Path dir;

    /** One step of the tour: a title and what it does, printed as a few plain lines. */
    public interface DemoStep {
        String title();

        void run(DemoContext ctx, PrintWriter out) throws IOException;
    }

    /** What the steps share: the demo folder, the hub and the computers' workspaces by name. */
    public static final class DemoContext {
        public final Path root;
        public final Path hub;
        public final Map<String, Workspace> computers = new LinkedHashMap<>();
        /** Lines for the closing "where everything is" list. */
        public final Map<String, String> places = new LinkedHashMap<>();

        DemoContext(Path root) {
            this.root = root;
            this.hub = root.resolve("hub.git");
        }

        public Workspace computer(String name) {
            return computers.get(name);
        }

        public SyncResult sync(String name) {
            return new SyncEngine(computer(name), new SyncEngine.Options()).run();
        }

        public void write(String computer, String file, String text) throws IOException {
            Path p = computer(computer).root().resolve(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
        }

        public String read(String computer, String file) throws IOException {
            return Files.readString(computer(computer).root().resolve(file), StandardCharsets.UTF_8);
        }
    }

    /** The tour, in order. Capabilities that come later add their steps to this list. */
    public static List<DemoStep> steps() {
        List<DemoStep> steps = new ArrayList<>();
        steps.add(step("Set up a hub and two computers, \"laptop\" and \"desktop\"", (ctx, out) -> {
            Path laptop = ctx.root.resolve("laptop");
            Files.createDirectories(laptop);
            Files.writeString(laptop.resolve("notes.txt"), "Shopping: bread\n", StandardCharsets.UTF_8);
            WorkspaceSetup.Result l = WorkspaceSetup.init(laptop, ctx.hub.toString(), "laptop", new SyncEngine.Options());
            ctx.computers.put("laptop", l.workspace);
            out.println("  vault init laptop --hub hub.git    -> " + l.sync.summary());
            WorkspaceSetup.Result d = WorkspaceSetup.join(ctx.hub.toString(), ctx.root.resolve("desktop"), "desktop", new SyncEngine.Options());
            ctx.computers.put("desktop", d.workspace);
            out.println("  vault join hub.git desktop         -> " + d.sync.summary());
            out.println("  desktop/notes.txt: " + ctx.read("desktop", "notes.txt").strip());
        }));
        steps.add(step("Edit on the laptop and sync", (ctx, out) -> {
            ctx.write("laptop", "notes.txt", "Shopping: bread, milk\n");
            ctx.write("laptop", "plans/trip.md", "# Trip\nLeave Friday.\n");
            out.println("  laptop: changed notes.txt, created plans/trip.md");
            out.println("  vault sync (laptop)                -> " + ctx.sync("laptop").summary());
        }));
        steps.add(step("The change arrives on the desktop", (ctx, out) -> {
            out.println("  vault sync (desktop)               -> " + ctx.sync("desktop").summary());
            out.println("  desktop/notes.txt: " + ctx.read("desktop", "notes.txt").strip());
            out.println("  desktop/plans/trip.md: " + ctx.read("desktop", "plans/trip.md").lines().skip(1).findFirst().orElse(""));
        }));
        steps.add(step("Both computers edit the same line before syncing", (ctx, out) -> {
            ctx.write("laptop", "notes.txt", "Shopping: bread, milk, eggs\n");
            ctx.write("desktop", "notes.txt", "Shopping: bread, milk, coffee\n");
            out.println("  laptop adds eggs, desktop adds coffee");
            out.println("  vault sync (laptop)                -> " + ctx.sync("laptop").summary());
            SyncResult d = ctx.sync("desktop");
            out.println("  vault sync (desktop)               -> " + d.summary());
            for (TreeMerger.Conflict c : d.conflicts) {
                out.println("  " + c.path + " keeps the hub's version: " + ctx.read("desktop", c.path).strip());
                out.println("  " + c.copy + " keeps desktop's: " + ctx.read("desktop", c.copy).strip());
            }
            out.println("  vault sync (laptop)                -> " + ctx.sync("laptop").summary());
            out.println("  Nothing was lost: both versions are on both computers until you resolve it");
            out.println("  (vault conflicts resolve notes.txt --keep mine|theirs|both).");
        }));
        steps.add(step("Both computers now hold the same files", (ctx, out) -> {
            for (Map.Entry<String, Workspace> c : ctx.computers.entrySet()) {
                out.println("  " + c.getKey() + ": " + String.join(", ", listFiles(c.getValue().root())));
            }
        }));
        steps.add(new RepositoryDemo()); // backup repository (issue 3)
        steps.addAll(TargetsDemo.steps()); // targets and export (issue 4)
        return steps;
    }

    private static List<String> listFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".git/"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private interface StepBody {
        void run(DemoContext ctx, PrintWriter out) throws IOException;
    }

    private static DemoStep step(String title, StepBody body) {
        return new DemoStep() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(DemoContext ctx, PrintWriter out) throws IOException {
                body.run(ctx, out);
            }
        };
    }

    @Override
    public Integer call() throws IOException {
        Path root = dir != null ? dir.toAbsolutePath().normalize() : Files.createTempDirectory("vault-demo-");
        Files.createDirectories(root);
        if (Files.list(root).findAny().isPresent()) {
            throw new dev.vault.engine.VaultException(dev.vault.engine.ExitCodes.USAGE,
                    "demo folder " + root + " is not empty; give an empty or new folder with --dir");
        }
        DemoContext ctx = new DemoContext(root);
        PrintWriter o = out();
        o.println("vault demo: a short tour in " + root);
        List<DemoStep> steps = steps();
        try {
            for (int i = 0; i < steps.size(); i++) {
                o.println();
                o.println((i + 1) + ". " + steps.get(i).title());
                steps.get(i).run(ctx, o);
                o.flush();
            }
            o.println();
            o.println("Where everything is:");
            o.println("  hub      " + ctx.hub);
            for (Map.Entry<String, Workspace> c : ctx.computers.entrySet()) {
                o.println("  " + String.format("%-8s", c.getKey()) + " " + c.getValue().root());
            }
            for (Map.Entry<String, String> p : ctx.places.entrySet()) {
                o.println("  " + String.format("%-8s", p.getKey()) + " " + p.getValue());
            }
            o.println("Try: vault status -C " + ctx.root.resolve("laptop") + "    (delete " + root + " when done)");
            return 0;
        } finally {
            for (Workspace w : ctx.computers.values()) {
                w.close();
            }
        }
    }
}
