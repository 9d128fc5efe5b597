/**
 * The exit codes every script ends with, and the failure that carries one: thrown anywhere, turned
 * into one [ERROR] line and its code by the command layer ({@link Kit}). Knows nothing of the CLI.
 */
final class Exit {
    static final int OK = 0;
    /** A step failed. */
    static final int FAILED = 1;
    /** Bad input or configuration: nothing was changed. */
    static final int BAD_INPUT = 2;
    /** Ctrl-C (SIGTERM is 143, as the JVM ends on it). */
    static final int INTERRUPTED = 130;

    private Exit() {
    }

    /** A step failed (exit 1) or the input is wrong (exit 2): the message is the one line the user sees. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.exitCode = code;
        }
    }

    static Failure badInput(String message) {
        return new Failure(BAD_INPUT, message);
    }

    static Failure failure(String message) {
        return new Failure(FAILED, message);
    }

    /**
     * Whether the JVM is ending on a signal, waiting up to a second for it: Ctrl-C reaches the JVM
     * and the program it runs at once, and the program can end (130, 143) before the JVM's hooks
     * start. Then the step's failure is the signal's, not the program's.
     */
    static boolean ending() {
        for (int wait = 0; wait < 50; wait++) {
            Thread probe = new Thread(() -> { });
            try {
                Runtime.getRuntime().addShutdownHook(probe);
                Runtime.getRuntime().removeShutdownHook(probe);
            } catch (IllegalStateException e) {
                return true;   // hooks can no longer be added: the JVM is shutting down
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return false;
    }
}
