// The directives every script shares, once: a script names only this file in its //SOURCES, and
// JBang takes the rest from here (and the wrapper's cache key follows these //SOURCES too).
//JAVA 17+
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:-UsePerfData
//JAVAC_OPTIONS -encoding UTF-8 -XDstringConcat=inline -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.18.2
//DEPS org.zeroturnaround:zt-exec:1.12
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES Exit.java Json.java Docker.java Dockerfile.java Git.java Repository.java Language.java Step.java DockerConfig.java Probe.java Installed.java
//SOURCES Cli.java Console.java Component.java Trust.java RunLock.java Commands.java ScriptRun.java
//SOURCES Outputs.java Compose.java Credentials.java ImageBuild.java PackageStep.java

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command layer, at the top of lib/: what every script shares (its options and usage), how a
 * script's command runs (an {@link Exit.Failure} becomes one [ERROR] line and its exit code), and
 * the registry of what runs make, which a killed run's successor and clean.java read.
 */
final class Kit {
    static final String VERSION = "pipkit " + Installed.VERSION;

    /** Every kind of thing a run makes, each declared beside the code that makes it: what a killed run may leave. */
    static final List<ScriptRun.Resource> RESOURCES = List.of(Outputs.CONTAINER, Outputs.STAGING, Outputs.PREVIOUS, Credentials.FILE, Compose.PROJECT, ScriptRun.TEMP);

    /** The exit codes every script's --help lists. */
    private static final Map<String, String> EXIT_CODES = UsageMessageSpec.keyValuesMap("0:done", "1:a step failed (a test container's own code for test.java)",
            "2:bad input or configuration: nothing was changed", "130:interrupted (Ctrl-C; 143 for SIGTERM)");

    private Kit() {
    }

    /** -h/--help and -V/--version, which every script takes (a mixin, as picocli's own standard help options are). */
    static final class Usage implements Cli.Declared {
        @Override
        public void declare(Cli cli) {
            cli.flag("-h, --help", "Show this help message and exit.", on -> { }).usageHelp(true);
            cli.flag("-V, --version", "Print version information and exit.", on -> { }).versionHelp(true);
        }
    }

