import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Docker Compose, either flavour: the `docker compose` plugin where it exists, else the standalone
 * `docker-compose`. Every run gets a project name of its own, so leftovers and parallel runs never
 * collide, and is brought down before and after, whatever happens.
 */
final class Compose {
    static final List<String> PLUGIN = List.of("docker", "compose");
    static final List<String> STANDALONE = List.of("docker-compose");
    /** A run's compose project (see {@link #project}), removed by compose's labels when its compose file may be gone. */
    static final ScriptRun.Resource PROJECT = new ScriptRun.Resource("project", Compose::ownProject, Compose::removeProject);

    final List<String> program;
    final String project;
    final String file;
    final Map<String, String> environment = new LinkedHashMap<>();
    /** Fixed container names of the file, by service (see {@link #fixedNames}). */
    private final Map<String, String> renames = new LinkedHashMap<>();
    private Path override;
    private final ScriptRun run;

    Compose(ScriptRun run, List<String> program, String project, String file) {
        this.run = run;
        this.program = program;
        this.project = project;
        this.file = file;
    }

    /** The --compose option of the steps that use compose (a mixin). */
    static final class Flavour implements Cli.Declared {
        String name;

        @Override
        public void declare(Cli cli) {
            cli.option("--compose", "FLAVOUR", "auto (the `docker compose` plugin where present, else docker-compose), plugin or standalone.", String.class,
                    flavour -> name = flavour).defaultValue("auto");
        }
    }

    /**
     * The compose run of one step: the file checked, the flavour chosen, a project of its own, and
     * PIPKIT_COMPONENT for the files' build labels.
     */
    static Compose forStep(ScriptRun run, String flavour, Component component, String step, String file) {
        String text = Repository.read(run.directory, file);
        Compose compose = new Compose(run, flavour(run, flavour), project(component, step, run.id), file);
        compose.environment.put("PIPKIT_COMPONENT", component.name);
        compose.renames.putAll(fixedNames(text));
        List<String> config = new ArrayList<>(compose.program);
        config.addAll(List.of("-p", compose.project, "-f", file, "config"));
        List<String> foreign = foreignNames(String.valueOf(run.commands.ask(config, compose.environment)), compose.project);
        if (!foreign.isEmpty()) {
            throw Exit.badInput(file + " names " + String.join(", ", foreign) + " (name:), which `down --volumes` would remove even when another project's:"
                    + " leave the name to compose, or mark it external: true");
        }
        return compose;
    }

