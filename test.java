///usr/bin/env jbang "$0" "$@" ; exit $?
//DESCRIPTION Runs the component's tests in docker/docker-compose.test.yml and exits with the test container's exit code (replaces test.ps1).
//SOURCES lib/Kit.java

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
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        Compose compose = Compose.forStep(run, flavour.name, component, "test", COMPOSE_FILE);
        compose.environment.put("IMAGE", component.testImage());

        run.lock(component, "test");
        run.console.step("building " + component.testImage() + " (compose project " + compose.project + ")");
        compose.downBeforeAndAfter();
        Commands.Outcome build = run.commands.attempt(compose.command("build"), compose.environment);
        if (build.exit() != 0) {
            throw Kit.failure("the test image did not build (docker compose build: " + build.reason(run.console) + "): no test ran; the build's output is above");
        }
        run.console.step("testing " + component.testImage());
        int up = compose.run("up", "--abort-on-container-exit", "--exit-code-from", SERVICE);
        if (run.dryRun) {
            run.console.step("dry run: nothing was changed");
            return Kit.OK;
        }
        Compose.Verdict verdict = Compose.verdict(up, compose.containerState(SERVICE));
        if (verdict.exit() != 0) {
            compose.showLogs(30);
            run.console.error(verdict.message());
            return verdict.exit();
        }
        run.console.step("tests passed");
        return Kit.OK;
    }
}
