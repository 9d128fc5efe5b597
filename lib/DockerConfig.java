import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The docker CLI's configuration, read in one place and as docker reads it: its folder
 * (DOCKER_CONFIG unless empty, else $HOME/.docker), config.json, and where docker finds its plugins.
 */
final class DockerConfig {
    /** Where docker looks for CLI plugins after the folders of the user's config (docker's cli-plugins manager, on Linux). */
    private static final List<String> SYSTEM_PLUGINS = List.of("/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins");

    private DockerConfig() {
    }

    /** The user's docker config folder: DOCKER_CONFIG (unless empty), else $HOME/.docker. */
    static Path folder(Map<String, String> environment) {
        String folder = environment.getOrDefault("DOCKER_CONFIG", "");
        try {
            return folder.isEmpty() ? Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".docker") : Path.of(folder);
        } catch (InvalidPathException e) {
            throw Exit.badInput("DOCKER_CONFIG or HOME has characters this locale cannot name a file with: set LANG=C.UTF-8");
        }
    }

    /** The user's config.json, or a missing node where there is none (or none docker could read either). */
    static JsonNode read(Map<String, String> environment) {
        try {
            JsonNode config = Json.tree(Files.readString(folder(environment).resolve("config.json")));
            return config != null ? config : MissingNode.getInstance();
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Whether the user chose a docker context (DOCKER_CONTEXT, or `docker context use` in their config). */
    static boolean contextChosen(Map<String, String> environment) {
        return environment.containsKey("DOCKER_CONTEXT") || read(environment).has("currentContext");
    }

    /**
     * The plugin NAME (docker-buildx, docker-compose) that docker runs: the first in the config's
     * cliPluginsExtraDirs (relative ones from DIRECTORY, where docker runs), its cli-plugins folder
     * and the system's; a file or a link, runnable or not (docker takes it either way). Null where
     * none is (other systems keep plugins elsewhere).
     */
    static Path plugin(Map<String, String> environment, Path directory, String name) {
        List<Path> folders = new ArrayList<>();
        for (JsonNode folder : read(environment).path("cliPluginsExtraDirs")) {
            try {
                if (folder.isTextual() && !folder.asText().isBlank()) {
                    folders.add(directory.resolve(folder.asText()));
                }
            } catch (InvalidPathException e) {
                // a NUL, or a name this locale cannot make: not looked in
            }
        }
        folders.add(folder(environment).resolve("cli-plugins"));
        SYSTEM_PLUGINS.forEach(folder -> folders.add(Path.of(folder)));
        return firstPlugin(folders, name);
    }

    /** The first NAME in FOLDERS that docker would take for a plugin (a file or a link, not a folder), or null. */
    static Path firstPlugin(List<Path> folders, String name) {
        for (Path folder : folders) {
            Path plugin = folder.resolve(name);
            if (Files.exists(plugin, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(plugin, LinkOption.NOFOLLOW_LINKS)) {
                return plugin;
            }
        }
        return null;
    }

    /**
     * What a throwaway config keeps of the user's (null: nothing): how docker finds buildx and which
     * builder docker build takes (cliPluginsExtraDirs, aliases), which a build's plan was made with.
     */
    static String builderSettings(Map<String, String> environment) {
        JsonNode user = read(environment);
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("cliPluginsExtraDirs", "aliases")) {
            if (user.has(field)) {
                kept.set(field, user.get(field));
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }
}