    /**
     * --version: the kit's release and the commit it came from, set once the model is built:
     * picocli asks a provider in the model once per mixin while it builds it, and from a clone of
     * the kit each answer costs two git processes.
     */
    record Version(Seams seams) implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String folder = seams.environment().get(Trust.KIT_FOLDER);
            Path kit = Path.of(folder == null || folder.isBlank() ? "" : folder).toAbsolutePath();
            return new String[] {VERSION + " " + Installed.commitNote(commit(kit, seams.exec()))};
        }
    }

    /**
     * The commit the kit in KIT came from, "" when unknown: what its lib/kit.json says (install.java
     * wrote it), or for a clone of the kit itself (it has templates/, as install.java knows it) git's
     * HEAD there when none of its files is changed.
     */
    static String commit(Path kit, Commands.Exec exec) {
        try {
            Installed installed = Installed.read(kit);
            if (installed != null && !installed.files().isEmpty() || !Files.isDirectory(kit.resolve("templates")) || !Files.exists(kit.resolve(".git"))) {
                return installed != null && installed.version().equals(Installed.VERSION) ? installed.commit() : "";
            }
            String head = git(exec, kit, null, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
            String changes = git(exec, kit, null, "status", "--porcelain", "--untracked-files=no", "--", ".");
            return head != null && head.strip().matches("[0-9a-f]{40,64}") && "".equals(changes) ? head.strip() : "";
        } catch (Exit.Failure e) {
            return "";
        }
    }

    /**
     * What `git ARGS` prints in FOLDER, the kit's own (INPUT on its standard input), started through
     * EXEC; null when it fails (a diff that found differences does not).
     */
    static String git(Commands.Exec exec, Path folder, String input, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        List<String> command = join(List.of("git", "--no-optional-locks", "-c", "core.fsmonitor=false"), List.of(args));
        try {
            int exit = exec.run(command, Git.ENVIRONMENT, folder, out, java.io.OutputStream.nullOutputStream(), input);
            return exit == 0 || exit == 1 && args[0].equals("diff") ? out.toString(java.nio.charset.StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Exit.failure("interrupted");
        }
    }

    /** What a run talks to: the console's streams, the environment, and how processes start. Tests give their own. */
    record Seams(PrintStream out, PrintStream err, Map<String, String> environment, Commands.Exec exec) {
        static final Seams SYSTEM = new Seams(System.out, System.err, System.getenv(), Commands.PROCESSES);
    }

    /** A command without {@link Options} that still speaks through the seams (install.java): {@link #execute} hands them over. */
    interface Seamed {
        void use(Seams seams);

        Seams seams();
    }

    /** The options every script takes, with {@link Usage} (a mixin); {@link #start} makes the script's {@link ScriptRun}. */
    static final class Options implements Cli.Declared {
        boolean dryRun;
        boolean verbose;
        boolean quiet;
        Path directory = Path.of("");

        @Override
        public void declare(Cli cli) {
            cli.mixin("usage", new Usage());
            cli.flag("--dry-run", "Print the docker commands instead of running them; change nothing.", on -> dryRun = on);
            cli.flag("-v, --verbose", "Show every command as it runs.", on -> verbose = on);
            cli.flag("-q, --quiet", "Show only errors (docker output is shown when a command fails).", on -> quiet = on);
            cli.option("-C, --directory", "DIR", "The repository folder (default: the current folder).", Path.class, folder -> directory = folder);
        }

        Seams seams = Seams.SYSTEM;
        /** The run {@link #start} made, once it did: ended by {@link Kit#execute}. */
        ScriptRun run;

        /** The run of this script: the folder checked, the console, the commands. */
        ScriptRun start() {
            Console console = new Console(seams.out(), seams.err(), verbose, quiet, seams.environment());
            Path dir = directory.toAbsolutePath().normalize();
            run = new ScriptRun(dir, dryRun, console, seams.environment(), seams.exec(), RESOURCES);
            if (!Files.isDirectory(dir)) {
                throw Exit.badInput("folder " + directory + " does not exist: check the -C/--directory value");
            }
            if (run.trust.trustedKit) {
                sayWhichKit(run, seams.environment().get(Trust.KIT_FOLDER), seams.exec());
            }
            return run;
        }

        /**
         * A trusted kit on a repository that holds a kit of its own which is not this one: says
         * which runs (this one, never the repository's) and how many of its files differ.
         */
        private static void sayWhichKit(ScriptRun run, String kitFolder, Commands.Exec exec) {
            Path kit = Path.of(kitFolder == null || kitFolder.isBlank() ? "" : kitFolder).toAbsolutePath();
            try {
                Installed theirs = Installed.read(run.directory);
                if (theirs == null) {
                    return;
                }
                List<String> names = new ArrayList<>(Installed.KIT_FILES);
                try (var helpers = Files.list(kit.resolve("lib"))) {
                    helpers.map(helper -> "lib/" + helper.getFileName()).filter(name -> name.endsWith(".java")).forEach(names::add);
                }
                long differ = 0;
                for (String name : names) {
                    Path file = run.directory.resolve(name);
                    boolean plain = Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(file) <= Repository.LARGEST;
                    differ += plain && Files.mismatch(file, kit.resolve(name)) == -1 ? 0 : 1;
                }
                if (differ > 0) {
                    String mine = Installed.release(Installed.VERSION, commit(kit, exec));
                    run.console.step("this kit runs, " + mine + " from " + kit + "; the repository's own (" + theirs.describe() + ", " + differ
                            + (differ == 1 ? " file differs" : " files differ") + ") is not read");
                }
            } catch (IOException | RuntimeException e) {
                // a repository's kit that cannot be read is not run either: nothing to say of it
            }
        }

        /** A console for what is said before (or without) a run: a wrong option, say. */
        Console console() {
            return run != null ? run.console : new Console(seams.out(), seams.err(), verbose, quiet, seams.environment());
        }
    }

    /** --retry, for the steps the originals re-ran once on RETRY=true (build and package; a mixin). */
    static final class Retry implements Cli.Declared {
        boolean retry;

        @Override
        public void declare(Cli cli) {
            cli.flag("--retry", "Run the step once more when it fails (env RETRY=true), as the ps1 scripts did; the last attempt's exit code counts.", on -> retry = on);
        }

        boolean wanted(Map<String, String> environment) {
            return retry || "true".equalsIgnoreCase(environment.getOrDefault("RETRY", "").strip());
        }
    }

    /** The elements of both lists, in order. */
    static List<String> join(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    /** A script's main: its command run with the kit's handling of errors; Ctrl-C and SIGTERM end every live run cleanly. */
    static int run(Cli.Declared command, String... args) {
        long main = System.nanoTime();
        java.time.Instant mainAt = java.time.Instant.now();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ScriptRun run : ScriptRun.LIVE) {
                run.interrupted = true;
                run.close();
            }
        }));
        if (System.getenv("PIPKIT_STARTUP") == null || System.getenv("PIPKIT_STARTUP").isEmpty()) {
            return execute(commandLine(command, args), Seams.SYSTEM, args);
        }
        return timed(command, args, main, mainAt);
    }

    /**
     * PIPKIT_STARTUP=1: the run, then one line on where its start went: the wrapper (its own clock
     * readings), the JVM until MAIN, picocli's model, the kit until its first command, that command.
     */
    private static int timed(Cli.Declared command, String[] args, long main, java.time.Instant mainAt) {
        long[] firstCommand = new long[2];
        Commands.Exec timed = (commandLine, environment, directory, out, err, input) -> {
            long start = System.nanoTime();
            try {
                return Seams.SYSTEM.exec().run(commandLine, environment, directory, out, err, input);
            } finally {
                if (firstCommand[0] == 0) {
                    firstCommand[0] = start;
                    firstCommand[1] = System.nanoTime();
                }
            }
        };
        Seams seams = new Seams(Seams.SYSTEM.out(), Seams.SYSTEM.err(), Seams.SYSTEM.environment(), timed);
        CommandLine line = commandLine(command, args);
        long model = System.nanoTime();
        int exit = execute(line, seams, args);
        double wrapperStart = epoch(System.getenv("PIPKIT_WRAPPER_START"));
        double wrapperEnd = epoch(System.getenv("PIPKIT_WRAPPER_END"));
        double mainEpoch = mainAt.getEpochSecond() + mainAt.getNano() / 1e9;
        seams.err().printf(java.util.Locale.ROOT, "startup: wrapper %s, JVM to main %s, picocli model %.3f s, kit to first command %s, first command %s; whole run %.3f s%n",
                wrapperStart > 0 && wrapperEnd > 0 ? String.format(java.util.Locale.ROOT, "%.3f s", wrapperEnd - wrapperStart) : "unknown",
                wrapperEnd > 0 ? String.format(java.util.Locale.ROOT, "%.3f s", mainEpoch - wrapperEnd) : "unknown", (model - main) / 1e9,
                firstCommand[0] == 0 ? "none" : String.format(java.util.Locale.ROOT, "%.3f s", (firstCommand[0] - model) / 1e9),
                firstCommand[0] == 0 ? "none" : String.format(java.util.Locale.ROOT, "%.3f s", (firstCommand[1] - firstCommand[0]) / 1e9), (System.nanoTime() - main) / 1e9);
        return exit;
    }

    /** Seconds since the epoch as bash's EPOCHREALTIME gives them (a comma in some locales), or 0. */
    private static double epoch(String value) {
        try {
            return value == null ? 0 : Double.parseDouble(value.replace(',', '.'));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Runs one command with SEAMS: one line per error, the exit codes above, its run's clean-ups when it returns. The pipeline runs each step so. */
    static int execute(Cli.Declared command, Seams seams, String... args) {
        return execute(commandLine(command, args), seams, args);
    }

    private static int execute(CommandLine line, Seams seams, String... args) {
        Cli.Declared command = line.getCommand();
        int exit = executeOnce(line, seams, args);
        Retry retry = mixin(line, Retry.class);
        if (exit == Exit.FAILED && retry != null && retry.wanted(seams.environment())) {
            console(line).step("the step failed: running it once more (RETRY)");
            try {
                exit = executeOnce(commandLine(command.getClass().getDeclaredConstructor().newInstance(), args), seams, args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return exit;
    }

    private static int executeOnce(CommandLine line, Seams seams, String... args) {
        line.setOut(new PrintWriter(seams.out(), true));
        line.setErr(new PrintWriter(seams.err(), true));
        line.getCommandSpec().versionProvider(new Version(seams));
        Options options = options(line);
        if (options != null) {
            options.seams = seams;
        }
        if (line.getCommand() instanceof Seamed seamed) {
            seamed.use(seams);
        }
        try {
            return line.execute(args);
        } finally {
            if (options != null && options.run != null) {
                options.run.close();
            }
        }
    }

    /** The command's {@link Options}, or null for a command without them. */
    static Options options(CommandLine line) {
        return mixin(line, Options.class);
    }

    /** The command's mixin of TYPE, or null. */
    static <T> T mixin(CommandLine line, Class<T> type) {
        for (CommandLine.Model.CommandSpec mixin : line.getCommandSpec().mixins().values()) {
            if (type.isInstance(mixin.userObject())) {
                return type.cast(mixin.userObject());
            }
        }
        return null;
    }

    /** The command line of a script for ARGS: one-line errors, the images section in --help, completion scripts. */
    static CommandLine commandLine(Cli.Declared command, String... args) {
        // No option is a java.sql or java.time type: picocli need not look those converters up (20 ms of every start);
        // and no Groovy closure is an option's value: picocli need not search every jar for groovy.lang.Closure (5 ms).
        System.setProperty("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
        System.setProperty("picocli.disable.closures", "true");
        CommandLine commandLine = new CommandLine(Cli.spec(command));
        commandLine.getCommandSpec().usageMessage().sortOptions(false).exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        commandLine.setParameterExceptionHandler((error, arguments) -> {
            console(error.getCommandLine()).error(error.getMessage() + " (see --help)");
            return Exit.BAD_INPUT;
        });
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            Options options = options(line);
            if (options != null && options.run != null && options.run.interrupted || error instanceof Exit.Failure signalled && signalled.exitCode == Exit.INTERRUPTED) {
                return Exit.INTERRUPTED;
            }
            Console console = console(line);
            if (error instanceof Exit.Failure failure) {
                console.error(failure.getMessage());
                return failure.exitCode;
            }
            console.error("unexpected " + error + (console.verbose ? "" : " (run with --verbose for the stack trace)"));
            if (console.verbose) {
                error.printStackTrace(console.err);
            }
            return Exit.FAILED;
        });
        List<String> arguments = List.of(args);
        if (arguments.contains("generate-completion") || arguments.contains("--help") || arguments.contains("-h")) {
            commandLine.addSubcommand(new AutoComplete.GenerateCompletion());   // only where asked or listed: it costs every start 20 ms
        }
        commandLine.getHelpSectionMap().put("images", help -> imagesHelp());
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.add(sections.indexOf(UsageMessageSpec.SECTION_KEY_DESCRIPTION) + 1, "images");
        commandLine.setHelpSectionKeys(sections);
        return commandLine;
    }

    private static Console console(CommandLine line) {
        Options options = options(line);
        Seams seams = line.getCommand() instanceof Seamed seamed ? seamed.seams() : Seams.SYSTEM;
        return options != null ? options.console() : new Console(seams.out(), seams.err(), false, false, seams.environment());
    }

    /** The names the scripts use for the component.json in the current folder, for --help. */
    private static String imagesHelp() {
        try {
            Component component = Component.read(Path.of("").toAbsolutePath());
            return String.format("%nFor ./component.json:%n  build image    %s%n  test image     %s%n  release images %s%n  git tag        %s%n%n",
                    component.buildImage(), component.testImage(), String.join(", ", component.releaseImages()), component.gitTag());
        } catch (Exit.Failure e) {
            return String.format("%nNo valid component.json here, so no image names: %s%n", e.getMessage());
        }
    }
}
