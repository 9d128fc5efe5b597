import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The docker command lines the steps run, as plain argument lists ({@link Commands} runs them). */
final class Docker {
    /** Prefix of the labels on everything the kit creates in the engine. */
    static final String LABEL = "pipkit";

    private Docker() {
    }

    static List<String> build(String dockerfile, List<String> tags, Map<String, String> labels) {
        return build(dockerfile, tags, labels, List.of());
    }

    static List<String> build(String dockerfile, List<String> tags, Map<String, String> labels, List<String> options) {
        List<String> command = new ArrayList<>(List.of("docker", "build", "--force-rm", "-f", dockerfile));
        command.addAll(options);
        for (String tag : tags) {
            command.addAll(List.of("-t", tag));
        }
        labels.forEach((key, value) -> command.addAll(List.of("--label", key + "=" + value)));
        command.add(".");
        return command;
    }

    static List<String> create(String container, String image, Map<String, String> labels) {
        List<String> command = new ArrayList<>(List.of("docker", "create", "--name", container));
        labels.forEach((key, value) -> command.addAll(List.of("--label", key + "=" + value)));
        command.add(image);
        // An image without CMD cannot be created; the container never starts, so any command will do.
        command.add("true");
        return command;
    }

    static List<String> copy(String container, String from, String to) {
        return List.of("docker", "cp", container + ":" + from, to);
    }

    static List<String> remove(String container) {
        return List.of("docker", "rm", "--force", "--volumes", container);
    }

    /** Whether a CONTAINER carries LABEL, and its value ("" when it has none). */
    static List<String> label(String container, String label) {
        return List.of("docker", "inspect", "--type", "container", "--format", "{{index .Config.Labels \"" + label + "\"}}", container);
    }

    /** The ids of the containers (any state) that carry every label=value of FILTERS. */
    static List<String> containers(List<String> filters) {
        List<String> command = new ArrayList<>(List.of("docker", "ps", "--all", "--quiet"));
        filters.forEach(filter -> command.addAll(List.of("--filter", "label=" + filter)));
        return command;
    }

    /** How a container ended: "STATUS EXIT STARTED", e.g. "exited 0 2026-11-25T10:00:00Z". */
    static List<String> state(String container) {
        return List.of("docker", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}}", container);
    }

    /** Every container (any state) with its FORMAT line, of those carrying every label=value of FILTERS. */
    static List<String> listContainers(List<String> filters, String format) {
        List<String> command = new ArrayList<>(List.of("docker", "ps", "--all"));
        filters.forEach(filter -> command.addAll(List.of("--filter", "label=" + filter)));
        command.addAll(List.of("--format", format));
        return command;
    }

    /** The value of LABEL on every container, network or volume (KIND) that has it: how compose projects are found without their files. */
    static List<String> labelled(String kind, String label) {
        List<String> command = new ArrayList<>(List.of("docker", kind, "ls"));
        if (kind.equals("container")) {
            command.add("--all");
        }
        command.addAll(List.of("--filter", "label=" + label, "--format", "{{.Label \"" + label + "\"}}"));
        return command;
    }

    /** The ids of the containers (with --all), networks or volumes (KIND) that carry label=value FILTER. */
    static List<String> ids(String kind, String filter) {
        List<String> command = new ArrayList<>(List.of("docker", kind, "ls", "--quiet", "--filter", "label=" + filter));
        if (kind.equals("container")) {
            command.add("--all");
        }
        return command;
    }

    /** Removes the containers, networks or volumes (KIND) with these IDS. */
    static List<String> removeAll(String kind, List<String> ids) {
        List<String> command = new ArrayList<>(kind.equals("container") ? List.of("docker", "container", "rm", "--force", "--volumes")
                : List.of("docker", kind, "rm"));
        command.addAll(ids);
        return command;
    }

    /** The tags of REPOSITORY's images. */
    static List<String> tags(String repository, List<String> filters) {
        List<String> command = new ArrayList<>(List.of("docker", "images", "--format", "{{.Tag}}"));
        filters.forEach(filter -> command.addAll(List.of("--filter", "label=" + filter)));
        command.add(repository);
        return command;
    }

    /** The untagged images that carry every label=value of FILTERS (a rebuilt tag's old image). */
    static List<String> untagged(List<String> filters) {
        List<String> command = new ArrayList<>(List.of("docker", "images", "--quiet", "--filter", "dangling=true"));
        filters.forEach(filter -> command.addAll(List.of("--filter", "label=" + filter)));
        return command;
    }

    /** How many tags IMAGE has: 0 for a step the legacy builder kept. */
    static List<String> tagCount(String image) {
        return List.of("docker", "image", "inspect", "--format", "{{len .RepoTags}}", image);
    }

    /** IMAGE's id: answers when the engine has it. */
    static List<String> imageId(String image) {
        return List.of("docker", "image", "inspect", "--format", "{{.Id}}", image);
    }

    /** Removes these images (by tag: an image shared with another tag survives under it). */
    static List<String> removeImages(List<String> images) {
        List<String> command = new ArrayList<>(List.of("docker", "rmi"));
        command.addAll(images);
        return command;
    }

    /** Answers when the buildx plugin (BuildKit) is there. */
    static List<String> buildxVersion() {
        return List.of("docker", "buildx", "version");
    }

    /** The buildx builder BUILDER (null: the current one): its name, driver, nodes and platforms. */
    static List<String> inspectBuilder(String builder) {
        return builder == null ? List.of("docker", "buildx", "inspect") : List.of("docker", "buildx", "inspect", builder);
    }

    /** The name of the docker context in use. */
    static List<String> currentContext() {
        return List.of("docker", "context", "show");
    }

    /** Answers when the compose plugin is there. */
    static List<String> composeVersion() {
        return List.of("docker", "compose", "version", "--short");
    }

    /** The address of the engine's default bridge on this machine: what a build's RUN step reaches the host at. */
    static List<String> bridgeGateway() {
        return List.of("docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}", "bridge");
    }

    /** The endpoint of the docker context in use. */
    static List<String> contextHost() {
        return List.of("docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}");
    }

    /** IMAGE's HEALTHCHECK test, as JSON, or nothing when it has none. */
    static List<String> healthCheck(String image) {
        return List.of("docker", "image", "inspect", "--format", "{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}", image);
    }

    /** CONTAINER's health: starting, healthy or unhealthy. */
    static List<String> health(String container) {
        return List.of("docker", "inspect", "--format", "{{.State.Health.Status}}", container);
    }

    /** The containers of compose PROJECT that publish host PORT. */
    static List<String> publishing(String project, int port) {
        return List.of("docker", "ps", "--quiet", "--filter", "label=com.docker.compose.project=" + project, "--filter", "publish=" + port);
    }

    /** Forgets the login to SERVER (null: Docker Hub). */
    static List<String> logout(String server) {
        return server == null ? List.of("docker", "logout") : List.of("docker", "logout", server);
    }

    static List<String> push(String image) {
        return List.of("docker", "push", image);
    }
}
