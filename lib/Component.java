import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * component.json: read, validate, name the images and the git tag, take the CI build number and
 * write it back. The file is edited as text (only the value of "build" changes), so field order,
 * unknown fields, indentation, line endings and the type "build" had all survive.
 */
final class Component {
    static final String FILE = "component.json";

    /** CI build number variables, first set one wins. */
    static final List<String> BUILD_NUMBER_VARIABLES = List.of(
            "BUILD_NUMBER",            // TeamCity, Jenkins
            "GITHUB_RUN_NUMBER",       // GitHub Actions
            "TRAVIS_BUILD_NUMBER",     // Travis CI
            "CI_PIPELINE_IID",         // GitLab CI
            "BUILD_BUILDID",           // Azure Pipelines
            "BITBUCKET_BUILD_NUMBER",  // Bitbucket Pipelines
            "CIRCLE_BUILD_NUM");       // CircleCI

    // The grammar of github.com/distribution/reference, which docker itself uses.
    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?");
    private static final Pattern REPOSITORY = Pattern.compile(
            "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
    private static final Pattern NAME = Pattern.compile(PATH_COMPONENT);
    private static final Pattern TAG_PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    final Path file;
    final String name;
    final String registry;
    final String version;
    final String build;
    final JsonNode fields;
    private final String text;

    private Component(Path file, String text, JsonNode fields, String build) {
        this.file = file;
        this.text = text;
        this.fields = fields;
        this.name = fields.path("name").asText("");
        this.registry = fields.path("registry").asText("");
        this.version = fields.path("version").asText("");
        this.build = build;
    }

    /** Reads and validates DIR/component.json. */
    static Component read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw Exit.badInput(file + " not found: run from the repository root or pass -C DIR");
        }
        if (!Files.isReadable(file)) {
            throw Exit.badInput(file + " is not readable: check its permissions");
        }
        return parse(file, Repository.read(dir, FILE));
    }

    static Component parse(Path file, String text) {
        JsonNode fields;
        try {
            fields = Json.tree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            String message = String.valueOf(e.getOriginalMessage());
            String why = message.startsWith("Duplicate field") ? ": a field is there twice"
                    : message.contains("nesting depth") ? ": nested too deep"
                    : message.startsWith("text after") ? ": text after its end" : "";
            throw Exit.badInput(file + " is not valid JSON" + where + why + ": fix the file");
        } catch (IOException e) {
            throw Exit.badInput(file + " is not valid JSON: " + e.getMessage());
        }
        if (fields == null || !fields.isObject()) {
            throw Exit.badInput(file + " must hold a JSON object like {\"name\": \"beacons\", \"registry\": \"pipdevs\", \"version\": \"1.0.0\", \"build\": \"0\"}");
        }
        JsonNode build = fields.path("build");
        if (!build.isMissingNode() && !build.isNull() && !build.isTextual() && !build.isIntegralNumber()) {
            throw Exit.badInput(file + ": \"build\" must be a string or a whole number, not " + build);
        }
        for (String key : List.of("name", "registry", "version")) {
            JsonNode value = fields.path(key);
            if (!value.isMissingNode() && !value.isTextual()) {
                throw Exit.badInput(file + ": \"" + key + "\" must be a string, not " + value);
            }
        }
        String buildText = build.isMissingNode() || build.isNull() ? "0" : build.asText();
        Component component = new Component(file, text, fields, buildText);
        component.validate();
        return component;
    }

    private void validate() {
        String where = file + ": ";
        if (name.isEmpty()) {
            throw Exit.badInput(where + "\"name\" is missing: give the component a name such as \"beacons\"");
        }
        if (!NAME.matcher(name).matches()) {
            throw Exit.badInput(where + "\"name\" " + Json.quote(name)
                    + " is not a valid image name: use lowercase letters, digits and . _ - between them");
        }
        if (registry.contains("://")) {
            throw Exit.badInput(where + "\"registry\" " + Json.quote(registry)
                    + " must not have a scheme: write it as docker does, e.g. \"myregistry:5000\"");
        }
        if (!registry.isEmpty() && !REPOSITORY.matcher(repository()).matches()) {
            throw Exit.badInput(where + "\"registry\" " + Json.quote(registry)
                    + " is not a valid registry or namespace: e.g. \"pipdevs\", \"myregistry:5000\" or \"ghcr.io/org\"");
        }
        if (repository().length() > 255) {
            throw Exit.badInput(where + "the image name " + Json.quote(repository()) + " is longer than 255 characters");
        }
        if (version.isBlank()) {
            throw Exit.badInput(where + "\"version\" is missing: set it, e.g. \"1.0.0\"");
        }
        if (!TAG_PART.matcher(version).matches()) {
            throw Exit.badInput(where + "\"version\" " + Json.quote(version)
                    + " cannot be part of an image tag: use letters, digits and . _ -");
        }
        checkBuildNumber(build, where + "\"build\"");
        JsonNode artifacts = fields.path("artifacts");
        if (!artifacts.isMissingNode() && !artifacts.isArray()) {
            throw Exit.badInput(where + "\"artifacts\" must be a list like [{\"name\": \"" + name + "\", \"tag\": \"<version>-<build>\", \"type\": \"docker\"}]");
        }
        for (JsonNode artifact : artifacts) {
            if (artifact.path("type").asText().equals("docker")) {
                String image = placeholders(artifact.path("name").asText(name));
                String tag = placeholders(artifact.path("tag").asText("latest"));
                if (!NAME.matcher(image).matches() || !TAG_PART.matcher(tag).matches() || tag.length() > 128) {
                    throw Exit.badInput(where + "the docker artifact " + Json.quote(artifact.toString()) + " names no valid image: a name like "
                            + Json.quote(name) + " and a tag like \"<version>-<build>\" or \"latest\"");
                }
            }
        }
        if (buildTag().length() > 128) {
            throw Exit.badInput(where + "the image tag " + Json.quote(buildTag()) + " is longer than 128 characters");
        }
    }

    private static void checkBuildNumber(String value, String what) {
        if (!TAG_PART.matcher(value).matches()) {
            throw Exit.badInput(what + " is " + Json.quote(value)
                    + ": a build number can hold only letters, digits and . _ - (it becomes part of an image tag)");
        }
    }

    /** The CI's build number and the variable it came from, or null when no CI set one. */
    static Map.Entry<String, String> ciBuildNumber(Map<String, String> environment) {
        for (String variable : BUILD_NUMBER_VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                checkBuildNumber(value, variable);
                return Map.entry(variable, value);
            }
        }
        return null;
    }

    /**
     * Takes the build number from the flag, else from the CI's ENVIRONMENT (see {@link #BUILD_NUMBER_VARIABLES}),
     * saying which on CONSOLE; without either, the component is unchanged. {@link #write} puts it into the file.
     */
    Component takeBuildNumber(Map<String, String> environment, Console console, String flag) {
        Map.Entry<String, String> ci = ciBuildNumber(environment);
        if (flag == null && ci == null) {
            return this;
        }
        String source = flag != null ? "--build-number" : ci.getKey();
        Component updated = withBuild(flag != null ? flag : ci.getValue());
        console.step("build number " + updated.build + " (from " + source + ")");
        return updated;
    }

    /** This component with another build number; the file is not touched (see {@link #write}). */
    Component withBuild(String newBuild) {
        checkBuildNumber(newBuild, "the build number");
        return new Component(file, text, fields, newBuild);
    }

    /** The file's text with "build" set to this component's build number, everything else as it was. */
    String updatedText() {
        try (JsonParser parser = Json.parser(text)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.getText(); // strings are read lazily: finish this one so the end is known
                parser.skipChildren();
                int end = (int) parser.currentLocation().getCharOffset();
                if (field.equals("build")) {
                    boolean number = value == JsonToken.VALUE_NUMBER_INT && build.matches("[0-9]+");
                    return text.substring(0, start) + (number ? build : Json.quote(build)) + text.substring(end);
                }
            }
            return withField(text, "build", Json.quote(build));
        } catch (IOException e) {
            throw new IllegalStateException("component.json was valid a moment ago", e);
        }
    }

    /** TEXT, a component.json that parses, with NAME: JSON added after its last field, in the layout of the field before it. */
    static String withField(String text, String name, String json) {
        long lastValueEnd = -1;
        try (JsonParser parser = Json.parser(text)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                parser.nextToken();
                parser.getText(); // strings are read lazily: finish this one so the end is known
                parser.skipChildren();
                lastValueEnd = parser.currentLocation().getCharOffset();
            }
        } catch (IOException e) {
            throw new IllegalStateException("component.json was valid a moment ago", e);
        }
        String entry = Json.quote(name) + ": " + json;
        if (lastValueEnd < 0) {
            int brace = text.indexOf('{');
            return text.substring(0, brace + 1) + entry + text.substring(brace + 1);
        }
        int end = (int) lastValueEnd;
        int lineStart = text.lastIndexOf('\n', end - 1) + 1;
        String line = text.substring(lineStart, end);
        String indent = line.substring(0, line.length() - line.stripLeading().length());
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        String separator = lineStart > 0 && text.indexOf('{') < lineStart ? "," + newline + indent : ", ";
        return text.substring(0, end) + separator + entry + text.substring(end);
    }

    /** Writes the build number into the file atomically: a temp file beside it, then a rename. */
    void write() {
        String updated = updatedText();
        if (!updated.equals(text)) {
            write(file, updated);
        }
    }

    /** Replaces FILE (component.json, read and checked before) with UPDATED atomically, keeping its owner and mode, through a link to it. */
    static void write(Path file, String updated) {
        Path temp = null;
        try {
            // through a link (checked at read to stay inside the repository) to the file it names, so the link stays a link
            Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".component.json.", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(updated.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            keepOwnerAndMode(target, temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw Exit.failure("cannot write " + file + " (" + e.getMessage() + "): check the folder is writable; the file is unchanged");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // nothing more to do: the temp file has a name no one else uses
                }
            }
        }
    }

    /** The new file gets the old one's mode, owner and group (as root in CI on a mounted checkout, the owner matters). */
    private static void keepOwnerAndMode(Path original, Path replacement) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(original, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: the defaults will do
        }
        PosixFileAttributes attributes = view.readAttributes();
        PosixFileAttributeView target = Files.getFileAttributeView(replacement, PosixFileAttributeView.class);
        target.setPermissions(attributes.permissions());
        try {
            target.setGroup(attributes.group());
            target.setOwner(attributes.owner());
        } catch (IOException e) {
            // only root may give a file away; a user writes their own file, which keeps them as owner
        }
    }

    /** Whether TEXT is a repository docker accepts (an optional registry host, then path parts; no tag). */
    static boolean isRepository(String text) {
        return REPOSITORY.matcher(text).matches();
    }

    /** registry/name, or name alone when there is no registry. */
    String repository() {
        return registry.isEmpty() ? name : registry + "/" + name;
    }

    /**
     * The registry host to log in to, or null for Docker Hub. As docker decides it: the first part of
     * the image name is a host when it has a dot or a port, or is "localhost"; otherwise
     * ("pipdevs/beacons") the image lives on Docker Hub.
     */
    String loginServer() {
        String first = repository().substring(0, repository().indexOf('/') < 0 ? 0 : repository().indexOf('/'));
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase(Locale.ROOT));
        return host ? first : null;
    }

    String buildTag() {
        return version + "-" + build;
    }

    String buildImage() {
        return repository() + ":" + buildTag() + "-build";
    }

    String testImage() {
        return repository() + ":" + buildTag() + "-test";
    }

    /** The image package.java runs and checks: the first release image that is not "latest". */
    String releaseImage() {
        List<String> images = releaseImages();
        return images.stream().filter(image -> !image.endsWith(":latest")).findFirst().orElse(images.get(0));
    }

    /**
     * Every tag of the release image: the docker "artifacts" of component.json when it lists any
     * (2022 and later: {"name": N, "tag": "<version>-<build>", "type": "docker"} and "latest"), else
     * the originals' <version>-<build>-rc and latest. package.java builds exactly these, publish.java pushes them.
     */
    List<String> releaseImages() {
        List<String> images = new ArrayList<>();
        for (JsonNode artifact : fields.path("artifacts")) {
            if (artifact.path("type").asText().equals("docker")) {
                String image = placeholders(artifact.path("name").asText(name));
                String tag = placeholders(artifact.path("tag").asText("latest"));
                images.add((registry.isEmpty() ? image : registry + "/" + image) + ":" + tag);
            }
        }
        return images.isEmpty() ? List.of(repository() + ":" + buildTag() + "-rc", latestImage()) : images;
    }

    /** TEXT of an artifact with the 2022 form's placeholders filled in: {@code <name>}, {@code <version>}, {@code <build>}. */
    String placeholders(String text) {
        return text.replace("<name>", name).replace("<version>", version).replace("<build>", build);
    }

    String latestImage() {
        return repository() + ":latest";
    }

    String gitTag() {
        return "v" + buildTag();
    }

    /** The "language" field, lowercase, or "" when absent. */
    String language() {
        return fields.path("language").asText("").toLowerCase(Locale.ROOT);
    }

    /** The optional "outputs" field: a list of "CONTAINER_PATH[:LOCAL_PATH]", or null when absent. */
    List<String> outputs() {
        JsonNode outputs = fields.path("outputs");
        if (outputs.isMissingNode() || outputs.isNull()) {
            return null;
        }
        List<String> list = new ArrayList<>();
        if (outputs.isArray()) {
            for (JsonNode output : outputs) {
                if (!output.isTextual()) {
                    list = null;
                    break;
                }
                list.add(output.asText());
            }
        }
        if (list == null || !outputs.isArray()) {
            throw Exit.badInput(file + ": \"outputs\" must be a list of strings like [\"/app/obj:obj\"]");
        }
        return list;
    }

    /**
     * The labels on the images the kit builds: the component and the folder that built it (clean.java
     * removes only its own folder's); the same on every build there, so the layer cache holds.
     */
    Map<String, String> imageLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Docker.LABEL + ".component", name);
        labels.put(Docker.LABEL + ".folder", file.toAbsolutePath().getParent().toString());
        return labels;
    }

    /** The labels that mark what the kit creates for this component, from this folder, in this run. */
    Map<String, String> labels(String run, String step) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Docker.LABEL + ".component", name);
        labels.put(Docker.LABEL + ".folder", file.toAbsolutePath().getParent().toString());
        labels.put(Docker.LABEL + ".run", run);
        labels.put(Docker.LABEL + ".step", step);
        return labels;
    }

}
