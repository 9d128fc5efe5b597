///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Removes this component's build outputs, images, and whatever its killed runs left in the engine; nothing else (replaces clean.ps1).
//SOURCES lib/Kit.java

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "clear",
        description = "Removes the outputs build.java copied out, this build's -build, -test and -rc images, and the containers, networks "
                + "and volumes the kit's runs of this component left behind. Other projects' containers and images are never touched.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  NO_COLOR",
            "%nExample:",
            "  ./jbang clear.java --dry-run"})
class Clear implements Callable<Integer> {
    static final String PROJECT_LABEL = "com.docker.compose.project";

    @Mixin
    Kit.Options options;

    @Option(names = "--latest", description = "Also remove <registry>/<name>:latest.")
    boolean latest;

    @Option(names = "--all-folders", description = "Also remove what runs of this component from other folders (other checkouts, other CI jobs on "
            + "this engine) made, even while they run. By default only this folder's finished runs are removed.")
    boolean allFolders;

    @Option(names = "--all-builds", description = "Remove the -build, -test and -rc images of every version and build, not just the current one.")
    boolean allBuilds;

    public static void main(String... args) {
        System.exit(Kit.run(new Clear(), args));
    }

    @Override
    public Integer call() {
        Path directory = options.directory();
        Docker docker = new Docker(directory, options.dryRun);
        Component component = Component.read(directory);
        List<String> failures = new ArrayList<>();

        RunLock.acquire(component, "clear", docker);
        Kit.step("removing build outputs");
        Outputs.plan(directory, component, List.of()).removePrevious(docker);

        Kit.step("removing containers, networks and volumes left by the kit's runs of " + component.name
                + (allFolders ? " (from every folder)" : " from this folder"));
        List<String> live = new ArrayList<>();
        for (String step : List.of("build", "test", "package", "run")) {
            if (RunLock.running(directory, step)) {
                live.add(step);
                Kit.step("a " + step + " is running in this folder: what it made is left alone");
            }
        }
        List<String> containers = new ArrayList<>(List.of("docker", "ps", "-a", "--filter", "label=" + Kit.LABEL + ".component=" + component.name,
                "--format", "{{.ID}} {{.Label \"" + Kit.LABEL + ".step\"}}"));
        if (!allFolders) {
            containers.addAll(2, List.of("--filter", "label=" + Kit.LABEL + ".folder=" + directory));
        }
        remove(docker, failures, "containers", List.of("docker", "rm", "--force", "--volumes"), lines(docker.list("containers", containers)).stream()
                .filter(line -> !live.contains(line.substring(line.indexOf(' ') + 1))).map(line -> line.split(" ")[0]).toList());
        for (String project : projects(docker, component)) {
            boolean running = live.stream().anyMatch(step -> project.startsWith(Compose.project(component, step, "")));
            if (!running && (allFolders || Compose.ownProject(docker, component, project, directory))) {
                Compose.removeProject(docker, project);
            }
        }

        Kit.step("removing images of " + component.repository());
        // an image a container still uses (a live run's, or another project's) cannot go: left alone, not a failure
        List<String> used = lines(docker.list("containers", List.of("docker", "ps", "-a", "--format", "{{.Image}}")));
        List<String> images = images(docker, component);
        for (String image : images.stream().filter(used::contains).toList()) {
            Kit.step(image + " is used by a container: left alone");
        }
        remove(docker, failures, "images", List.of("docker", "rmi"), images.stream().filter(image -> !used.contains(image)).toList());
        // rebuilding a tag leaves the image it pointed to untagged; those of this component carry its label
        remove(docker, failures, "untagged images", List.of("docker", "rmi"), lines(docker.list("images", List.of("docker", "images", "-q",
                "--filter", "dangling=true", "--filter", "label=" + Kit.LABEL + ".component=" + component.name))));

        if (!failures.isEmpty()) {
            throw Kit.failure("could not remove " + String.join(", ", failures) + " (see above)");
        }
        Kit.step(docker.dryRun() ? "dry run: nothing was removed" : "cleared " + component.name);
        return Kit.OK;
    }

    /** The compose projects of this component's runs: "<name>-<step>-<run id>", as Compose.project names them. */
    static List<String> projects(Docker docker, Component component) {
        Pattern mine = Compose.projects(component);
        List<String> projects = new ArrayList<>();
        for (String kind : List.of("ps -a", "network ls", "volume ls")) {
            List<String> command = new ArrayList<>(List.of("docker"));
            command.addAll(List.of(kind.split(" ")));
            command.addAll(List.of("--filter", "label=" + PROJECT_LABEL, "--format", "{{.Label \"" + PROJECT_LABEL + "\"}}"));
            for (String project : lines(docker.list("compose projects", command))) {
                if (mine.matcher(project).matches() && !projects.contains(project)) {
                    projects.add(project);
                }
            }
        }
        return projects;
    }

    /** This component's image tags to remove: by tag, so an image another tag shares survives under that tag. */
    List<String> images(Docker docker, Component component) {
        String build = allBuilds ? "[A-Za-z0-9_.-]+" : Pattern.quote(component.buildTag());
        Pattern mine = Pattern.compile(build + "-(build|test|rc)(-[A-Za-z0-9_.-]+)?" + (latest ? "|latest" : ""));
        List<String> images = new ArrayList<>();
        for (String tag : lines(docker.list("images", List.of("docker", "images", "--format", "{{.Tag}}", component.repository())))) {
            if (mine.matcher(tag).matches()) {
                images.add(component.repository() + ":" + tag);
            }
        }
        return images;
    }

    static void remove(Docker docker, List<String> failures, String what, List<String> command, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        List<String> full = new ArrayList<>(command);
        full.addAll(items);
        Docker.Outcome outcome = docker.run(full, Map.of(), Kit.verbose);
        if (outcome.exit() != 0) {
            if (!outcome.shown()) {
                System.err.print(Kit.mask(outcome.tail().text()));
            }
            failures.add(what);
        }
    }

    static List<String> lines(String text) {
        return text == null || text.isBlank() ? new ArrayList<>() : new ArrayList<>(List.of(text.strip().split("\\R")));
    }
}
