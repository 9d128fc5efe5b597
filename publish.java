///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Pushes the release image (rc and latest) to the component's registry, logging in with DOCKER_USER/DOCKER_PASS when set (replaces publish.ps1).
//SOURCES lib/Kit.java

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

class Publish implements Callable<Integer>, Cli.Declared {
    final Kit.Options options = new Kit.Options();
    List<String> tags;
    int retries;
    boolean keepLogin;
    final ImageBuild.Options building = new ImageBuild.Options();
    final ImageBuild.Release release = new ImageBuild.Release();

    @Override
    public void declare(Cli cli) {
        cli.usage("publish", "Pushes the release image: <registry>/<name>:<version>-<build>-rc and :latest, or the tags of component.json's docker "
                + "\"artifacts\". With DOCKER_USER and DOCKER_PASS set it "
                + "logs in first (password on stdin) into a throwaway docker config, so no credential stays on the machine.",
                "  DOCKER_USER and DOCKER_PASS (log in first when both are set; the password goes on stdin)",
                "  BUILD_PLATFORMS (as --platform), BUILD_CACHE, BUILDX_BUILDER",
                "  NO_COLOR",
                "%nExample:",
                "  DOCKER_USER=ci DOCKER_PASS=*** ./jbang publish.java --tags rc,latest");
        cli.mixin("options", options);
        cli.list("--tags", "TAGS", "Which to push: rc (the versioned release image), latest, or both"
                + " (default: every release image: rc and latest, or component.json's docker artifacts).", String.class, values -> tags = values).splitRegex(",");
        cli.option("--retries", "N", "Tries per push when it fails for a passing reason (default 3).", int.class, value -> retries = value).defaultValue("3");
        cli.flag("--keep-login", "Log in with the user's own docker config (the login stays) instead of a throwaway one.", on -> keepLogin = on);
        cli.mixin("building", building);
        cli.mixin("release", release);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Publish(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        if (PackageStep.library(run.directory)) {
            run.console.step(PackageStep.LIBRARY + ": nothing to publish; release.java publishes its packages");
            return Exit.OK;
        }
        if (component.registry.isEmpty()) {
            throw Exit.badInput(component.file + " has no \"registry\": set the registry or Docker Hub namespace to push to");
        }
        List<String> images = images(component);
        Map<String, String> environment = new LinkedHashMap<>();
        String user = run.environment.get("DOCKER_USER");
        String password = run.environment.get("DOCKER_PASS");
        if (isSet(user) != isSet(password)) {
            throw Exit.badInput("set both DOCKER_USER and DOCKER_PASS to log in, or neither to use the current docker login");
        }
        String server = component.loginServer();
        // where the login goes and every image pushed: where the CI's pin says, or nowhere
        for (String each : Kit.join(List.of(component.repository()), images)) {
            if (!run.trust.mayPush(each, component.file + " names")) {
                throw Exit.badInput(Trust.unpinned("publish.java pushes nothing", Trust.REGISTRY));
            }
        }
        // for other platforms or attestations, the release image is built again by buildx and pushed as it is built
        ImageBuild image = ImageBuild.plan(run, component, building, "release");
        List<String> build = image.pushOptions(component, release);
        Credentials credentials = build.isEmpty() ? null
                : image.allow(Credentials.needed(run, PackageStep.DOCKERFILE, Repository.read(run.directory, PackageStep.DOCKERFILE)).neverInALayer(), "the release image");
        String platforms = image.platforms(component, release);
        if (credentials != null && credentials.served() && platforms != null && platforms.contains(",")) {
            throw Exit.badInput("ARG " + Credentials.URL_ARGUMENT + " hands each credential out once, and a build for several platforms runs the Dockerfile once per"
                    + " platform: use RUN --mount=type=secret or --mount=type=ssh");
        }
        String buildx = run.environment.getOrDefault("BUILDX_CONFIG", DockerConfig.folder(run.environment).resolve("buildx").toString());
        // a throwaway config knows none of the user's docker contexts: the engine of the one in use is named outright
        String engine = isSet(user) && !keepLogin && !isSet(run.environment.get("DOCKER_HOST")) && DockerConfig.contextChosen(run.environment)
                ? run.commands.ask(Docker.contextHost()) : null;

        run.lock(component, "publish");
        if (isSet(user)) {
            run.console.step("logging in to " + (server == null ? "Docker Hub" : server) + " as " + user);
            if (run.dryRun) {
                Path plugins = DockerConfig.folder(run.environment).resolve("cli-plugins");
                String kept = DockerConfig.builderSettings(run.environment);
                run.console.print((keepLogin ? "" : "export DOCKER_CONFIG=\"$(mktemp -d)\" BUILDX_CONFIG=" + Commands.shell(List.of(buildx)) + "\n"
                        + (Files.isDirectory(plugins) ? "ln -s " + Commands.shell(List.of(plugins.toAbsolutePath().toString())) + " \"$DOCKER_CONFIG/cli-plugins\"\n" : "")
                        + (kept != null ? "printf '%s\\n' " + Commands.shell(List.of(kept)) + " > \"$DOCKER_CONFIG/config.json\"\n" : ""))
                        + "printf '%s\\n' \"$DOCKER_PASS\" | " + Commands.shell(login(server, user)));
            } else {
                if (!keepLogin) {
                    environment.put("DOCKER_CONFIG", throwawayConfig(run));
                    environment.put("BUILDX_CONFIG", buildx);   // the user's builders, which buildx keeps beside the login
                    if (isSet(engine)) {
                        environment.put("DOCKER_HOST", engine);
                    }
                    // where docker keeps logins in a credential helper (pass, secretservice, a keychain), the folder's going is not
                    // enough: the login is taken back too
                    Map<String, String> logout = Map.copyOf(environment);
                    run.atEnd(() -> run.commands.cleanUp(Docker.logout(server), logout));
                }
                run.commands.attemptQuietly(login(server, user), environment, password + "\n").orFail("docker login", run.console);
            }
        }
        if (build.isEmpty()) {
            for (String each : images) {
                push(run, each, environment);
            }
        } else {
            run.console.step("building and pushing " + String.join(" and ", images));
            Credentials.Build secrets = credentials.provide();
            Map<String, String> both = new LinkedHashMap<>(environment);
            both.putAll(secrets.environment());
            run.commands.step("docker build", Docker.build(PackageStep.DOCKERFILE, images, PackageStep.labels(component, run), Kit.join(secrets.options(), build)), both);
        }
        run.console.step(run.dryRun ? "dry run: nothing was pushed" : "published " + String.join(" and ", images));
        return Exit.OK;
    }

    List<String> images(Component component) {
        if (tags == null) {
            return component.releaseImages();
        }
        List<String> images = new ArrayList<>();
        for (String tag : tags) {
            switch (tag.strip()) {
                case "rc" -> images.add(component.releaseImage());
                case "latest" -> images.add(component.latestImage());
                default -> throw Exit.badInput("--tags takes rc and/or latest, not " + Json.quote(tag));
            }
        }
        return images;
    }

    static List<String> login(String server, String user) {
        List<String> command = new ArrayList<>(List.of("docker", "login"));
        if (server != null) {
            command.add(server);
        }
        command.addAll(List.of("--username", user, "--password-stdin"));
        return command;
    }

    /** Pushes one image, trying again after a passing failure (network, registry busy), never after a refusal. */
    void push(ScriptRun run, String image, Map<String, String> environment) {
        for (int attempt = 1; ; attempt++) {
            run.console.step("pushing " + image + (attempt > 1 ? " (try " + attempt + " of " + retries + ")" : ""));
            Commands.Outcome outcome = run.commands.attempt(Docker.push(image), environment);
            if (outcome.exit() == 0) {
                return;
            }
            String reason = outcome.tail().text().toLowerCase();
            if (reason.contains("denied") || reason.contains("unauthorized") || reason.contains("authentication required") || reason.contains("credentials")) {
                throw Exit.failure("docker push " + image + " was refused (" + outcome.reason(run.console) + "): set DOCKER_USER and DOCKER_PASS, or docker login first");
            }
            if (reason.contains("does not exist") || reason.contains("no such image") || reason.contains("cannot connect to the docker daemon")
                    || attempt >= retries) {
                outcome.orFail("docker push " + image, run.console);
            }
            sleep(1000L * attempt);
        }
    }

    /** A docker config folder for this run only, without the user's logins, deleted when the run ends. */
    static String throwawayConfig(ScriptRun run) {
        Path config = run.temporaryFolder("docker-config");
        try {
            // plugins installed for the user alone (buildx, compose) live in their config folder: the throwaway one links to them
            Path plugins = DockerConfig.folder(run.environment).resolve("cli-plugins");
            if (Files.isDirectory(plugins)) {
                Files.createSymbolicLink(config.resolve("cli-plugins"), plugins.toAbsolutePath());
            }
            String kept = DockerConfig.builderSettings(run.environment);
            if (kept != null) {
                Files.writeString(config.resolve("config.json"), kept + "\n");
            }
            return config.toString();
        } catch (IOException e) {
            throw Exit.failure("cannot write a temporary docker config: " + e.getMessage());
        }
    }

    static boolean isSet(String value) {
        return value != null && !value.isEmpty();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
