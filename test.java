///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Runs the component's tests in docker/docker-compose.test.yml and exits with the test container's exit code (replaces test.ps1).
//SOURCES lib/Kit.java

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

class Test implements Callable<Integer>, Cli.Declared {
    static final String COMPOSE_FILE = "docker/docker-compose.test.yml";
    static final String SERVICE = "test";
    static final String DOCKERFILE = "docker/Dockerfile.test";

    final Kit.Options options = new Kit.Options();
    final Compose.Flavour flavour = new Compose.Flavour();
    final ImageBuild.Options building = new ImageBuild.Options();

    @Override
    public void declare(Cli cli) {
        cli.usage("test", "Builds <registry>/<name>:<version>-<build>-test and runs the service `test` of docker/docker-compose.test.yml "
                + "with its dependencies; exits with the test container's exit code. Everything the run started is brought down afterwards.",
                "  GIT_PRIVATE_KEY, NPM_TOKEN (private dependencies, when docker/Dockerfile.test asks)",
                "  BUILD_CACHE (true, false or a repository: the registry cache), BUILDX_BUILDER (then the kit builds the test image)",
                "  IMAGE (set for compose to the test image); TEST_CMD and the rest reach compose",
                "  NO_COLOR",
                "%nExample:",
                "  ./jbang test.java --compose standalone");
        cli.mixin("options", options);
        cli.mixin("flavour", flavour);
        cli.mixin("building", building);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Test(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        Compose compose = Compose.forStep(run, flavour.name, component, "test", COMPOSE_FILE);
        compose.environment.put("IMAGE", component.testImage());
        // the test image gets credentials as the build image does; compose cannot hand them over, nor use the registry cache or
        // a builder of the user's, so then the kit builds it
        String dockerfile = Files.exists(run.directory.resolve(DOCKERFILE)) ? Repository.read(run.directory, DOCKERFILE) : "";
        Credentials credentials = Credentials.needed(run, DOCKERFILE, dockerfile);
        ImageBuild image = ImageBuild.plan(run, component, building, "test");
        image.allow(credentials, "the test image");
        if (image.any() && dockerfile.isEmpty()) {
            run.console.warn("--cache and --builder apply to the images the kit builds: without " + DOCKERFILE + " compose builds the test image without them");
        }

        run.lock(component, "test");
        run.console.step("building " + component.testImage() + " (compose project " + compose.project + ")");
        credentials.notLeftIn(component.testImage());
        compose.downBeforeAndAfter();
        List<String> services = null;   // which services compose builds: null for all of them
        if (credentials.any() || image.any() && !dockerfile.isEmpty()) {
            Credentials.Build secrets = credentials.provide();
            image.readCache();
            Commands.Outcome built = run.commands.attempt(Docker.build(DOCKERFILE, List.of(component.testImage()), component.imageLabels(),
                    Kit.join(secrets.options(), image.options())), secrets.environment());
            credentials.withdraw(built);   // before compose builds the other services, whose context docker/ is too
            if (built.exit() != 0) {
                throw Exit.failure("the test image did not build (docker build: " + built.reason(run.console) + "): no test ran; the build's output is above");
            }
            image.writeCache();
            services = compose.services().stream().filter(service -> !service.equals(SERVICE)).toList();
        }
        if (services == null || !services.isEmpty()) {
            Commands.Outcome built = run.commands.attempt(compose.build(services == null ? List.of() : services), compose.environment);
            if (built.exit() != 0) {
                throw Exit.failure("the test image did not build (docker compose build: " + built.reason(run.console) + "): no test ran; the build's output is above");
            }
        }
        run.console.step("testing " + component.testImage());
        // once the tests end, the services beside them are stopped within STOP_SECONDS, not compose's 10
        int up = compose.run("up", "--no-build", "--abort-on-container-exit", "--exit-code-from", SERVICE, "--timeout", Compose.STOP_SECONDS);
        if (run.dryRun) {
            run.console.step("dry run: nothing was changed");
            return Exit.OK;
        }
        Compose.Verdict verdict = Compose.verdict(up, compose.containerState(SERVICE));
        if (verdict.exit() != 0) {
            compose.showLogs(30);
            run.console.error(verdict.message());
            return verdict.exit();
        }
        run.console.step("tests passed");
        return Exit.OK;
    }
}
