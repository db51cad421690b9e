package dev.vault.cli;

/** Process entry point of the runnable jar: runs one vault command and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = VaultCli.execute(args, System.out, System.err, System.getenv());
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the error handler; an Error still gets one clear line.
            System.err.println("vault: " + VaultCli.describe(e));
            code = dev.vault.engine.ExitCodes.FAILURE;
        }
        System.exit(code);
    }
}
