import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The package step: the release image's build command and OCI labels, the engine's host, the health wait and the smoke requests. */
final class PackageStep {
    static final String DOCKERFILE = "docker/Dockerfile";
    static final String COMPOSE_FILE = "docker/docker-compose.yml";

    record Request(String method, String route, String body) {
    }

    /** The steps a library has nothing for: it has no release image. */
    static final List<String> RELEASE_STEPS = List.of("package", "publish");
    static final String LIBRARY = "a library (no docker/Dockerfile, no docker/docker-compose.yml)";

    private PackageStep() {
    }

    /**
     * Whether the repository in DIRECTORY is a library: it has neither a release Dockerfile nor the
     * compose file that starts one (its packages are release.java's). A service that lacks only one
     * of them is a broken service, and the step says what is missing.
     */
    static boolean library(Path directory) {
        return !Files.exists(directory.resolve(DOCKERFILE), LinkOption.NOFOLLOW_LINKS) && !Files.exists(directory.resolve(COMPOSE_FILE), LinkOption.NOFOLLOW_LINKS);
    }

    static List<String> build(Component component, Map<String, String> labels, List<String> options) {
        return Docker.build(DOCKERFILE, component.releaseImages(), labels, options);
    }

    /** The kit's label and the OCI ones; revision and source come from git when the folder is a git checkout. */
    static Map<String, String> labels(Component component, ScriptRun run) {
        Map<String, String> labels = new LinkedHashMap<>(component.imageLabels());
        labels.put("org.opencontainers.image.title", component.name);
        labels.put("org.opencontainers.image.version", component.buildTag());
        labels.put("org.opencontainers.image.created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        String revision = run.commands.ask(Git.revision());
        if (revision != null && revision.matches("[0-9a-f]{40,64}")) {
            labels.put("org.opencontainers.image.revision", revision);
        }
        String source = run.commands.ask(Git.origin());
        if (source != null && !source.isBlank()) {
            labels.put("org.opencontainers.image.source", withoutCredentials(source));
        }
        return labels;
    }

    /** A remote URL without the user and token some CIs put into it. */
    static String withoutCredentials(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    /**
     * Where the engine publishes ports: the host of DOCKER_HOST (tcp://, ssh://), else of the docker
     * context in use when one is chosen, else localhost (a local socket).
     */
    static String engineHost(ScriptRun run) {
        Map<String, String> environment = run.environment;
        String endpoint = environment.get("DOCKER_HOST");
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = DockerConfig.contextChosen(environment) ? run.commands.ask(Docker.contextHost()) : null;
        }
        return hostOf(endpoint);
    }

    /** The host part of a docker endpoint: tcp://10.0.0.5:2376 and ssh://me@build-box:22 name a host; unix:// and npipe:// mean localhost. */
    static String hostOf(String endpoint) {
        if (endpoint == null || !(endpoint.startsWith("tcp://") || endpoint.startsWith("ssh://") || endpoint.startsWith("http"))) {
            return "localhost";
        }
        try {
            String host = new URI(endpoint).getHost();
            return host == null || host.isBlank() ? "localhost" : host;
        } catch (java.net.URISyntaxException e) {
            throw Exit.badInput("DOCKER_HOST (or the docker context) " + Json.quote(endpoint) + " is not an address such as tcp://10.0.0.5:2376");
        }
    }

    static URI uri(String host, int port, String route) {
        String path = route.startsWith("/") ? route : "/" + route;
        try {
            return URI.create("http://" + host + ":" + port + path);
        } catch (IllegalArgumentException e) {
            throw Exit.badInput("http://" + host + ":" + port + path + " is not a valid address: check DOCKER_IP, HTTP_PORT and HTTP_ROUTE");
        }
    }

    /** component.json's "smoke" list ({"method", "route", "body"}) followed by the --smoke flags ("METHOD ROUTE [BODY]"). */
    static List<Request> smokeRequests(Component component, List<String> flags) {
        List<Request> requests = new ArrayList<>();
        JsonNode smoke = component.fields.path("smoke");
        if (!smoke.isMissingNode() && !smoke.isArray()) {
            throw Exit.badInput(component.file + ": \"smoke\" must be a list like [{\"method\": \"POST\", \"route\": \"/v1/x\", \"body\": {}}]");
        }
        for (JsonNode each : smoke) {
            JsonNode body = each.path("body");
            if (!each.path("route").isTextual()) {
                throw Exit.badInput(component.file + ": every \"smoke\" request needs a \"route\"");
            }
            requests.add(new Request(method(each.path("method").asText("GET"), component.file + ": a \"smoke\" request"), each.path("route").asText(),
                    body.isMissingNode() || body.isNull() ? null : body.isTextual() ? body.asText() : body.toString()));
        }
        JsonNode testRoute = component.fields.path("test_route");
        if (testRoute.isTextual() && testRoute.asText().startsWith("/")) {
            // the old Go page's field: a POST the service must answer
            requests.add(new Request("POST", testRoute.asText(), "{}"));
        } else if (!testRoute.isMissingNode() && !testRoute.isNull()) {
            throw Exit.badInput(component.file + ": \"test_route\" must be a route like \"/v1/beacons/get_beacons\"");
        }
        for (String flag : flags) {
            String[] parts = flag.strip().split("\\s+", 3);
            if (parts.length < 2 || !parts[1].startsWith("/")) {
                throw Exit.badInput("--smoke " + Json.quote(flag) + ": write it as 'METHOD /route [BODY]'");
            }
            requests.add(new Request(method(parts[0], "--smoke " + Json.quote(flag)), parts[1], parts.length == 3 ? parts[2] : null));
        }
        return requests;
    }

    /** An HTTP method: letters only (GET, POST, ...). */
    private static String method(String method, String where) {
        if (!method.matches("[A-Za-z]{1,16}")) {
            throw Exit.badInput(where + ": the method " + Json.quote(method) + " is not an HTTP method such as GET or POST");
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /** For an image with a HEALTHCHECK: waits until the app container is healthy. Without one: true at once. */
    static boolean waitUntilHealthy(ScriptRun run, Compose compose, Component component, int port, Duration timeout) {
        String check = run.commands.ask(Docker.healthCheck(component.releaseImage()));
        if (check == null || check.isEmpty() || check.contains("NONE")) {
            return true;
        }
        // the service that publishes the probed port, whatever its name (app, test, beacons...)
        String container = run.commands.ask(Docker.publishing(compose.project, port));
        if (container == null || container.isEmpty()) {
            return false;
        }
        container = container.lines().findFirst().orElseThrow();
        run.console.step("waiting for the container's health check");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String status = run.commands.ask(Docker.health(container));
            if ("healthy".equals(status)) {
                return true;
            }
            if ("unhealthy".equals(status)) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
