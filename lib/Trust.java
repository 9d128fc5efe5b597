import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CI's credentials may go. The kit is a trusted kit when it runs from a folder other than
 * the repository's (CI's `KIT/jbang KIT/build.java -C REPO`): the checkout may then be anyone's, a
 * fork's pull request, so what it names (component.json's registry, its git remote) gets no
 * credential unless the CI pinned the same place in its own environment: {@link #REGISTRY} for
 * DOCKER_USER and DOCKER_PASS, the runner's docker login and the build cache's pushes;
 * {@link #GIT_REMOTE} for GIT_TOKEN. In a repository's own copy of the kit, a pin that is set
 * must agree too.
 */
final class Trust {
    /** Where the kit's scripts are: set by the ./jbang wrapper. */
    static final String KIT_FOLDER = "PIPKIT_KIT_DIR";
    static final String REGISTRY = "PIPKIT_REGISTRY";
    static final String GIT_REMOTE = "PIPKIT_GIT_REMOTE";

    /** The kit runs from outside the repository: what the repository names gets no credential unpinned. */
    final boolean trustedKit;
    /** The pinned registry (or registry/namespace), Docker Hub's as docker.io/NAMESPACE; null when not pinned. */
    final String registry;
    /** The pinned git remote's URL, or null. */
    final String gitRemote;

    private Trust(boolean trustedKit, String registry, String gitRemote) {
        this.trustedKit = trustedKit;
        this.registry = registry;
        this.gitRemote = gitRemote;
    }

    /**
     * The trust of a run on REPOSITORY: a trusted kit when the wrapper says the kit lives elsewhere,
     * or (run without the wrapper) when REPOSITORY is not the current folder.
     */
    static Trust of(Path repository, Map<String, String> environment) {
        String kit = environment.get(KIT_FOLDER);
        boolean outside = !same(repository, kit == null || kit.isBlank() ? Path.of("") : Path.of(kit));
        return new Trust(outside, pin(environment, REGISTRY), pin(environment, GIT_REMOTE));
    }

    private static String pin(Map<String, String> environment, String variable) {
        String value = environment.getOrDefault(variable, "").strip();
        if (value.isEmpty()) {
            return null;
        }
        if (variable.equals(REGISTRY)) {
            if (!value.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*")) {
                throw Exit.badInput(variable + " " + Json.quote(value) + " is not a registry or registry/namespace (no scheme, no tag), e.g. ghcr.io/acme");
            }
            return hosted(value);
        }
        if (!value.matches("(https?|ssh|git|file)://\\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\\S+")) {
            throw Exit.badInput(variable + " " + Json.quote(value) + " is not a git remote's URL (https://host/owner/repo.git or git@host:owner/repo.git)");
        }
        return value;
    }

    private static boolean same(Path repository, Path kit) {
        try {
            return Files.isSameFile(repository.toAbsolutePath(), kit.toAbsolutePath());
        } catch (IOException e) {
            return false;
        }
    }

    /** NAME with its registry host spelt out: "pipdevs/beacons" is docker.io/pipdevs/beacons, as docker decides it. */
    static String hosted(String name) {
        int slash = name.indexOf('/');
        String first = slash < 0 ? name : name.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? name.replaceFirst("^(index\\.)?docker\\.io/", "docker.io/") : "docker.io/" + name;
    }

    /**
     * Whether credentials (DOCKER_USER and DOCKER_PASS, the runner's docker login) may push IMAGE
     * (a repository, maybe with a tag): under the pinned registry yes; pinned elsewhere, exit 2 with
     * one line; not pinned, only in a repository's own kit.
     */
    boolean mayPush(String image, String whose) {
        if (registry == null) {
            return !trustedKit;
        }
        String name = hosted(image);
        if (!name.startsWith(registry + "/")) {
            throw Exit.badInput(whose + " " + image + " is not under " + REGISTRY + "=" + registry + ", the registry this CI's credentials are for");
        }
        return true;
    }

    /** The line that says why a trusted kit used no credential for WHAT, and which variable to set. */
    static String unpinned(String what, String variable) {
        return "the kit runs from outside the repository and " + variable + " is not set: " + what
                + " (set " + variable + " in the CI to the place its credentials are for)";
    }
}
