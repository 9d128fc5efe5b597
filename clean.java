///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Removes this component's build outputs, images, and whatever its killed runs left in the engine; nothing else (replaces clean.ps1).
//SOURCES lib/Kit.java

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;

class Clean implements Callable<Integer>, Cli.Declared {
    static final String PROJECT_LABEL = "com.docker.compose.project";

    final Kit.Options options = new Kit.Options();
    boolean latest;
    boolean allFolders;
    boolean allBuilds;

    @Override
    public void declare(Cli cli) {
        cli.usage("clean", "Removes the outputs build.java copied out, this build's -build, -test and -rc images, and the containers, networks "
                + "and volumes the kit's runs of this component left behind. Other projects' containers and images are never touched.",
                "  NO_COLOR",
                "%nExample:",
                "  ./jbang clean.java --dry-run");
        cli.mixin("options", options);
        cli.flag("--latest", "Also remove <registry>/<name>:latest.", on -> latest = on);
        cli.flag("--all-folders", "Also remove what runs of this component from other folders (other checkouts, other CI jobs on "
                + "this engine) made, even while they run. By default only this folder's finished runs are removed.", on -> allFolders = on);
        cli.flag("--all-builds", "Remove the -build, -test and -rc images of every version and build, not just the current one.", on -> allBuilds = on);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Clean(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        Outputs outputs = Outputs.plan(run, component, List.of(), "");
        List<String> failures = new ArrayList<>();

        run.lock(component, "clean");
        run.console.step("removing build outputs");
        outputs.removePrevious();

        run.console.step("removing containers, networks and volumes left by the kit's runs of " + component.name
                + (allFolders ? " (from every folder)" : " from this folder"));
        // each step's journal in this folder: what a killed run of it left (temp files included), as its next run would remove it
        List<String> live = new ArrayList<>();
        for (Step step : Step.ALL.stream().filter(step -> !step.makes().isEmpty()).toList()) {
            if (RunLock.running(run.directory, step.name())) {
                live.add(step.name());
                run.console.step("a " + step.name() + " is running in this folder: what it made is left alone");
            } else if (!run.dryRun) {
                RunLock left = RunLock.ifLeft(run.directory, run.console, step.name());
                if (left != null) {
                    run.reap(component, step.name(), left.left);
                    left.release();
                }
            }
        }
        // then what the engine holds by the kit's labels, journalled or not (another folder's, with --all-folders)
        List<String> filters = new ArrayList<>(List.of(Docker.LABEL + ".component=" + component.name));
        if (!allFolders) {
            filters.add(Docker.LABEL + ".folder=" + run.directory);
        }
        List<String> containers = lines(run.commands.require("containers", Docker.listContainers(filters, "{{.ID}} {{.Label \"" + Docker.LABEL + ".step\"}}")));
        remove(run, failures, "containers", containers.stream().filter(line -> !live.contains(line.substring(line.indexOf(' ') + 1)))
                .map(line -> line.split(" ")[0]).toList(), ids -> Docker.removeAll("container", ids));
        for (String project : projects(run, component)) {
            boolean running = live.stream().anyMatch(step -> project.startsWith(Compose.project(component, step, "")));
            if (!running && (allFolders || Compose.ownProject(run, component, project))) {
                Compose.removeProject(run, project);
            }
        }

        run.console.step("removing images of " + component.repository());
        // an image a container still uses (a live run's, or another project's) cannot go: left alone, not a failure
        List<String> used = lines(run.commands.require("containers", Docker.listContainers(List.of(), "{{.Image}}")));
        List<String> images = images(run, component);
        for (String image : images.stream().filter(used::contains).toList()) {
            run.console.step(image + " is used by a container: left alone");
        }
        remove(run, failures, "images", images.stream().filter(image -> !used.contains(image)).toList(), Docker::removeImages);
        // rebuilding a tag leaves the image it pointed to untagged; those of this component carry its label
        // (a container of an untagged image names it by its short id)
        remove(run, failures, "untagged images", notAnotherFolders(run, Docker::untagged, List.of(Docker.LABEL + ".component=" + component.name)).stream()
                .filter(id -> !used.contains(id)).toList(), Docker::removeImages);

        if (!failures.isEmpty()) {
            throw Exit.failure("could not remove " + String.join(", ", failures) + " (see above)");
        }
        run.console.step(run.dryRun ? "dry run: nothing was removed" : "cleared " + component.name);
        return Exit.OK;
    }

    /** The compose projects of this component's runs: "<name>-<step>-<run id>", as Compose.project names them. */
    static List<String> projects(ScriptRun run, Component component) {
        Pattern mine = Compose.projects(component);
        List<String> projects = new ArrayList<>();
        for (String kind : List.of("container", "network", "volume")) {
            for (String project : lines(run.commands.require("compose projects", Docker.labelled(kind, PROJECT_LABEL)))) {
                if (mine.matcher(project).matches() && !projects.contains(project)) {
                    projects.add(project);
                }
            }
        }
        return projects;
    }

    /**
     * What LISTING (docker images with label FILTERS) lists, less what another folder built: an image
     * the kit built carries its folder's label (a component.json naming another component removes
     * nothing another checkout built); one compose built carries none and stays a candidate.
     * With --all-folders, all of it.
     */
    List<String> notAnotherFolders(ScriptRun run, Function<List<String>, List<String>> listing, List<String> filters) {
        List<String> all = lines(run.commands.require("images", listing.apply(filters)));
        if (allFolders || all.isEmpty()) {
            return all;
        }
        List<String> built = lines(run.commands.require("images", listing.apply(Kit.join(filters, List.of(Docker.LABEL + ".folder")))));
        List<String> here = lines(run.commands.require("images", listing.apply(Kit.join(filters, List.of(Docker.LABEL + ".folder=" + run.directory)))));
        return all.stream().filter(each -> !built.contains(each) || here.contains(each)).toList();
    }

    /** This component's image tags to remove, but another folder's: by tag, so an image another tag shares survives under that tag. */
    List<String> images(ScriptRun run, Component component) {
        String build = allBuilds ? "[A-Za-z0-9_.-]+" : Pattern.quote(component.buildTag());
        Pattern mine = Pattern.compile(build + "-(build|test|rc)(-[A-Za-z0-9_.-]+)?" + (latest ? "|latest" : ""));
        // the release image's tags from component.json's docker artifacts (<version>-<build>), this build's
        List<String> artifacts = component.releaseImages().stream().filter(image -> !image.endsWith(":latest")).toList();
        List<String> images = new ArrayList<>();
        for (String tag : notAnotherFolders(run, filters -> Docker.tags(component.repository(), filters), List.of())) {
            String image = component.repository() + ":" + tag;
            if (mine.matcher(tag).matches() || artifacts.contains(image)) {
                images.add(image);
            }
        }
        return images;
    }

    /** Removes ITEMS (when there are any) with the COMMAND for them; a failure is noted under WHAT (its output shown), and the others go on. */
    static void remove(ScriptRun run, List<String> failures, String what, List<String> items, Function<List<String>, List<String>> command) {
        if (items.isEmpty()) {
            return;
        }
        Commands.Outcome outcome = run.commands.attemptQuietly(command.apply(items), Map.of(), null);
        if (outcome.exit() != 0) {
            if (!outcome.shown()) {
                run.console.err.print(run.console.mask(outcome.tail().text()));
            }
            failures.add(what);
        }
    }

    static List<String> lines(String text) {
        return text == null || text.isBlank() ? new ArrayList<>() : new ArrayList<>(List.of(text.strip().split("\\R")));
    }
}
