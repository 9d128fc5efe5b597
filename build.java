///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Builds the component's build image and copies the compiled outputs out of it (replaces build.ps1).
//SOURCES lib/Kit.java

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "build",
        description = "Builds <registry>/<name>:<version>-<build>-build from docker/Dockerfile.build and copies the compiled outputs "
                + "out of it. The CI's build number, when a CI set one, is written into component.json first.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  BUILD_NUMBER, GITHUB_RUN_NUMBER, TRAVIS_BUILD_NUMBER, CI_PIPELINE_IID, BUILD_BUILDID, BITBUCKET_BUILD_NUMBER, CIRCLE_BUILD_NUM (the build number, first set wins)",
            "  GIT_PRIVATE_KEY, NPM_TOKEN (private dependencies)",
            "  NO_COLOR",
            "%nExample:",
            "  BUILD_NUMBER=42 ./jbang build.java --output /app/obj:obj"})
class Build implements Callable<Integer> {
    static final String DOCKERFILE = "docker/Dockerfile.build";

    @Mixin
    Kit.Options options;

    @Option(names = "--output", paramLabel = "FROM[:TO]",
            description = "Copy FROM (a path in the image) to TO (default: its last part); repeatable. Overrides component.json's \"outputs\".")
    List<String> outputs;

    @Option(names = "--build-number", paramLabel = "N", description = "Use this build number instead of the CI's.")
    String buildNumber;

    public static void main(String... args) {
        System.exit(Kit.run(new Build(), args));
    }

    @Override
    public Integer call() {
        Path directory = options.directory();
        Docker docker = new Docker(directory, options.dryRun);
        Component component = Component.read(directory).takeBuildNumber(System.getenv(), buildNumber);
        String dockerfile = Kit.readDockerfile(directory, DOCKERFILE);
        Outputs outputs = Outputs.plan(directory, component, this.outputs);
        outputs.checkDestinations();
        Credentials credentials = Credentials.needed(directory, dockerfile, System.getenv(), docker);

        RunLock.acquire(component, "build", docker);
        if (!docker.dryRun()) {
            component.write();
        }

        outputs.removePrevious(docker);
        Credentials.Build secrets = credentials.provide(docker);
        Kit.step("building image " + component.buildImage());
        docker.run("docker build", Docker.build(DOCKERFILE, List.of(component.buildImage()), component.imageLabels(), secrets.options()),
                secrets.environment());

        if (outputs.list.isEmpty()) {
            Kit.step("no outputs to copy (language \"" + component.language() + "\"): the build image is the result");
        } else {
            String run = Kit.runId();
            String container = component.name + "-build-" + run;
            RunLock.note("container", container);
            Kit.atExit(() -> docker.runQuietly(Docker.remove(container)));
            docker.runHidden("docker create", Docker.create(container, component.buildImage(), component.labels(run, "build")));
            outputs.copyOut(docker, container, run);
        }
        Kit.step(docker.dryRun() ? "dry run: nothing was changed" : "built " + component.buildImage());
        return Kit.OK;
    }
}
