// The directives every script shares, once: a script names only this file in its //SOURCES, and
// JBang takes the rest from here (and the wrapper's cache key follows these //SOURCES too).
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:-UsePerfData
//JAVAC_OPTIONS -XDstringConcat=inline -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES Component.java Docker.java Compose.java Outputs.java Repository.java Credentials.java RunLock.java Probe.java Release.java

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/** What every script shares: options, exit codes, one voice on the console, secrets masked, clean-up on exit. */
final class Kit {
    static final String VERSION = "pipkit 0.1.0";
    /** Prefix of the labels on everything the kit creates in the engine. */
    static final String LABEL = "pipkit";

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int INTERRUPTED = 130;

    /** Environment variables whose values never reach the console. */
    static final List<String> SECRET_VARIABLES = List.of("DOCKER_PASS", "GIT_PRIVATE_KEY", "NPM_TOKEN", "GIT_TOKEN", "GITHUB_API_KEY");

    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();
    private static final Deque<Runnable> CLEANUPS = new ArrayDeque<>();
    private static volatile boolean interrupted;
    static boolean quiet;
    static boolean verbose;

    private Kit() {
    }

    /**
     * The options every script takes, and the usage attributes every script shares (a picocli mixin:
     * its @Command attributes apply to the command that mixes it in).
     */
    @Command(mixinStandardHelpOptions = true, version = VERSION, sortOptions = false, exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:done", "1:a step failed (a test container's own code for test.java)", "2:bad input or configuration: nothing was changed",
                "130:interrupted (Ctrl-C; 143 for SIGTERM)"})
    static final class Options {
        @Option(names = "--dry-run", description = "Print the docker commands instead of running them; change nothing.")
        boolean dryRun;

        @Option(names = {"-v", "--verbose"}, description = "Show every command as it runs.")
        void verbose(boolean on) {
            verbose = on;
        }

        @Option(names = {"-q", "--quiet"}, description = "Show only errors (docker output is shown when a command fails).")
        void quiet(boolean on) {
            quiet = on;
        }

        @Option(names = {"-C", "--directory"}, paramLabel = "DIR", description = "The repository folder (default: the current folder).")
        Path directory = Path.of("");

