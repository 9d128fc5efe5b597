///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Runs the component's tests in docker/docker-compose.test.yml and exits with the test container's exit code (replaces test.ps1).
//SOURCES lib/Kit.java

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "test",
        description = "Builds <registry>/<name>:<version>-<build>-test and runs the service `test` of docker/docker-compose.test.yml "
                + "with its dependencies; exits with the test container's exit code. Everything the run started is brought down afterwards.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  IMAGE (set for compose to the test image)",
            "  NO_COLOR",
            "%nExample:",
            "  ./jbang test.java --compose standalone"})
class Test implements Callable<Integer> {
    static final String COMPOSE_FILE = "docker/docker-compose.test.yml";
    static final String SERVICE = "test";

    @Mixin
    Kit.Options options;

    @Mixin
    Compose.Flavour flavour;

    public static void main(String... args) {
        System.exit(Kit.run(new Test(), args));
    }

    @Override
    public Integer call() {
        Path directory = options.directory();
        Docker docker = new Docker(directory, options.dryRun);
        Component component = Component.read(directory);
        Compose compose = Compose.forStep(docker, flavour.name, component, "test", COMPOSE_FILE);
        compose.environment.put("IMAGE", component.testImage());

        RunLock.acquire(component, "test", docker);
        Kit.step("building " + component.testImage() + " (compose project " + compose.project + ")");
        compose.downBeforeAndAfter();
        Docker.Outcome build = docker.run(compose.command("build"), compose.environment, !Kit.quiet);
        if (build.exit() != 0) {
            throw Kit.failure("the test image did not build (docker compose build: " + build.reason() + "): no test ran; the build's output is above");
        }
        Kit.step("testing " + component.testImage());
        int up = compose.run("up", "--abort-on-container-exit", "--exit-code-from", SERVICE);
        if (docker.dryRun()) {
            Kit.step("dry run: nothing was changed");
            return Kit.OK;
        }
        Compose.Verdict verdict = Compose.verdict(up, compose.containerState(SERVICE));
        if (verdict.exit() != 0) {
            compose.showLogs(30);
            Kit.error(verdict.message());
            return verdict.exit();
        }
        Kit.step("tests passed");
        return Kit.OK;
    }
}
