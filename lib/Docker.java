import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.zeroturnaround.exec.InvalidExitValueException;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * The docker CLI seam. Commands are plain argument lists built by the static functions below;
 * {@link #run} is the one place that executes them (or, in a dry run, prints them).
 */
final class Docker {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /**
     * BuildKit's plain progress (one line per event, no cursor movement) when the kit's output is not
     * a terminal, as in a CI log, unless the user chose a BUILDKIT_PROGRESS. The legacy builder ignores it.
     */
    private static final Map<String, String> FOR_LOGS = !Kit.TERMINAL && System.getenv("BUILDKIT_PROGRESS") == null
            ? Map.of("BUILDKIT_PROGRESS", "plain") : Map.of();
    /**
     * What no child gets from the kit's own environment: every secret variable. A child that needs a
     * credential gets it from its call alone (stdin, a file, one variable), so a compose file that
     * passes `environment: [DOCKER_PASS]` through to a container passes nothing.
     */
    private static final Map<String, String> WITHOUT_SECRETS = new HashMap<>();

    static {
        Kit.SECRET_VARIABLES.forEach(variable -> WITHOUT_SECRETS.put(variable, null));
    }

    /** Terminal codes: colours, cursor moves, erasing (compose v2 prints some even when its output is not a terminal). */
    private static final Pattern TERMINAL_CODES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\r(?!\n)");

    private final Path directory;
    private final boolean dryRun;

    Docker(Path directory, boolean dryRun) {
        this.directory = directory;
        this.dryRun = dryRun;
    }

    // ---- argument lists -------------------------------------------------------------------

    static List<String> build(String dockerfile, List<String> tags, Map<String, String> labels) {
        return build(dockerfile, tags, labels, List.of());
    }

    static List<String> build(String dockerfile, List<String> tags, Map<String, String> labels, List<String> options) {
        List<String> command = new ArrayList<>(List.of("docker", "build", "--force-rm", "-f", dockerfile));
        command.addAll(options);
        for (String tag : tags) {
            command.addAll(List.of("-t", tag));
        }
        labels.forEach((key, value) -> command.addAll(List.of("--label", key + "=" + value)));
        command.add(".");
        return command;
    }

    static List<String> create(String container, String image, Map<String, String> labels) {
        List<String> command = new ArrayList<>(List.of("docker", "create", "--name", container));
        labels.forEach((key, value) -> command.addAll(List.of("--label", key + "=" + value)));
        command.add(image);
        // An image without CMD cannot be created; the container never starts, so any command will do.
        command.add("true");
        return command;
    }

    static List<String> copy(String container, String from, String to) {
        return List.of("docker", "cp", container + ":" + from, to);
    }

    static List<String> remove(String container) {
        return List.of("docker", "rm", "--force", "--volumes", container);
    }

    // ---- running --------------------------------------------------------------------------

    boolean dryRun() {
        return dryRun;
    }

    Path directory() {
        return directory;
    }

    /** Runs a command that changes state, its output streaming through; in a dry run prints it instead. */
    void run(String what, List<String> command) {
        check(what, run(command, Map.of(), !Kit.quiet));
    }

    void run(String what, List<String> command, Map<String, String> environment) {
        check(what, run(command, environment, !Kit.quiet));
    }

    /** Runs a command whose output is noise (an id, a path) unless it fails or --verbose asks for it. */
    void runHidden(String what, List<String> command) {
        check(what, run(command, Map.of(), Kit.verbose));
    }

    /** Runs a clean-up command: its output is kept back, and a failure is a warning, never an exception. */
    void runQuietly(List<String> command, Map<String, String> environment) {
        Outcome outcome = run(command, environment, Kit.verbose);
        if (outcome.exit != 0) {
            Kit.warn(shell(command) + " failed: " + outcome.tail.lastLine());
        }
    }

    void runQuietly(List<String> command) {
        runQuietly(command, Map.of());
    }

    /** A finished command: its exit code and the last of what it printed. */
    record Outcome(int exit, Tail tail, boolean shown) {
        String reason() {
            String line = tail.lastLine();
            return "exit " + exit + (line.isEmpty() ? "" : ": " + line);
        }
    }

    /** Fails with one line, the last the command printed, when the command failed. */
    static void check(String what, Outcome outcome) {
        if (outcome.exit != 0) {
            if (!outcome.shown) {
                System.err.print(Kit.mask(outcome.tail.text()));
            }
            throw Kit.failure(what + " failed (" + outcome.reason() + ")");
        }
    }

    /**
     * The one place commands run. In a dry run the command is printed (with its environment, so
     * it pastes into a shell) and "succeeds".
     */
    Outcome run(List<String> command, Map<String, String> environment, boolean show) {
        return run(command, environment, show, null);
    }

    /** As above, with INPUT (a password, say) fed to the command's stdin: never in its arguments. */
    Outcome run(List<String> command, Map<String, String> environment, boolean show, String input) {
        String line = shell(command, environment);
        if (dryRun) {
            System.out.println(Kit.mask(line.toString()));
            return new Outcome(0, new Tail(), true);
        }
        Kit.detail("+ " + line);
        Tail tail = new Tail();
        OutputStream out = show ? new Masked(System.out, tail) : tail;
        OutputStream err = show ? new Masked(System.err, tail) : tail;
        int exit = execute(command, environment, out, err, input);
        flush(out);
        flush(err);
        return new Outcome(exit, tail, show);
    }

    /** Runs a read-only query (also in a dry run) and returns what it printed, or null when it failed or could not run. */
    String query(List<String> command, Map<String, String> environment) {
        Kit.detail("+ " + shell(command));
        Tail tail = new Tail();
        try {
            return execute(command, environment, tail, new Tail(), null) == 0 ? tail.text().strip() : null;
        } catch (Kit.Failure e) {
            return null;
        }
    }

    String query(List<String> command) {
        return query(command, Map.of());
    }

    /** Runs a read-only query whose answer the step needs: fails with one line when it fails. */
    String list(String what, List<String> command) {
        Kit.detail("+ " + shell(command));
        Tail tail = new Tail();
        int exit = execute(command, Map.of(), tail, tail, null);
        if (exit != 0) {
            throw Kit.failure("cannot list " + what + " (exit " + exit + ": " + tail.lastLine() + ")");
        }
        return tail.text().strip();
    }

    private int execute(List<String> command, Map<String, String> environment, OutputStream out, OutputStream err, String input) {
        try {
            ProcessExecutor executor = new ProcessExecutor()
                    .command(command)
                    .directory(directory.toFile())
                    .environment(FOR_LOGS)
                    .environment(WITHOUT_SECRETS)
                    .environment(environment)
                    .redirectOutput(out)
                    .redirectError(err)
                    .exitValueAny();
            if (input != null) {
                executor.redirectInput(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            }
            return executor.execute().getExitValue();
        } catch (IOException e) {
            throw Kit.badInput("cannot run " + command.get(0) + ": is it installed and on PATH?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Kit.failure(command.get(0) + " " + command.get(1) + " was interrupted");
        } catch (TimeoutException | InvalidExitValueException e) {
            throw Kit.failure(command.get(0) + " " + command.get(1) + " did not finish");
        }
    }

    private static void flush(OutputStream stream) {
        try {
            stream.flush();
        } catch (IOException e) {
            // the console is gone: nothing to show anything on
        }
    }

    /** The command with its environment (VAR=value ...) as one line that pastes into a POSIX shell. */
    static String shell(List<String> command, Map<String, String> environment) {
        StringBuilder line = new StringBuilder();
        environment.forEach((key, value) -> line.append(key).append('=').append(shell(List.of(value))).append(' '));
        return line.append(shell(command)).toString();
    }

    /** The command as one line that pastes into a POSIX shell. */
    static String shell(List<String> command) {
        List<String> words = new ArrayList<>();
        for (String word : command) {
            words.add(PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    /** Keeps the last few KiB a command printed, for the error line and for --quiet. */
    static final class Tail extends OutputStream {
        private static final int KEEP = 8192;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            if (bytes.size() > 2 * KEEP) {
                byte[] all = bytes.toByteArray();
                bytes.reset();
                bytes.write(all, all.length - KEEP, KEEP);
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        String lastLine() {
            String[] lines = text().strip().split("\\R");
            return Kit.mask(lines[lines.length - 1].strip());
        }
    }

    /** Streams a command's output to the console line by line with secrets masked, and into the tail. */
    private static final class Masked extends OutputStream {
        private final OutputStream console;
        private final Tail tail;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Masked(OutputStream console, Tail tail) {
            this.console = console;
            this.tail = tail;
        }

        @Override
        public void write(int b) throws IOException {
            tail.write(b);
            line.write(b);
            if (b == '\n' || (b == '\r' && Kit.TERMINAL)) {
                flush();
            }
        }

        @Override
        public void flush() throws IOException {
            String text = Kit.mask(line.toString(StandardCharsets.UTF_8));
            console.write((Kit.TERMINAL ? text : TERMINAL_CODES.matcher(text).replaceAll("")).getBytes(StandardCharsets.UTF_8));
            console.flush();
            line.reset();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
