package dev.vault.cli;

/** Process entry point of the runnable jar: runs one vault command and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = VaultCli.execute(args, System.out, System.err, System.getenv());
        System.exit(code);
    }
}
