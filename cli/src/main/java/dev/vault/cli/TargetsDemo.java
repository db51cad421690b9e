package dev.vault.cli;

import dev.vault.engine.sync.Workspace;
import dev.vault.engine.config.Sizes;
import dev.vault.targets.AddTarget;
import dev.vault.targets.Target;
import dev.vault.targets.TargetKind;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.bundle.ExportBundle;
import dev.vault.targets.bundle.RestoreBundle;
import dev.vault.targets.run.EngineRunner;
import dev.vault.targets.schedule.Scheduler;
import dev.vault.targets.volume.ScriptedVolumeSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The demo's target steps: a folder standing in for a USB drive is "plugged in", registered and
 * backed up by the scheduler, then found again under another mount point; then an encrypted export
 * bundle is written and restored. Everything stays inside the demo folder (its own config home).
 */
final class TargetsDemo {
    private TargetsDemo() {
    }

    private static final class State {
        ScriptedVolumeSource volumes = new ScriptedVolumeSource();
        Path home;
    }

    static List<DemoCommand.DemoStep> steps() {
        State st = new State();
        return List.of(
                step("Plug in a USB drive and back up the laptop to it", (ctx, out) -> {
                    st.home = ctx.root.resolve("laptop-vault-config");
                    Path drive = Files.createDirectories(ctx.root.resolve("drives/E"));
                    st.volumes.plug(drive, "STICK");
                    Workspace laptop = ctx.computer("laptop");
                    Target t = new AddTarget(TargetRegistry.load(st.home), st.volumes, Clock.systemDefaultZone())
                            .call(new AddTarget.Options("stick", TargetKind.USB, drive.resolve("vault"), null, null, null,
                                    true, laptop.root())).target();
                    out.println("  vault target add stick --kind usb --path drives/E/vault --no-encrypt");
                    out.println("    -> marker " + ctx.root.relativize(drive.resolve("vault/vault-target.json")) + " holds id " + t.id());
                    for (Scheduler.Report r : pass(st)) {
                        out.println("  vault run-due -> " + r.message().replace(ctx.root + java.io.File.separator, ""));
                    }
                    ctx.places.put("usb", drive.resolve("vault").toString());
                }),
                step("The drive comes back as another drive letter", (ctx, out) -> {
                    Path e = ctx.root.resolve("drives/E");
                    Path f = ctx.root.resolve("drives/F");
                    Files.move(e, f);
                    st.volumes.unplug(e).plug(f, "STICK");
                    out.println("  drives/E is gone, the same drive is now drives/F");
                    ctx.write("laptop", "plans/trip.md", "# Trip\nLeave Friday. Pack the tent.\n");
                    for (Scheduler.Report r : passForced(st)) {
                        out.println("  vault backup --target stick -> " + r.message().replace(ctx.root + java.io.File.separator, ""));
                    }
                    ctx.places.put("usb", f.resolve("vault").toString());
                }),
                step("Export an encrypted bundle and restore it elsewhere", (ctx, out) -> {
                    Path bundle = ctx.root.resolve("laptop.vaultbundle");
                    Path laptop = ctx.computer("laptop").root();
                    ExportBundle.Result r = new ExportBundle().call(ExportBundle.folder(laptop, bundle),
                            new ExportBundle.Options(bundle, "demo-password".toCharArray(), false));
                    out.println("  vault export --from laptop --to laptop.vaultbundle --encrypt -> " + r.files() + " files, "
                            + Sizes.format(r.bundleBytes()));
                    Path restored = ctx.root.resolve("restored");
                    RestoreBundle.Result back = new RestoreBundle().call(new RestoreBundle.Options(bundle, restored,
                            () -> "demo-password".toCharArray()));
                    out.println("  vault restore --bundle laptop.vaultbundle --to restored -> " + back.files() + " files");
                    out.println("  restored/plans/trip.md: " + Files.readString(restored.resolve("plans/trip.md")).lines()
                            .skip(1).findFirst().orElse(""));
                    ctx.places.put("bundle", bundle.toString());
                }));
    }

    private static List<Scheduler.Report> pass(State st) {
        return run(st, dev.vault.targets.schedule.Scheduler.Options.DUE);
    }

    private static List<Scheduler.Report> passForced(State st) {
        return run(st, new Scheduler.Options(java.util.Set.of("stick"), true, false));
    }

    private static List<Scheduler.Report> run(State st, Scheduler.Options o) {
        Clock clock = Clock.systemDefaultZone();
        try (EngineRunner runner = new EngineRunner(() -> null, clock)) {
            return new Scheduler(st.home, TargetRegistry.load(st.home), st.volumes, clock, runner).pass(o).reports();
        }
    }

    private interface Body {
        void run(DemoCommand.DemoContext ctx, PrintWriter out) throws IOException;
    }

    private static DemoCommand.DemoStep step(String title, Body body) {
        return new DemoCommand.DemoStep() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public void run(DemoCommand.DemoContext ctx, PrintWriter out) throws IOException {
                body.run(ctx, out);
            }
        };
    }
}
