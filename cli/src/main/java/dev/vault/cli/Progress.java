package dev.vault.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints progress once a second while an operation runs: a self-overwriting line on a terminal,
 * JSON lines ({@code {"type":"progress",...}}) with --json, nothing when output is piped.
 */
final class Progress implements AutoCloseable {
    /** A snapshot of the counters. */
    record Figures(long files, long filesTotal, long bytes, long bytesTotal, boolean totalsKnown, String current) {
    }

    private final Thread thread;
    private volatile boolean done;

    private Progress(Thread t) {
        this.thread = t;
    }

    static boolean wanted(boolean json) {
        return json || System.console() != null;
    }

    static Progress start(String verb, boolean json, PrintWriter out, PrintWriter err, Supplier<Figures> f) {
        long t0 = System.nanoTime();
        Progress[] self = new Progress[1];
        Thread t = new Thread(() -> {
            boolean printed = false;
            while (!self[0].done) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    break;
                }
                if (self[0].done) {
                    break;
                }
                Figures x = f.get();
                double secs = (System.nanoTime() - t0) / 1e9;
                if (json) {
                    synchronized (out) {
                        out.println(Json.GSON.toJson(jsonLine(x, secs)));
                        out.flush();
                    }
                } else {
                    err.print("\r" + terminalLine(verb, x, secs) + "\u001b[K");
                    err.flush();
                    printed = true;
                }
            }
            if (printed) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }, "vault-progress");
        t.setDaemon(true);
        self[0] = new Progress(t);
        t.start();
        return self[0];
    }

    private static double rate(Figures x, double secs) {
        return secs > 0 ? x.bytes() / secs : 0;
    }

    /** Seconds left at the rate so far, or -1 while the totals are still being counted. */
    private static double eta(Figures x, double secs) {
        double rate = rate(x, secs);
        return x.totalsKnown() && rate > 0 ? Math.max(0, (x.bytesTotal() - x.bytes()) / rate) : -1;
    }

    /** The self-overwriting terminal line (at most 100 characters). */
    static String terminalLine(String verb, Figures x, double secs) {
        double eta = eta(x, secs);
        String line = String.format(Locale.ROOT, "%s %d/%d files, %s/%s, %s/s, ETA %s", verb, x.files(),
                x.filesTotal(), Human.bytes(x.bytes()), Human.bytes(x.bytesTotal()), Human.bytes((long) rate(x, secs)),
                eta < 0 ? "?" : Human.seconds(eta));
        return line.length() > 100 ? line.substring(0, 100) : line;
    }

    /** One --json progress line. */
    static Map<String, Object> jsonLine(Figures x, double secs) {
        double eta = eta(x, secs);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "progress");
        m.put("files", x.files());
        m.put("filesTotal", x.filesTotal());
        m.put("bytes", x.bytes());
        m.put("bytesTotal", x.bytesTotal());
        m.put("bytesPerSecond", (long) rate(x, secs));
        m.put("etaSeconds", eta < 0 ? null : (long) eta);
        m.put("seconds", secs);
        return m;
    }

    @Override
    public void close() {
        done = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