        /** The repository folder, checked. */
        Path directory() {
            Path dir = directory.toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw badInput("folder " + directory + " does not exist: check the -C/--directory value");
            }
            return dir;
        }
    }

    /** A step failed (exit 1) or the input is wrong (exit 2): the message is the one line the user sees. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    static Failure badInput(String message) {
        return new Failure(BAD_INPUT, message);
    }

    static Failure failure(String message) {
        return new Failure(FAILED, message);
    }

    /** Runs a script's command: one line per error, the exit codes above, clean-up whatever happens. */
    static int run(Object command, String... args) {
        rememberSecrets(System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!CLEANUPS.isEmpty()) {
                interrupted = true;
                cleanUp();
            }
        }));
        try {
            return execute(command, args);
        } finally {
            cleanUp();
        }
    }

    /** Runs one command with the kit's handling of errors; its clean-ups run when it returns. The pipeline runs each step so. */
    static int execute(Object command, String... args) {
        try {
            return commandLine(command).execute(args);
        } finally {
            cleanUp();
        }
    }

    /** The command line of a script: one-line errors, the images section in --help, completion scripts. */
    static CommandLine commandLine(Object command) {
        // No option is a java.sql or java.time type: picocli need not look those converters up (20 ms of every start).
        System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
        CommandLine commandLine = new CommandLine(command);
        commandLine.setParameterExceptionHandler((error, arguments) -> {
            error(error.getMessage() + " (see --help)");
            return BAD_INPUT;
        });
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            if (interrupted) {
                return INTERRUPTED;
            }
            if (error instanceof Failure failure) {
                error(failure.getMessage());
                return failure.exitCode;
            }
            error("unexpected " + error + (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                error.printStackTrace();
            }
            return FAILED;
        });
        commandLine.addSubcommand(new AutoComplete.GenerateCompletion());
        commandLine.getHelpSectionMap().put("images", help -> imagesHelp());
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.add(sections.indexOf(UsageMessageSpec.SECTION_KEY_DESCRIPTION) + 1, "images");
        commandLine.setHelpSectionKeys(sections);
        return commandLine;
    }

    /** The names the scripts use for the component.json in the current folder, for --help. */
    private static String imagesHelp() {
        try {
            Component component = Component.read(Path.of("").toAbsolutePath());
            return String.format("%nFor ./component.json:%n  build image    %s%n  test image     %s%n  release images %s, %s%n  git tag        %s%n%n",
                    component.buildImage(), component.testImage(), component.releaseImage(), component.latestImage(), component.gitTag());
        } catch (Failure e) {
            return String.format("%nNo valid component.json here, so no image names: %s%n", e.getMessage());
        }
    }

    /** A short random id that names this run's containers and marks them with a label. */
    static String runId() {
        String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt());
        return "0".repeat(8 - hex.length()) + hex;
    }

    /** The text of a file the step needs, such as docker/Dockerfile.build; missing = bad input. */
    static String readDockerfile(Path directory, String name) {
        try {
            return Files.readString(directory.resolve(name));
        } catch (NoSuchFileException e) {
            throw badInput(name + " not found in " + directory + ": add it (see README) or run in the repository root");
        } catch (IOException e) {
            throw badInput("cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Registers work that must happen however the script ends: success, failure or Ctrl-C. */
    static void atExit(Runnable cleanup) {
        synchronized (CLEANUPS) {
            CLEANUPS.push(cleanup);
        }
    }

    /** Runs the registered clean-ups now, newest first, each once. */
    static void cleanUp() {
        while (true) {
            Runnable next;
            synchronized (CLEANUPS) {
                next = CLEANUPS.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                error("clean-up: " + e.getMessage());
            }
        }
    }

    /** Secrets shorter than this are not masked: "****" in place of every "p" would garble the output and give the value away. */
    static final int SHORTEST_MASKED = 6;

    static void rememberSecrets(Map<String, String> environment) {
        for (String variable : SECRET_VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank() && value.strip().length() < SHORTEST_MASKED) {
                warn(variable + " is shorter than " + SHORTEST_MASKED + " characters, too short to be masked in what the kit prints: use a longer one");
            }
            secret(value);
        }
        String key = environment.get("GIT_PRIVATE_KEY");
        if (key != null) {
            try {
                secret(new String(Base64.getMimeDecoder().decode(key.strip())));
            } catch (IllegalArgumentException e) {
                // a raw key: already remembered as it is
            }
        }
        String user = environment.get("DOCKER_USER");
        String password = environment.get("DOCKER_PASS");
        if (user != null && password != null && password.strip().length() >= SHORTEST_MASKED) {
            // the "auth" of a docker config.json, as a registry's error or a verbose log may show it
            secret(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Remembers a value to mask, with the forms it travels in (URL-encoded, base64, JSON-escaped);
     * for a multi-line value (a key) every long line too.
     */
    static void secret(String value) {
        if (value == null || value.strip().length() < SHORTEST_MASKED) {
            return;
        }
        String strip = value.strip();
        SECRETS.add(strip);
        SECRETS.add(URLEncoder.encode(strip, StandardCharsets.UTF_8));
        SECRETS.add(Base64.getEncoder().encodeToString(strip.getBytes(StandardCharsets.UTF_8)));
        SECRETS.add(strip.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
        for (String line : strip.split("\\R")) {
            if (line.strip().length() >= 8) {
                SECRETS.add(line.strip());
            }
        }
    }

    /** TEXT with every secret, and every overlap of secrets, replaced by "****". */
    static String mask(String text) {
        boolean[] hidden = null;
        for (String secret : SECRETS) {
            for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                if (hidden == null) {
                    hidden = new boolean[text.length()];
                }
                Arrays.fill(hidden, at, at + secret.length(), true);
            }
        }
        if (hidden == null) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!hidden[i]) {
                masked.append(text.charAt(i));
            } else if (i == 0 || !hidden[i - 1]) {
                masked.append("****");
            }
        }
        return masked.toString();
    }

    /** A progress line: "==> building image ...". */
    static void step(String message) {
        if (!quiet) {
            print(System.err, "\u001b[1;34m", "==> " + message);
        }
    }

    /** A line shown only with --verbose. */
    static void detail(String message) {
        if (verbose) {
            print(System.err, "\u001b[2m", message);
        }
    }

    static void warn(String message) {
        print(System.err, "\u001b[33m", "[WARN] " + message);
    }

    static void error(String message) {
        print(System.err, "\u001b[31m", "[ERROR] " + message);
    }

    /** Whether the kit's output is a terminal; colour only there, and never with NO_COLOR. */
    static final boolean TERMINAL = System.console() != null;
    static final boolean COLOURS = TERMINAL && System.getenv("NO_COLOR") == null;

    private static void print(PrintStream stream, String colour, String line) {
        stream.println(COLOURS ? colour + mask(line) + "\u001b[0m" : mask(line));
        stream.flush();
    }
}
