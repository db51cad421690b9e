package dev.vault.targets.volume;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import oshi.SystemInfo;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

/** The real mounted volumes, as OSHI's file stores report them on Windows, macOS and Linux. */
public final class OshiVolumeSource implements VolumeSource {
    private static final Set<String> NETWORK_TYPES = Set.of(
            "nfs", "nfs4", "cifs", "smb", "smbfs", "smb2", "smb3", "afpfs", "webdav", "davfs", "fuse.sshfs", "9p");
    private final FileSystem fileSystem;

    public OshiVolumeSource() {
        this.fileSystem = new SystemInfo().getOperatingSystem().getFileSystem();
    }

    @Override
    public List<Volume> volumes() {
        List<Volume> out = new ArrayList<>();
        for (OSFileStore fs : fileSystem.getFileStores(false)) {
            Path mount;
            try {
                mount = Path.of(fs.getMount());
            } catch (InvalidPathException e) {
                continue; // a mount point this platform cannot name; never a target
            }
            String type = fs.getType() == null ? "" : fs.getType();
            String desc = fs.getDescription() == null ? "" : fs.getDescription().toLowerCase(Locale.ROOT);
            String m = fs.getMount().replace('\\', '/');
            boolean network = NETWORK_TYPES.contains(type.toLowerCase(Locale.ROOT)) || desc.contains("network");
            // OSHI says "Removable Disk" on Windows; elsewhere the desktop's automount folders are the best hint.
            boolean removable = desc.contains("removable")
                    || m.startsWith("/media/") || m.startsWith("/run/media/") || m.startsWith("/Volumes/");
            out.add(new Volume(mount, fs.getLabel(), type, fs.getTotalSpace(), fs.getUsableSpace(), removable, network));
        }
        return out;
    }
}
