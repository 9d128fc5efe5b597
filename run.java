///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Runs the release image with docker/docker-compose.yml in the foreground; Ctrl-C brings it all down (replaces run.ps1).
//SOURCES lib/Kit.java

import java.util.concurrent.Callable;

class Run implements Callable<Integer>, Cli.Declared {
    static final String COMPOSE_FILE = "docker/docker-compose.yml";

    final Kit.Options options = new Kit.Options();
    final Compose.Flavour flavour = new Compose.Flavour();
    boolean detach;
    int port;

    @Override
    public void declare(Cli cli) {
        cli.usage("run", "Starts docker/docker-compose.yml with IMAGE=<registry>/<name>:<version>-<build>-rc in the foreground, streaming "
                + "the logs; Ctrl-C (or the service stopping) brings everything down. --detach leaves it running.",
                "  HTTP_PORT (published port)",
                "  IMAGE (set for compose)",
                "  NO_COLOR",
                "%nExample:",
                "  ./jbang run.java --detach");
        cli.mixin("options", options);
        cli.mixin("flavour", flavour);
        cli.flag("-d, --detach", "Start in the background, print how to stop it, and return.", on -> detach = on);
        cli.option("--port", "PORT", "Host port for the service (env HTTP_PORT; default 8080).", int.class, value -> port = value).defaultValue("${env:HTTP_PORT:-8080}");
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Run(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        Compose compose = Compose.forStep(run, flavour.name, component, "run", COMPOSE_FILE);
        compose.environment.put("IMAGE", component.releaseImage());
        compose.environment.put("HTTP_PORT", Integer.toString(Compose.port(port)));

        run.lock(component, "run");
        run.console.step("running " + component.releaseImage() + " on port " + port + " (compose project " + compose.project + ")");
        if (detach) {
            compose.check("docker compose up", "up", "-d");
            run.console.step("running in the background; to stop it, run this in " + run.directory + ":");
            run.console.print(Commands.shell(compose.down(), compose.environment));
            return Exit.OK;
        }
        compose.downBeforeAndAfter();
        int exit = compose.run("up", "--abort-on-container-exit");
        if (run.dryRun) {
            run.console.step("dry run: nothing was changed");
        } else if (exit != 0) {
            run.console.error("the service stopped with exit code " + exit);
            return exit;
        }
        return Exit.OK;
    }
}
