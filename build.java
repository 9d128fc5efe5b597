///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Builds the component's build image and copies the compiled outputs out of it (replaces build.ps1).
//SOURCES lib/Kit.java

import java.util.List;
import java.util.concurrent.Callable;

class Build implements Callable<Integer>, Cli.Declared {
    static final String DOCKERFILE = "docker/Dockerfile.build";

    final Kit.Options options = new Kit.Options();
    final Kit.Retry retry = new Kit.Retry();
    final ImageBuild.Options building = new ImageBuild.Options();
    List<String> outputs;
    String buildNumber;

    @Override
    public void declare(Cli cli) {
        cli.usage("build", "Builds <registry>/<name>:<version>-<build>-build from docker/Dockerfile.build and copies the compiled outputs "
                + "out of it. The CI's build number, when a CI set one, is written into component.json first.",
                "  BUILD_NUMBER, GITHUB_RUN_NUMBER, TRAVIS_BUILD_NUMBER, CI_PIPELINE_IID, BUILD_BUILDID, BITBUCKET_BUILD_NUMBER, CIRCLE_BUILD_NUM (the build number, first set wins)",
                "  GIT_PRIVATE_KEY, NPM_TOKEN (private dependencies, for the images that ask)",
                "  BUILD_CACHE (true, false or a repository: the registry cache), BUILDX_BUILDER",
                "  RETRY=true (run once more when it fails), NO_COLOR",
                "%nExample:",
                "  BUILD_NUMBER=42 ./jbang build.java --output /app/obj:obj");
        cli.mixin("options", options);
        cli.mixin("retry", retry);
        cli.mixin("building", building);
        cli.list("--output", "FROM[:TO]", "Copy FROM (a path in the image) to TO (default: its last part); repeatable. Overrides component.json's \"outputs\".",
                String.class, values -> outputs = values);
        cli.option("--build-number", "N", "Use this build number instead of the CI's.", String.class, number -> buildNumber = number);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Build(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory).takeBuildNumber(run.environment, run.console, buildNumber);
        String dockerfile = Repository.read(run.directory, DOCKERFILE);
        Outputs outputs = Outputs.plan(run, component, this.outputs, dockerfile);
        outputs.checkDestinations();
        Credentials credentials = Credentials.needed(run, DOCKERFILE, dockerfile);
        ImageBuild image = ImageBuild.plan(run, component, building, "build");
        image.allow(credentials, "the build image");

        run.lock(component, "build");
        if (run.changesFiles()) {
            component.write();
        }
        outputs.setAsidePrevious();   // back in place if the build fails
        credentials.notLeftIn(component.buildImage());
        Credentials.Build secrets = credentials.provide();
        run.console.step("building image " + component.buildImage());
        image.readCache();
        Commands.Outcome built = run.commands.attempt(Docker.build(DOCKERFILE, List.of(component.buildImage()), component.imageLabels(),
                Kit.join(secrets.options(), image.options())), secrets.environment());
        credentials.withdraw(built);
        built.orFail("docker build", run.console);
        image.writeCache();

        if (outputs.list.isEmpty()) {
            run.console.step("no outputs to copy (language \"" + component.language() + "\"): the build image is the result");
        } else {
            outputs.copyOut(component);
        }
        outputs.dropPrevious();
        run.console.step(run.dryRun ? "dry run: nothing was changed" : "built " + component.buildImage());
        return Exit.OK;
    }
}
