///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Runs build, test and package (and publish, release when asked) in order, stops at the first failure, and prints a summary.
//SOURCES lib/Kit.java
//SOURCES build.java test.java package.java publish.java release.java
//MAIN Pipeline

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

class Pipeline implements Callable<Integer>, Cli.Declared {
    final Kit.Options options = new Kit.Options();
    boolean publish;
    boolean release;
    final Compose.Flavour flavour = new Compose.Flavour();
    final ImageBuild.Options building = new ImageBuild.Options();
    final ImageBuild.Release platforms = new ImageBuild.Release();
    String json;

    /** A stage of the pipeline: a step's command, its arguments, and the image it leaves. */
    record Stage(String name, Supplier<Cli.Declared> command, List<String> arguments, Function<Component, String> image) {
    }

    record Result(String step, String result, int exit, double seconds, String image) {
    }

    @Override
    public void declare(Cli cli) {
        cli.usage("pipeline", "Runs build.java, test.java and package.java (then publish.java with --publish, release.java with --release) in this order, in one JVM; stops at "
                + "the first step that fails, with that step's exit code, and ends with a table of steps, results, durations and images.",
                "  everything the steps read (see each script's --help)",
                "%nExample:",
                "  BUILD_NUMBER=42 ./jbang pipeline.java --publish --json pipeline.json");
        cli.mixin("options", options);
        cli.flag("--publish", "Publish the release image after package.", on -> publish = on);
        cli.flag("--release", "Publish the component's library packages last (release.java).", on -> release = on);
        cli.mixin("flavour", flavour);
        cli.mixin("building", building);
        cli.mixin("platforms", platforms);
        cli.option("--json", "FILE", "Also write the summary as JSON to FILE (- for stdout), for CI.", String.class, value -> json = value);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Pipeline(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Path directory = run.directory;
        List<String> common = new ArrayList<>(List.of("-C", directory.toString()));
        if (options.dryRun) {
            common.add("--dry-run");
        }
        if (options.verbose) {
            common.add("--verbose");
        }
        if (options.quiet) {
            common.add("--quiet");
        }
        List<String> images = new ArrayList<>(common);
        add(images, "--cache", building.cache);
        add(images, "--builder", building.builder);
        List<String> compose = new ArrayList<>(images);
        compose.addAll(List.of("--compose", flavour.name));
        Path summary = summaryFile(directory);
        if (platforms.any() && !publish) {
            throw Exit.badInput("--platform, --provenance and --sbom are publish's: add --publish");
        }
        if (publish && platforms.any()) {
            // the builder must be able to push what publish will build: said before build, test and package change anything
            Component component = Component.read(directory);
            ImageBuild.plan(run, component, building, "release").pushOptions(component, platforms);
        }
        List<String> pushed = new ArrayList<>(images);
        add(pushed, "--platform", platforms.platforms);
        add(pushed, "--provenance", platforms.provenance);
        add(pushed, "--sbom", platforms.sbom);
        List<Stage> stages = new ArrayList<>(List.of(
                new Stage("build", Build::new, images, Component::buildImage),
                new Stage("test", Test::new, compose, Component::testImage),
                new Stage("package", Package::new, compose, Component::releaseImage)));
        if (publish) {
            stages.add(new Stage("publish", Publish::new, pushed, component -> String.join(" ", component.releaseImages())));
        }
        if (release) {
            stages.add(new Stage("release", Release::new, common, component -> component.name + " " + component.version));
        }

        List<Result> results = new ArrayList<>();
        int exit = Exit.OK;
        boolean library = PackageStep.library(directory);
        for (Stage stage : stages) {
            if (exit != Exit.OK || library && PackageStep.RELEASE_STEPS.contains(stage.name())) {
                results.add(new Result(stage.name(), "skipped", 0, 0, ""));
                continue;
            }
            run.console.step("step " + stage.name());
            long started = System.nanoTime();
            exit = Kit.execute(stage.command().get(), options.seams, stage.arguments().toArray(String[]::new));
            double seconds = (System.nanoTime() - started) / 1e9;
            String image = exit == Exit.OK || stage.name().equals("test") ? imageOf(directory, stage) : "";
            results.add(new Result(stage.name(), exit == Exit.OK ? "passed" : "failed", exit, seconds, image));
        }
        if (library) {
            run.console.step(PackageStep.LIBRARY + ": package and publish skipped" + (release ? "" : " (--release publishes its packages)"));
        }
        printTable(run.console, results);
        if (json != null && !(options.dryRun && summary != null)) {
            writeJson(run.console, results, exit, summary);
        }
        return exit;
    }

    /** OPTION=VALUE onto ARGUMENTS, when the value was given. */
    private static void add(List<String> arguments, String option, String value) {
        if (value != null) {
            arguments.add(option + "=" + value);
        }
    }

    private static String imageOf(Path directory, Stage stage) {
        try {
            return stage.image().apply(Component.read(directory));
        } catch (Exit.Failure e) {
            return "";
        }
    }

    private static void printTable(Console console, List<Result> results) {
        StringBuilder table = new StringBuilder(String.format("%n%-8s  %-7s  %8s  %s%n", "STEP", "RESULT", "TIME", "IMAGE"));
        for (Result result : results) {
            String time = result.result().equals("skipped") ? "-" : String.format("%.1f s", result.seconds());
            table.append(String.format("%-8s  %-7s  %8s  %s%n", result.step(), result.result(), time, result.image()));
        }
        console.err.print(console.mask(table.toString()));
    }

    /**
     * Where --json writes (null: stdout or none). In the repository, a path that is or passes
     * through a link is refused before any step runs: a committed link would send the summary over
     * any file the CI can write.
     */
    private Path summaryFile(Path directory) {
        if (json == null || json.equals("-")) {
            return null;
        }
        Path file = Path.of(json).toAbsolutePath().normalize();
        if (!Files.isDirectory(file.getParent())) {
            throw Exit.badInput("--json " + json + ": the folder " + file.getParent() + " does not exist");
        }
        if (file.startsWith(directory)) {
            Repository.resolve(directory, directory.relativize(file).toString(), "--json");
        }
        return file;
    }

    /** The summary as JSON on stdout, or into FILE through a new file moved over it: never written through a link or a hard link. */
    private static void writeJson(Console console, List<Result> results, int exit, Path file) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("result", exit == Exit.OK ? "passed" : "failed");
        summary.put("exit", exit);
        summary.put("steps", results);
        try {
            String text = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(summary) + "\n";
            if (file == null) {
                console.out.print(text);
            } else {
                Path part = Files.createTempFile(file.getParent(), ".pipkit-summary-", ".part");
                try {
                    Files.writeString(part, text);
                    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(part);
                }
            }
        } catch (IOException e) {
            throw Exit.failure("cannot write " + file + ": " + e.getMessage());
        }
    }
}
