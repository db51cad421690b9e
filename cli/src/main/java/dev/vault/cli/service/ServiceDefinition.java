package dev.vault.cli.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What starts {@code vault daemon -C <workspace>} at login on one platform: the file's location and
 * content, and the commands that register and unregister it with the OS service manager.
 */
public final class ServiceDefinition {
    private final Platform platform;
    private final String name;
    private final Path file;
    private final byte[] content;
    private final List<String> enable;
    private final List<String> disable;
    private final List<String> query;

    private ServiceDefinition(Platform platform, String name, Path file, byte[] content,
            List<String> enable, List<String> disable, List<String> query) {
        this.platform = platform;
        this.name = name;
        this.file = file;
        this.content = content;
        this.enable = enable;
        this.disable = disable;
        this.query = query;
    }

    /** How the daemon is launched: the java binary, the vault jar, JVM options and the workspace. */
    public static final class Launch {
        final Path java;
        final Path jar;
        final List<String> jvmOptions;
        final Path workspace;

        public Launch(Path java, Path jar, List<String> jvmOptions, Path workspace) {
            this.java = java;
            this.jar = jar;
            this.jvmOptions = List.copyOf(jvmOptions);
            this.workspace = workspace.toAbsolutePath().normalize();
        }

        /** The full argument vector: java, options, -jar, jar, daemon, -C, workspace. */
        public List<String> argv() {
            List<String> a = new ArrayList<>();
            a.add(java.toString());
            a.addAll(jvmOptions);
            a.add("-jar");
            a.add(jar.toString());
            a.add("daemon");
            a.add("-C");
            a.add(workspace.toString());
            return a;
        }
    }

