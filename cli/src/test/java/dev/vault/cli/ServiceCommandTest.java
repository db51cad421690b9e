package dev.vault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vault.cli.service.ServiceDefinition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ServiceCommandTest {
    @TempDir
    Path tmp;
    Path ws;
    Path home;
    CliRunner cli;

    @BeforeEach
    void setUp() throws Exception {
        ws = tmp.resolve("my work %1");
        home = tmp.resolve("home");
        Path jar = tmp.resolve("vault.jar");
        Files.write(jar, new byte[0]);
        cli = new CliRunner(tmp.resolve("config"))
                .env("HOME", home.toString())
                .env("APPDATA", home.resolve("AppData").toString())
                .env("USERNAME", "ada").env("USERDOMAIN", "PC")
                .env("VAULT_JAR", jar.toString());
        CliRunner.Result init = cli.run("init", ws.toString(), "--hub", tmp.resolve("hub.git").toString(), "--name", "pc");
        assertEquals(0, init.exitCode, init.toString());
    }

    @Test
    void linuxInstallWritesAValidSystemdUserUnit() throws Exception {
        CliRunner.Result r = cli.run("service", "install", "--platform", "linux", "--no-enable", "-C", ws.toString());
        assertEquals(0, r.exitCode, r.toString());
        String name = ServiceDefinition.serviceName(ws);
        Path unit = home.resolve(".config/systemd/user/" + name + ".service");
        assertTrue(Files.exists(unit), r.toString());
        assertTrue(r.out.contains("systemctl --user enable --now " + name + ".service"), r.toString());
        String text = Files.readString(unit);
        assertTrue(text.contains("daemon\" \"-C\" \"" + ws.toString().replace("%", "%%") + "\""), text);
        assertTrue(text.contains("WantedBy=default.target"), text);
        assertTrue(text.contains("KillSignal=SIGTERM"), text);

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze not installed: content checked only");
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // verify reports problems about the unit file itself with its name; environment noise (no bus) is ignored.
        List<String> problems = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains(unit.getFileName().toString())) {
                problems.add(line);
            }
        }
        assertTrue(problems.isEmpty(), "systemd-analyze verify: " + out);
    }

    @Test
    void macosInstallWritesAWellFormedLaunchAgent() throws Exception {
        CliRunner.Result r = cli.run("service", "install", "--platform", "macos", "--no-enable", "-C", ws.toString());
        assertEquals(0, r.exitCode, r.toString());
        String name = ServiceDefinition.serviceName(ws);
        Path plist = home.resolve("Library/LaunchAgents/dev.vault." + name + ".plist");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(plist.toFile());
        NodeList strings = doc.getElementsByTagName("array").item(0).getChildNodes();
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < strings.getLength(); i++) {
            if (strings.item(i).getNodeName().equals("string")) {
                argv.add(strings.item(i).getTextContent());
            }
        }
        assertEquals(List.of("daemon", "-C", ws.toString()), argv.subList(argv.size() - 3, argv.size()));
        assertTrue(r.out.contains("launchctl load -w"), r.toString());
    }

    @Test
    void windowsInstallWritesATaskSchedulerXmlInUtf16() throws Exception {
        CliRunner.Result r = cli.run("service", "install", "--platform", "windows", "--no-enable", "-C", ws.toString());
        assertEquals(0, r.exitCode, r.toString());
        String name = ServiceDefinition.serviceName(ws);
        Path xml = home.resolve("AppData/vault/service/" + name + ".xml");
        byte[] bytes = Files.readAllBytes(xml);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {bytes[0], bytes[1]});
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        assertEquals("PC\\ada", doc.getElementsByTagName("UserId").item(0).getTextContent());
        String args = doc.getElementsByTagName("Arguments").item(0).getTextContent();
        assertTrue(args.endsWith("daemon -C \"" + ws + "\""), args);
        assertTrue(r.out.contains("schtasks /Create /TN " + name), r.toString());
    }

    @Test
    void uninstallRemovesTheFileAndStatusReportsIt() throws Exception {
        assertEquals(0, cli.run("service", "install", "--platform", "linux", "--no-enable", "-C", ws.toString()).exitCode);
        CliRunner.Result st = cli.run("service", "status", "--platform", "linux", "--json", "-C", ws.toString());
        assertTrue(st.out.contains("\"installed\":true"), st.toString());
        CliRunner.Result un = cli.run("service", "uninstall", "--platform", "linux", "-C", ws.toString());
        // systemctl may be unusable here (no user bus): then the file is still removed and exit is 3.
        assertTrue(un.exitCode == 0 || un.exitCode == 3, un.toString());
        assertFalse(Files.exists(home.resolve(".config/systemd/user/" + ServiceDefinition.serviceName(ws) + ".service")));
        st = cli.run("service", "status", "--platform", "linux", "--json", "-C", ws.toString());
        assertTrue(st.out.contains("\"installed\":false"), st.toString());
    }

    @Test
    void outsideAWorkspaceIsAClearError() {
        CliRunner.Result r = cli.run("service", "install", "--no-enable", "-C", tmp.toString());
        assertEquals(10, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("vault: ") && r.err.contains("no vault workspace"), r.toString());
    }

    @Test
    void windowsQuotingFollowsTheCRuntimeRules() {
        assertEquals("plain", ServiceDefinition.serviceName(Path.of("/x/plain")).substring(6, 11));
        assertEquals("\"C:\\My Work\"", windowsQuote("C:\\My Work"));
        assertEquals("\"a\\\"b c\"", windowsQuote("a\"b c"));
        assertEquals("\"ends\\ \\\\\"", windowsQuote("ends\\ \\"));
    }

    private static String windowsQuote(String s) {
        try {
            var m = ServiceDefinition.class.getDeclaredMethod("windowsQuote", String.class);
            m.setAccessible(true);
            return (String) m.invoke(null, s);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
