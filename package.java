///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Builds the release image (rc and latest) from docker/Dockerfile, starts it with docker/docker-compose.yml and checks that it answers (replaces package.ps1).
//SOURCES lib/Kit.java

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

class Package implements Callable<Integer>, Cli.Declared {
    final Kit.Options options = new Kit.Options();
    final Kit.Retry retry = new Kit.Retry();
    final ImageBuild.Options building = new ImageBuild.Options();
    final Compose.Flavour flavour = new Compose.Flavour();
    String host;
    int port;
    String route;
    int timeout;
    List<String> smoke = List.of();

    @Override
    public void declare(Cli cli) {
        cli.usage("package", "Builds <registry>/<name>:<version>-<build>-rc and :latest from docker/Dockerfile, starts docker/docker-compose.yml "
                + "with IMAGE=<rc image>, waits until http://HOST:PORT/ROUTE answers 2xx, sends the smoke requests, and brings it all down.",
                "  DOCKER_IP (or DOCKER_MACHINE_HOST), HTTP_PORT, HTTP_ROUTE (where the readiness probe goes; HTTP_PORT is also the published port)",
                "  DOCKER_HOST (a remote engine: probed on its host)",
                "  IMAGE (set for compose)",
                "  BUILD_CACHE (true, false or a repository: the registry cache), BUILDX_BUILDER",
                "  RETRY=true (run once more when it fails), NO_COLOR",
                "%nExample:",
                "  HTTP_PORT=18080 ./jbang package.java --smoke 'POST /v1/beacons/get_beacons {}'");
        cli.mixin("options", options);
        cli.mixin("retry", retry);
        cli.mixin("building", building);
        cli.mixin("flavour", flavour);
        cli.option("--host", "HOST", "Host to probe (env DOCKER_IP, else DOCKER_MACHINE_HOST; default: the engine's host, localhost for a local engine).",
                String.class, value -> host = value).defaultValue("${env:DOCKER_IP}");
        cli.option("--port", "PORT", "Published port to probe (env HTTP_PORT; default 8080).", int.class, value -> port = value).defaultValue("${env:HTTP_PORT:-8080}");
        cli.option("--route", "ROUTE", "Readiness route (env HTTP_ROUTE; default /heartbeat).",
                String.class, value -> route = value).defaultValue("${env:HTTP_ROUTE:-/heartbeat}");
        cli.option("--timeout", "SECONDS", "How long to wait for the service to answer (default 60).", int.class, value -> timeout = value).defaultValue("60");
        cli.list("--smoke", "'METHOD ROUTE [BODY]'", "A request that must answer 2xx once the service is ready; repeatable. Adds to component.json's \"smoke\".",
                String.class, values -> smoke = values);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Package(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        if (PackageStep.library(run.directory)) {
            run.console.step(PackageStep.LIBRARY + ": nothing to package; release.java publishes its packages");
            return Exit.OK;
        }
        Credentials credentials = Credentials.needed(run, PackageStep.DOCKERFILE, Repository.read(run.directory, PackageStep.DOCKERFILE)).neverInALayer();
        Compose compose = Compose.forStep(run, flavour.name, component, "package", PackageStep.COMPOSE_FILE);
        compose.environment.put("IMAGE", component.releaseImage());
        compose.environment.put("HTTP_PORT", Integer.toString(Compose.port(port)));
        if (timeout < 1) {
            throw Exit.badInput("--timeout " + timeout + ": wait at least 1 second");
        }
        List<PackageStep.Request> requests = PackageStep.smokeRequests(component, smoke);
        if (host == null || host.isBlank()) {
            // DOCKER_MACHINE_HOST: the .NET template's name for DOCKER_IP
            host = run.environment.getOrDefault("DOCKER_MACHINE_HOST", "");
        }
        if (host.isBlank()) {
            host = PackageStep.engineHost(run);
        }
        URI readiness = PackageStep.uri(host, port, route);
        Map<String, String> labels = PackageStep.labels(component, run);
        ImageBuild image = ImageBuild.plan(run, component, building, "release");
        image.allow(credentials, "the release image");

        run.lock(component, "package");
        run.console.step("building image " + String.join(" and ", component.releaseImages()));
        Credentials.Build secrets = credentials.provide();
        image.readCache();
        run.commands.step("docker build", PackageStep.build(component, labels, Kit.join(secrets.options(), image.options())), secrets.environment());
        image.writeCache();

        run.console.step("starting " + component.releaseImage() + " (compose project " + compose.project + ")");
        compose.downBeforeAndAfter();
        compose.check("docker compose up", "up", "-d");
        if (run.dryRun) {
            run.console.step("dry run: nothing was changed; would wait for " + readiness + ", then send " + requests.size() + " smoke request(s)");
            return Exit.OK;
        }

        Probe probe = new Probe();
        run.console.step("waiting up to " + timeout + " s for " + readiness);
        if (!PackageStep.waitUntilHealthy(run, compose, component, port, Duration.ofSeconds(timeout))
                || !probe.waitUntilReady(readiness, Duration.ofSeconds(timeout), Duration.ofMillis(100))) {
            compose.showLogs(50);
            throw Exit.failure("the service did not answer within " + timeout + " s: " + probe.lastError);
        }
        for (PackageStep.Request request : requests) {
            run.console.step("smoke: " + request.method() + " " + request.route());
            if (!probe.succeeds(request.method(), PackageStep.uri(host, port, request.route()), request.body())) {
                compose.showLogs(50);
                throw Exit.failure("smoke request failed: " + probe.lastError);
            }
        }
        run.console.step("packaged " + component.releaseImage() + "; the service answered");
        return Exit.OK;
    }
}