    /**
     * The networks and volumes that CONFIG (what `compose config` prints: plain YAML, two spaces a
     * level) names outside PROJECT with `name:` and does not mark external: `down` removes them by
     * that name, whoever made them.
     */
    static List<String> foreignNames(String config, String project) {
        List<String> foreign = new ArrayList<>();
        String section = null;
        String name = null;
        boolean external = false;
        for (String line : (config + "\nend:").split("\\R")) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String[] pair = line.strip().split(":", 2);
            if (indent <= 2) {
                if (section != null && name != null && !external && !name.equals(project) && !name.startsWith(project + "_")) {
                    foreign.add(section.replaceFirst("s$", "") + " " + name);
                }
                name = null;
                external = false;
                section = indent == 0 ? (List.of("networks", "volumes").contains(pair[0]) ? pair[0] : null) : section;
            } else if (section != null && indent == 4 && pair.length == 2) {
                String value = pair[1].strip().replaceAll("^[\"']|[\"']$", "");
                if (pair[0].equals("name")) {
                    name = value;
                } else if (pair[0].equals("external")) {
                    external = !value.equals("false");
                }
            }
        }
        return foreign;
    }

    /**
     * The services that give their container a fixed name (`container_name: mongo`), by service:
     * two runs at once would collide on it, or one would remove the other's. Read from the file's
     * lines under `services:` (real compose files are written plainly); each gets a name of this run's
     * own through an override file (see {@link #command}).
     */
    static Map<String, String> fixedNames(String text) {
        Map<String, String> names = new LinkedHashMap<>();
        if (!text.contains("container_name")) {
            return names;
        }
        String service = null;
        int serviceIndent = -1;
        boolean inServices = false;
        for (String line : text.split("\\R")) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String key = line.strip().split(":", 2)[0].strip();
            if (indent == 0) {
                inServices = key.equals("services");
                serviceIndent = -1;
            } else if (inServices && (serviceIndent < 0 || indent == serviceIndent) && line.strip().endsWith(":")) {
                serviceIndent = indent;
                service = key;
            } else if (inServices && service != null && indent > serviceIndent && key.equals("container_name")) {
                names.put(service, line.strip().substring("container_name:".length()).strip().replaceAll("^[\"']|[\"']$", ""));
            }
        }
        return names;
    }

    /**
     * Picks the flavour: "plugin", "standalone", or "auto": the plugin in docker's plugin folders,
     * else docker-compose on PATH, else the plugin if `docker compose version` answers (a plugin
     * folder of the user's own docker configuration).
     */
    static List<String> flavour(ScriptRun run, String choice) {
        return switch (choice) {
            case "plugin" -> {
                if (!pluginInstalled(run) && run.commands.ask(Docker.composeVersion()) == null) {
                    throw Exit.badInput("cannot run docker compose: is the compose plugin installed?");
                }
                yield PLUGIN;
            }
            case "standalone" -> {
                if (!onPath(run.environment, "docker-compose")) {
                    throw Exit.badInput("cannot run docker-compose: is it installed and on PATH?");
                }
                yield STANDALONE;
            }
            case "auto" -> {
                // Looked up as docker and the shell look them up, without starting a program: that is a docker call
                // (and for docker-compose, Python) only to ask.
                if (pluginInstalled(run)) {
                    yield PLUGIN;
                }
                if (onPath(run.environment, "docker-compose")) {
                    yield STANDALONE;
                }
                if (run.commands.ask(Docker.composeVersion()) != null) {
                    yield PLUGIN;
                }
                throw Exit.badInput("neither `docker compose` nor `docker-compose` is installed: install Docker Compose");
            }
            default -> throw Exit.badInput("--compose must be auto, plugin or standalone, not " + choice);
        };
    }

    /** The compose plugin where docker looks for its plugins. */
    static boolean pluginInstalled(ScriptRun run) {
        Path plugin = DockerConfig.plugin(run.environment, run.directory, "docker-compose");
        return plugin != null && Files.isExecutable(plugin);
    }

    static boolean onPath(Map<String, String> environment, String program) {
        for (String folder : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (folder.startsWith("/") && Files.isExecutable(Path.of(folder, program))) {   // as Commands finds programs
                return true;
            }
        }
        return false;
    }

    /** The port a service is published on (HTTP_PORT): 1 to 65535. */
    static int port(int port) {
        if (port < 1 || port > 65535) {
            throw Exit.badInput("the port " + port + " (--port or HTTP_PORT) is not a TCP port: use 1 to 65535");
        }
        return port;
    }

    /** A project name unique to this run: compose allows lowercase letters, digits, - and _. */
    static String project(Component component, String step, String run) {
        return (component.name + "-" + step + "-" + run).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    }

    /** The names {@link #project} gives this component's runs: NAME-STEP-RUNID, for the steps that run compose (test, package, run). */
    static Pattern projects(Component component) {
        String steps = String.join("|", Step.making(PROJECT.word()).stream().map(Step::name).toList());
        return Pattern.compile(Pattern.quote(project(component, "", "").replaceAll("--$", "")) + "-(" + steps + ")-[0-9a-f]{8}");
    }

    /**
     * Whether PROJECT is one of this component's runs from DIRECTORY: named as the kit names them,
     * and every container of it made from this repository's docker/ folder (compose labels each
     * container with the folder of its compose file).
     */
    static boolean ownProject(ScriptRun run, Component component, String project) {
        if (!projects(component).matcher(project).matches()) {
            return false;
        }
        String folders = run.commands.ask(Docker.listContainers(List.of("com.docker.compose.project=" + project),
                "{{.Label \"com.docker.compose.project.working_dir\"}}"));
        String mine = run.directory.resolve("docker").toString();
        // at least one container must show the folder: a project with only a network or volume left proves nothing
        return folders != null && !folders.isBlank() && folders.lines().allMatch(mine::equals);
    }

    /** Removes a project's containers, networks and volumes by compose's label, without its compose file. */
    static void removeProject(ScriptRun run, String project) {
        for (String kind : List.of("container", "network", "volume")) {
            String ids = run.commands.ask(Docker.ids(kind, "com.docker.compose.project=" + project));
            if (ids != null && !ids.isBlank()) {
                run.commands.cleanUp(Docker.removeAll(kind, List.of(ids.split("\\s+"))));
            }
        }
    }

    /**
     * A compose command on the step's file, and, when the file fixes container names, an override
     * that gives each such container a name of this run's own (written once the run is locked;
     * in a dry run printed as the here-document that writes it).
     */
    List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of("-p", project, "-f", file));
        if (!renames.isEmpty() && !arguments[0].equals("down")) {
            command.addAll(List.of("-f", override().toString()));
        }
        command.addAll(List.of(arguments));
        return command;
    }

    /** The override file: the same `version:` as the step's file (compose 1.29 wants them equal), and each fixed name made this run's. */
    private Path override() {
        if (override == null && run.locked()) {
            override = run.temporaryRoot().resolve("pipkit-compose-" + project + ".yml");
            StringBuilder text = new StringBuilder();
            java.util.regex.Matcher version = Pattern.compile("(?m)^version:.*$").matcher(Repository.read(run.directory, file));
            if (version.find()) {
                text.append(version.group()).append('\n');
            }
            text.append("services:\n");
            renames.forEach((service, name) -> text.append("  ").append(service).append(":\n    container_name: ").append(name).append('-').append(project).append('\n'));
            if (run.changesFiles()) {
                override = run.temporaryFile("compose", text.toString());
                run.console.step("fixed container names made this run's own: " + String.join(", ", renames.values()));
            } else {
                run.console.print("cat > " + override + " <<'EOF'\n" + text + "EOF");
            }
        }
        return override == null ? run.temporaryRoot().resolve("pipkit-compose-" + project + ".yml") : override;
    }

    /**
     * `build` of SERVICES (none named: all). The standalone compose builds with the legacy builder,
     * which leaves a failed step's container behind unless told not to, as `docker build` is (--force-rm).
     */
    List<String> build(List<String> services) {
        List<String> command = command("build");
        if (program.equals(STANDALONE)) {
            command.add("--force-rm");
        }
        command.addAll(services);
        return command;
    }

    /**
     * How long a stopping container gets before it is killed: its run is over (the tests ended,
     * the check passed), and what it holds goes with `down` anyway.
     */
    static final String STOP_SECONDS = "5";

    /** `down`, removing the run's containers, networks and anonymous volumes. */
    List<String> down() {
        return command("down", "--volumes", "--remove-orphans", "--timeout", STOP_SECONDS);
    }

    /**
     * Brings the project down now and again when the script ends, however it ends. The first
     * `down` also proves that compose reads the file and reaches the engine.
     */
    void downBeforeAndAfter() {
        Commands.Outcome first = run.commands.attemptQuietly(down(), environment, null);
        if (first.exit() != 0 && run.commands.ask(command("config", "--quiet"), environment) == null) {
            // compose could not even read the file: say so, rather than "down failed"
            throw Exit.badInput(file + " is not a compose file compose can read (" + first.reason(run.console) + "): fix it, `"
                    + Commands.shell(command("config")) + "` shows where");
        }
        first.orFail("docker compose down", run.console);
        run.track(PROJECT, project, () -> run.commands.cleanUp(down(), environment));
    }

    /**
     * How a service's container ended, read from the engine after `up`: "STATUS EXIT STARTED", e.g.
     * "exited 0 2026-11-25T10:00:00Z", or null when compose never created it. By label, as both
     * compose flavours set them, so the answer does not depend on what `compose ps` lists.
     */
    String containerState(String service) {
        String id = run.commands.ask(Docker.containers(List.of("com.docker.compose.project=" + project, "com.docker.compose.service=" + service)));
        if (id == null || id.isBlank()) {
            return null;
        }
        return run.commands.ask(Docker.state(id.lines().findFirst().orElseThrow()));
    }

    /** What the run means: the exit code to end with and the line that says why. */
    record Verdict(int exit, String message) {
    }

    /**
     * Pass or fail from the test container's own end, not from compose's exit code alone: Compose
     * 2.26 returns 0 when another service exits first and the test container is stopped (docker/compose#11712).
     * STATE is {@link #containerState}'s answer.
     */
    static Verdict verdict(int composeExit, String state) {
        if (state == null) {
            return new Verdict(Exit.FAILED, "the test container never started (docker compose up exited with " + composeExit + "): see the output above");
        }
        String[] parts = state.split(" ");
        if (parts.length < 3 || parts[2].startsWith("0001-") || !parts[1].matches("-?[0-9]+")) {
            return new Verdict(Exit.FAILED, "the test container was created but never started (docker compose up exited with " + composeExit + "): see the output above");
        }
        int exit = Integer.parseInt(parts[1]);
        if (!parts[0].equals("exited")) {
            return new Verdict(Exit.FAILED, "the test container did not finish (it is " + parts[0] + "; docker compose up exited with " + composeExit + ")");
        }
        if (exit == 137 || exit == 143) {
            return new Verdict(exit, "the test container was stopped before it finished (exit " + exit + "): another service probably exited first; the logs are above");
        }
        if (exit != 0) {
            return new Verdict(exit, "tests failed: the test container exited with " + exit + " (its log is above)");
        }
        if (composeExit != 0) {
            return new Verdict(composeExit, "docker compose up failed (exit " + composeExit + ") although the test container exited with 0: see the output above");
        }
        return new Verdict(Exit.OK, "");
    }

    /** The names of the file's services (a read-only question, asked in a dry run too). */
    List<String> services() {
        String names = run.commands.ask(command("config", "--services"), environment);
        return names == null || names.isBlank() ? List.of() : List.of(names.strip().split("\\R"));
    }

    /** Runs a compose command, its output streaming through; returns its exit code. */
    int run(String... arguments) {
        return run.commands.attempt(command(arguments), environment).exit();
    }

    /** Runs a compose command and fails with one line when it fails. */
    void check(String what, String... arguments) {
        run.commands.step(what, command(arguments), environment);
    }

    /** Prints the last lines of every service's log, after a failure. */
    void showLogs(int lines) {
        if (!run.dryRun) {
            run.console.step("last " + lines + " lines of each service's log");
            run.commands.logs(command("logs", "--no-color", "--tail", Integer.toString(lines)), environment);
        }
    }
}
