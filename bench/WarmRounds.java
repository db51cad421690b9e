import dev.vault.cli.VaultCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Warm sync rounds inside one JVM, as the daemon runs them: calls vault's in-process CLI entry
 * point ({@code VaultCli.execute}) repeatedly and prints the median seconds per step.
 *
 * <p>Run with the vault jar on the class path (Java's single-file source launcher compiles this):
 * {@code java -XX:+UseSerialGC -cp vault.jar bench/WarmRounds.java <rounds> <wsA> <wsB> <file>}
 * where wsA and wsB are two joined workspaces of one hub and file is a path relative to wsA that
 * the change steps append to. Output lines: {@code <step> <median seconds>}.
 */
public final class WarmRounds {
    private static final int WARM_UP = 3;

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: WarmRounds <rounds> <workspaceA> <workspaceB> <file relative to A>");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        String a = args[1];
        String b = args[2];
        Path file = Path.of(a).resolve(args[3]);

        for (int i = 0; i < WARM_UP; i++) {
            run("sync", "-C", a);
            run("status", "-C", a);
            append(file);
            run("sync", "-C", a);
            run("sync", "-C", b);
        }
        List<Double> nochange = new ArrayList<>();
        List<Double> status = new ArrayList<>();
        List<Double> change = new ArrayList<>();
        List<Double> receive = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            nochange.add(run("sync", "-C", a));
            status.add(run("status", "-C", a));
            append(file);
            change.add(run("sync", "-C", a));
            receive.add(run("sync", "-C", b));
        }
        print("warm_nochange", nochange);
        print("warm_status", status);
        print("warm_change", change);
        print("warm_receive", receive);
    }

    private static void append(Path file) throws IOException {
        Files.writeString(file, "warm edit " + System.nanoTime() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /** Runs one vault command in this JVM; returns its wall time in seconds; exits on failure. */
    private static double run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code = VaultCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), System.getenv());
        double s = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            System.err.println("vault " + String.join(" ", args) + " exited " + code + ": "
                    + err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
            System.exit(1);
        }
        return s;
    }

    private static void print(String key, List<Double> times) {
        List<Double> t = new ArrayList<>(times);
        Collections.sort(t);
        int n = t.size();
        double median = n % 2 == 1 ? t.get(n / 2) : (t.get(n / 2 - 1) + t.get(n / 2)) / 2;
        System.out.printf(Locale.ROOT, "%s %.3f%n", key, median);
    }
}
