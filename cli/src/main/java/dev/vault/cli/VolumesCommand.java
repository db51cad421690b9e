package dev.vault.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.vault.engine.ExitCodes;
import dev.vault.engine.config.Sizes;
import dev.vault.targets.TargetLocation;
import dev.vault.targets.TargetLocator;
import dev.vault.targets.TargetRegistry;
import dev.vault.targets.volume.Volume;
import dev.vault.targets.volume.VolumeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code vault volumes}: the mounted volumes and which target each one holds. */
@Command(name = "volumes", description = "List mounted volumes (mount point, label, filesystem, free space) and the targets on them.")
public final class VolumesCommand extends BaseCommand {
    @Override
    public Integer call() {
        VolumeSource src = TargetsSupport.volumes();
        List<Volume> vols = src.volumes();
        TargetRegistry reg = TargetsSupport.registry(env());
        List<TargetLocation> locs = new ArrayList<>();
        for (var t : reg.targets()) {
            locs.add(TargetLocator.locate(t, vols));
        }
        if (json()) {
            JsonArray arr = new JsonArray();
            for (Volume v : vols) {
                JsonObject o = new JsonObject();
                o.addProperty("mount", v.mount().toString());
                o.addProperty("label", v.label());
                o.addProperty("filesystem", v.type());
                o.addProperty("totalBytes", v.totalBytes());
                o.addProperty("freeBytes", v.freeBytes());
                o.addProperty("removable", v.removable());
                o.addProperty("network", v.network());
                JsonArray ts = new JsonArray();
                targetsOn(v, locs).forEach(ts::add);
                o.add("targets", ts);
                arr.add(o);
            }
            out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(arr));
            return ExitCodes.OK;
        }
        out().println(String.format(Locale.ROOT, "%-32s %-16s %-8s %10s %10s  %s", "MOUNT", "LABEL", "FS", "FREE", "SIZE", "TARGET"));
        for (Volume v : vols) {
            List<String> ts = targetsOn(v, locs);
            String kind = v.removable() ? " (removable)" : v.network() ? " (network)" : "";
            out().println(String.format(Locale.ROOT, "%-32s %-16s %-8s %10s %10s  %s", v.mount(), v.label(), v.type(),
                    Sizes.format(v.freeBytes()), Sizes.format(v.totalBytes()), (ts.isEmpty() ? "-" : String.join(", ", ts)) + kind));
        }
        return ExitCodes.OK;
    }

    private static List<String> targetsOn(Volume v, List<TargetLocation> locs) {
        List<String> out = new ArrayList<>();
        for (TargetLocation l : locs) {
            if (l.connected() && l.volume() != null && l.volume().mount().equals(v.mount())) {
                out.add(l.target().name());
            }
        }
        return out;
    }
}