    /** A stable, readable service name per workspace: {@code vault-<folder>-<8 hex of the path>}. */
    public static String serviceName(Path workspace) {
        Path abs = workspace.toAbsolutePath().normalize();
        Path fn = abs.getFileName();
        String slug = (fn == null ? "root" : fn.toString()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            slug = "workspace";
        }
        if (slug.length() > 32) {
            slug = slug.substring(0, 32);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(abs.toString().getBytes(StandardCharsets.UTF_8));
            return "vault-" + slug + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The definition for {@code platform}, placed under the user's directories as {@code env} gives them. */
    public static ServiceDefinition of(Platform platform, Launch launch, Map<String, String> env) {
        String name = serviceName(launch.workspace);
        Path home = Path.of(env.getOrDefault("HOME", env.getOrDefault("USERPROFILE", System.getProperty("user.home"))));
        switch (platform) {
            case LINUX: {
                String xdg = env.get("XDG_CONFIG_HOME");
                Path dir = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config"))
                        .resolve("systemd").resolve("user");
                String unit = name + ".service";
                return new ServiceDefinition(platform, name, dir.resolve(unit),
                        systemdUnit(launch).getBytes(StandardCharsets.UTF_8),
                        List.of("systemctl", "--user", "enable", "--now", unit),
                        List.of("systemctl", "--user", "disable", "--now", unit),
                        List.of("systemctl", "--user", "is-active", unit));
            }
            case MACOS: {
                String label = "dev.vault." + name;
                Path plist = home.resolve("Library").resolve("LaunchAgents").resolve(label + ".plist");
                Path log = home.resolve("Library").resolve("Logs").resolve("vault").resolve(name + ".log");
                return new ServiceDefinition(platform, name, plist,
                        launchdPlist(label, launch, log).getBytes(StandardCharsets.UTF_8),
                        List.of("launchctl", "load", "-w", plist.toString()),
                        List.of("launchctl", "unload", "-w", plist.toString()),
                        List.of("launchctl", "list", label));
            }
            default: {
                String appData = env.get("APPDATA");
                Path dir = (appData != null ? Path.of(appData) : home.resolve("AppData").resolve("Roaming"))
                        .resolve("vault").resolve("service");
                Path xml = dir.resolve(name + ".xml");
                String user = env.containsKey("USERNAME")
                        ? (env.containsKey("USERDOMAIN") ? env.get("USERDOMAIN") + "\\" : "") + env.get("USERNAME")
                        : null;
                return new ServiceDefinition(platform, name, xml, utf16WithBom(windowsTask(launch, user)),
                        List.of("schtasks", "/Create", "/TN", name, "/XML", xml.toString(), "/F"),
                        List.of("schtasks", "/Delete", "/TN", name, "/F"),
                        List.of("schtasks", "/Query", "/TN", name));
            }
        }
    }

    static String systemdUnit(Launch l) {
        StringBuilder exec = new StringBuilder();
        for (String a : l.argv()) {
            if (exec.length() > 0) {
                exec.append(' ');
            }
            exec.append(systemdQuote(a));
        }
        return "# Generated by `vault service install`; remove with `vault service uninstall`.\n"
                + "[Unit]\n"
                + "Description=vault: keep " + systemdEscape(l.workspace.toString()) + " in sync and backed up\n"
                + "After=network-online.target\n"
                + "Wants=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "ExecStart=" + exec + "\n"
                // WorkingDirectory takes a bare path (no quotes); only specifiers need escaping.
                + "WorkingDirectory=" + systemdEscape(l.workspace.toString()) + "\n"
                + "# SIGTERM lets an in-flight round or backup finish or stop safely.\n"
                + "KillSignal=SIGTERM\n"
                + "TimeoutStopSec=120\n"
                + "Restart=on-failure\n"
                + "RestartSec=30\n"
                + "Nice=10\n"
                + "IOSchedulingClass=idle\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=default.target\n";
    }

    /** systemd's ExecStart quoting: double quotes, backslash escapes, and % / $ doubled. */
    static String systemdQuote(String s) {
        return "\"" + systemdEscape(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String systemdEscape(String s) {
        return s.replace("%", "%%").replace("$", "$$");
    }

    static String launchdPlist(String label, Launch l, Path log) {
        StringBuilder args = new StringBuilder();
        for (String a : l.argv()) {
            args.append("    <string>").append(xml(a)).append("</string>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<!-- Generated by `vault service install`; remove with `vault service uninstall`. -->\n"
                + "<plist version=\"1.0\">\n<dict>\n"
                + "  <key>Label</key>\n  <string>" + xml(label) + "</string>\n"
                + "  <key>ProgramArguments</key>\n  <array>\n" + args + "  </array>\n"
                + "  <key>WorkingDirectory</key>\n  <string>" + xml(l.workspace.toString()) + "</string>\n"
                + "  <key>RunAtLoad</key>\n  <true/>\n"
                + "  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n"
                + "  <key>ProcessType</key>\n  <string>Background</string>\n"
                + "  <key>StandardOutPath</key>\n  <string>" + xml(log.toString()) + "</string>\n"
                + "  <key>StandardErrorPath</key>\n  <string>" + xml(log.toString()) + "</string>\n"
                + "</dict>\n</plist>\n";
    }

    static String windowsTask(Launch l, String user) {
        Path java = l.java;
        // javaw has no console window; fall back to the given binary when it is not java.exe.
        Path fn = java.getFileName();
        if (fn != null && fn.toString().equalsIgnoreCase("java.exe")) {
            java = java.resolveSibling("javaw.exe");
        }
        List<String> argv = l.argv();
        StringBuilder args = new StringBuilder();
        for (String a : argv.subList(1, argv.size())) {
            if (args.length() > 0) {
                args.append(' ');
            }
            args.append(windowsQuote(a));
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                + "<!-- Generated by `vault service install`; remove with `vault service uninstall`. -->\n"
                + "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n"
                + "  <RegistrationInfo>\n    <Description>vault: keep " + xml(l.workspace.toString())
                + " in sync and backed up</Description>\n  </RegistrationInfo>\n"
                + "  <Triggers>\n    <LogonTrigger>\n      <Enabled>true</Enabled>\n"
                + (user == null ? "" : "      <UserId>" + xml(user) + "</UserId>\n")
                + "    </LogonTrigger>\n  </Triggers>\n"
                + "  <Principals>\n    <Principal id=\"Author\">\n"
                + (user == null ? "" : "      <UserId>" + xml(user) + "</UserId>\n")
                + "      <LogonType>InteractiveToken</LogonType>\n      <RunLevel>LeastPrivilege</RunLevel>\n"
                + "    </Principal>\n  </Principals>\n"
                + "  <Settings>\n"
                + "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
                + "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
                + "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
                + "    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>\n"
                + "    <Hidden>true</Hidden>\n"
                + "    <RestartOnFailure>\n      <Interval>PT1M</Interval>\n      <Count>999</Count>\n    </RestartOnFailure>\n"
                + "    <Priority>7</Priority>\n"
                + "  </Settings>\n"
                + "  <Actions Context=\"Author\">\n    <Exec>\n"
                + "      <Command>" + xml(java.toString()) + "</Command>\n"
                + "      <Arguments>" + xml(args.toString()) + "</Arguments>\n"
                + "      <WorkingDirectory>" + xml(l.workspace.toString()) + "</WorkingDirectory>\n"
                + "    </Exec>\n  </Actions>\n"
                + "</Task>\n";
    }

    /** Quoting for a Windows command line as the C runtime parses it. */
    static String windowsQuote(String s) {
        if (!s.isEmpty() && s.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        int backslashes = 0;
        for (char c : s.toCharArray()) {
            if (c == '\\') {
                backslashes++;
                continue;
            }
            if (c == '"') {
                b.append("\\".repeat(backslashes * 2 + 1)).append('"');
            } else {
                b.append("\\".repeat(backslashes)).append(c);
            }
            backslashes = 0;
        }
        b.append("\\".repeat(backslashes * 2)).append('"');
        return b.toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static byte[] utf16WithBom(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xFF);
        b.write(0xFE);
        byte[] body = s.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_16LE);
        b.write(body, 0, body.length);
        return b.toByteArray();
    }

    public Platform platform() {
        return platform;
    }

    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    public byte[] content() {
        return content.clone();
    }

    public List<String> enableCommand() {
        return enable;
    }

    public List<String> disableCommand() {
        return disable;
    }

    public List<String> queryCommand() {
        return query;
    }
}
