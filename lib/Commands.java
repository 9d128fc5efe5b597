import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * The one seam between the kit and the programs it drives (docker, compose, git). Argument lists
 * are built elsewhere by plain functions ({@link Docker}, {@link Compose}, {@link Git}); here they
 * run, each through a call that says what it means:
 * <ul>
 * <li>{@link #step}: changes something, its output streams through (not with --quiet), a failure ends the step;</li>
 * <li>{@link #attempt}: the same, but the caller decides what a failure means;</li>
 * <li>{@link #quietly}: changes something, its output (an id, a path) shown only when it fails or with --verbose;</li>
 * <li>{@link #attemptQuietly}: the same, the caller judging;</li>
 * <li>{@link #cleanUp}: removes something, a failure is only a warning;</li>
 * <li>{@link #logs}: shows what explains a failure, even with --quiet;</li>
 * <li>{@link #ask}: a read-only question, asked in a dry run too; null when it failed;</li>
 * <li>{@link #require}: a read-only question whose answer the step needs.</li>
 * </ul>
 * In a dry run the first four print the command, pasteable into a shell, and change nothing.
 * Processes start through an {@link Exec}, which tests replace with a recorder.
 */
final class Commands {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    /** A Go program's log line below fatal: docker's and compose's goroutines log so beside the command's own error. */
    private static final Pattern BACKGROUND_LOG = Pattern.compile("time=\"[^\"]*\" level=(trace|debug|info|warning|error) ");
    /** Terminal codes: colours, cursor moves, erasing (compose v2 prints some even when its output is not a terminal). */
    private static final Pattern TERMINAL_CODES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\r(?!\n)");

    /** Starts a process and waits for it: its exit code. */
    interface Exec {
        int run(List<String> command, Map<String, String> environment, Path directory, OutputStream out, OutputStream err, String input)
                throws IOException, InterruptedException;
    }

    /**
     * The real thing, through zt-exec: explicit output, any exit code returned, the environment as
     * given on top of the kit's, the program found in PATH's absolute folders only (an empty or
     * relative entry would find the repository's own ./git or ./docker).
     */
    static final Exec PROCESSES = (command, environment, directory, out, err, input) -> {
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, program(command.get(0)));
        ProcessExecutor executor = new ProcessExecutor().command(resolved).directory(directory.toFile())
                .environment(environment).redirectOutput(out).redirectError(err).exitValueAny();
        if (input != null) {
            executor.redirectInput(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return executor.execute().getExitValue();
        } catch (TimeoutException | InvalidExitValueException e) {
            throw new IOException(e.getMessage());
        }
    };

    /** NAME's path in the first absolute folder of PATH that has it; an IOException when none has. */
    static String program(String name) throws IOException {
        if (name.contains("/")) {
            return name;
        }
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = folder.startsWith("/") ? Path.of(folder, name) : null;
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException(name + " not found");
    }

    /** A finished command: its exit code, the last of what it printed, and whether that was shown. */
    record Outcome(int exit, Tail tail, boolean shown) {
        /** "exit N: the last line it printed", masked. */
        String reason(Console console) {
            String line = tail.lastLine(console);
            return "exit " + exit + (line.isEmpty() ? "" : ": " + line);
        }

        /** Fails with one line naming WHAT when the command failed, after showing what it printed if that was kept back. */
        void orFail(String what, Console console) {
            if (exit != 0) {
                if (!shown) {
                    console.err.print(console.mask(tail.text()));
                }
                throw Exit.failure(what + " failed (" + reason(console) + ")");
            }
        }
    }

    private final Console console;
    private final Path directory;
    private final boolean dryRun;
    /** Refuses a change before the run is locked (see {@link ScriptRun#lock}). */
    private final Runnable beforeChange;
    private final Exec exec;
    /** Set once the run is locked: a program missing from then on is a failure, no longer "bad input, nothing was changed". */
    volatile boolean locked;
    /**
     * What every child gets on top of the kit's environment: no secret variable (a child that needs
     * a credential gets it from its own call: stdin, a file, one variable, so a compose file that
     * passes `environment: [DOCKER_PASS]` through to a container passes nothing), and BuildKit's
     * plain progress when the kit's output is not a terminal (a CI log), unless the user chose one.
     */
    private final Map<String, String> base = new HashMap<>();

    /** The commands of a run in DIRECTORY with ENVIRONMENT (a dry run prints them); BEFORE_CHANGE throws when a change may not happen yet. */
    Commands(Console console, Path directory, boolean dryRun, Map<String, String> environment, Runnable beforeChange, Exec exec) {
        this.console = console;
        this.directory = directory;
        this.dryRun = dryRun;
        this.beforeChange = beforeChange;
        this.exec = exec;
        Console.SECRET_VARIABLES.forEach(variable -> base.put(variable, null));
        if (!Console.TERMINAL && environment.get("BUILDKIT_PROGRESS") == null) {
            base.put("BUILDKIT_PROGRESS", "plain");
        }
    }

    /** Runs a command that changes something, its output streaming through; fails with one line (naming WHAT) when it fails. */
    void step(String what, List<String> command, Map<String, String> environment) {
        attempt(command, environment).orFail(what, console);
    }

    void step(String what, List<String> command) {
        step(what, command, Map.of());
    }

    /** Runs a command that changes something, its output streaming through (not with --quiet); the caller judges the outcome. */
    Outcome attempt(List<String> command, Map<String, String> environment) {
        return change(command, environment, !console.quiet, null);
    }

    /** Runs a command whose output is noise (an id, a path) unless it fails or --verbose asks for it; fails with one line. */
    void quietly(String what, List<String> command) {
        attemptQuietly(command, Map.of(), null).orFail(what, console);
    }

    /** As {@link #quietly}, the caller judging the outcome; INPUT (a password, say) is fed to stdin, never into the arguments. */
    Outcome attemptQuietly(List<String> command, Map<String, String> environment, String input) {
        return change(command, environment, console.verbose, input);
    }

    /** Runs a command whose output explains a failure (the services' logs): shown even with --quiet; not in a dry run. */
    void logs(List<String> command, Map<String, String> environment) {
        if (!dryRun) {
            change(command, environment, true, null);
        }
    }

    /** Runs a clean-up: its output is kept back, and a failure is a warning, never an exception. */
    void cleanUp(List<String> command, Map<String, String> environment) {
        try {
            Outcome outcome = change(command, environment, console.verbose, null);
            if (outcome.exit != 0) {
                console.warn(shell(command) + " failed: " + outcome.tail.lastLine(console));
            }
        } catch (Exit.Failure e) {
            console.warn(shell(command) + " failed: " + e.getMessage());
        }
    }

    void cleanUp(List<String> command) {
        cleanUp(command, Map.of());
    }

    /** Asks a read-only question, in a dry run too: what it printed, or null when it failed or could not run. */
    String ask(List<String> command, Map<String, String> environment) {
        console.detail("+ " + shell(command));
        Tail answer = new Tail(Integer.MAX_VALUE);
        try {
            return execute(command, environment, answer, new Tail(), null) == 0 ? answer.text().strip() : null;
        } catch (Exit.Failure e) {
            return null;
        }
    }

    String ask(List<String> command) {
        return ask(command, Map.of());
    }

    /** Asks a read-only question whose answer the step needs: fails with one line (cannot list WHAT) when it fails. */
    String require(String what, List<String> command) {
        console.detail("+ " + shell(command));
        Tail tail = new Tail(Integer.MAX_VALUE);
        int exit = execute(command, Map.of(), tail, tail, null);
        if (exit != 0) {
            throw Exit.failure("cannot list " + what + " (exit " + exit + ": " + tail.lastLine(console) + ")");
        }
        return tail.text().strip();
    }

    /** A command that changes something: only once the run holds its lock; in a dry run printed instead. */
    private Outcome change(List<String> command, Map<String, String> environment, boolean show, String input) {
        beforeChange.run();
        String line = shell(command, environment);
        if (dryRun) {
            console.print(line);
            return new Outcome(0, new Tail(), true);
        }
        console.detail("+ " + line);
        Tail tail = new Tail();
        OutputStream out = show ? new Masked(console, console.out, tail) : tail;
        OutputStream err = show ? new Masked(console, console.err, tail) : tail;
        int exit = execute(command, environment, out, err, input);
        flush(out);
        flush(err);
        return new Outcome(exit, tail, show);
    }

    private int execute(List<String> command, Map<String, String> environment, OutputStream out, OutputStream err, String input) {
        Map<String, String> all = new HashMap<>(base);
        if (command.get(0).equals("git")) {
            all.putAll(Git.ENVIRONMENT);
        }
        all.putAll(environment);
        try {
            int exit = exec.run(command, all, directory, out, err, input);
            if ((exit == 130 || exit == 143) && Exit.ending()) {
                throw new Exit.Failure(Exit.INTERRUPTED, command.get(0) + " was interrupted");   // the run's end is the signal's
            }
            return exit;
        } catch (IOException e) {
            String message = "cannot run " + command.get(0) + ": is it installed and on PATH?";
            throw locked ? Exit.failure(message) : Exit.badInput(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Exit.failure(command.get(0) + " " + command.get(1) + " was interrupted");
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

    /** Keeps the last few KiB a command printed, for the error line and for --quiet (an answer: all of it). */
    static final class Tail extends OutputStream {
        private final int keep;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Tail() {
            this(8192);
        }

        Tail(int keep) {
            this.keep = keep;
        }

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            trim();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            trim();
        }

        /** Keeps the last KEEP bytes or so, from a line's start: a secret cut in two would not be masked. */
        private void trim() {
            if (bytes.size() > 2L * keep) {
                byte[] all = bytes.toByteArray();
                int from = all.length - keep;
                while (from < all.length && all[from - 1] != '\n') {
                    from++;
                }
                bytes.reset();
                bytes.write(all, from, all.length - from);
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /**
         * The line that says why it failed, masked: the last one, but for a log line of docker's or
         * compose's background work (`time="..." level=error msg=...`), which can land after the error.
         */
        String lastLine(Console console) {
            String[] lines = text().strip().split("\\R");
            int last = lines.length - 1;
            while (last > 0 && BACKGROUND_LOG.matcher(lines[last]).lookingAt()) {
                last--;
            }
            return console.mask(lines[last].strip());
        }
    }

    /** Streams a command's output to the console line by line with secrets masked (and terminal codes gone outside a terminal), and into the tail. */
    private static final class Masked extends OutputStream {
        private final Console console;
        private final OutputStream stream;
        private final Tail tail;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Masked(Console console, OutputStream stream, Tail tail) {
            this.console = console;
            this.stream = stream;
            this.tail = tail;
        }

        @Override
        public void write(int b) throws IOException {
            tail.write(b);
            line.write(b);
            if (b == '\n' || (b == '\r' && Console.TERMINAL)) {
                flush();
            }
        }

        @Override
        public void flush() throws IOException {
            String text = console.mask(line.toString(StandardCharsets.UTF_8));
            stream.write((Console.TERMINAL ? text : TERMINAL_CODES.matcher(text).replaceAll("")).getBytes(StandardCharsets.UTF_8));
            stream.flush();
            line.reset();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
