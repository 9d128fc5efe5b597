import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adopting an existing repository (install.java): what its PowerShell scripts did that differs
 * from the kit's defaults (carried into component.json fields the kit reads, or said as a flag for
 * CI), what the kit does as they did, the habits it does not carry over and why, the hazards in its
 * docker/ files, and what its .gitignore must say so that the kit's files are committed and its
 * outputs are not. Reads only; install.java writes what it derives. The scripts are read as text
 * in the shapes the Pip.Services repositories of 2018 to 2025 wrote them; nothing is run.
 */
final class Migration {
    /** What a finding means for the kit. */
    enum Kind {
        CARRIED("carried over into component.json"), FLAG("for CI: a flag or variable does it"), SAME("the kit does this as the ps1 scripts did"),
        NOT_CARRIED("not carried over"), HAZARD("hazards in docker/");

        final String heading;

        Kind(String heading) {
            this.heading = heading;
        }
    }

    /** One thing found, and the line of the repository's it came from ("build.ps1:12: docker cp ..."), or "". */
    record Finding(Kind kind, String message, String source) {
    }

    /** A line of a script, without its line break. */
    record Line(String file, int number, String text) {
        String where() {
            return file + ":" + number + ": " + text.strip();
        }
    }

    /** The variables the ps1 scripts read that the kit reads too, and what it does with them. */
    static final Map<String, String> VARIABLES = Map.ofEntries(Map.entry("IMAGE", "set by the kit for compose, as the ps1 scripts set it"),
            Map.entry("GIT_PRIVATE_KEY", "the key of private dependencies, raw or base64, for the images that ask"),
            Map.entry("NPM_TOKEN", "the npm token of private packages, and release's login"), Map.entry("DOCKER_IP", "where package.java probes"),
            Map.entry("DOCKER_MACHINE_HOST", "where package.java probes (DOCKER_IP first)"), Map.entry("HTTP_PORT", "the port package.java probes and run.java publishes"),
            Map.entry("HTTP_ROUTE", "the route package.java probes"), Map.entry("DOCKER_USER", "publish's login"), Map.entry("DOCKER_PASS", "publish's login, on stdin"),
            Map.entry("GITHUB_API_KEY", "tag's token, as a header"), Map.entry("GIT_TOKEN", "tag's token, as a header"), Map.entry("GIT_USER", "tag's account"),
            Map.entry("NPM_USER", "release's npm login"), Map.entry("NPM_PASS", "release's npm login"), Map.entry("NPM_EMAIL", "release's npm login"),
            Map.entry("NUGET_KEY", "release's NuGet key, in its environment"), Map.entry("RETRY", "a failed build or package runs once more"),
            Map.entry("TEST_CMD", "passed through to compose"));

    private static final String IMAGE_NAME = "$($component.registry)/$($component.name):";
    private static final Pattern COPY_OUT = Pattern.compile("docker\\s+cp\\s+\"\\$\\(\\$\\w+\\):([^\"]+)\"\\s+(\"[^\"]*\"|\\S+)");
    private static final Pattern ASSIGNMENT = Pattern.compile("\\$(\\w+)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern FROM_ENVIRONMENT = Pattern.compile("\\$(\\w+)\\s*=\\s*\\$env:(\\w+)");
    private static final Pattern ENVIRONMENT = Pattern.compile("\\$env:(\\w+)");
    private static final Pattern PROBE = Pattern.compile("Invoke-WebRequest\\s+(?:-Uri\\s+)?(\"[^\"]*\"|\\S+)(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern URI = Pattern.compile("https?://((?:\\$\\([^)]*\\)|\\$\\w+|[^:/$])+)(?::(\\$\\([^)]*\\)|\\$\\w+|[0-9]+))?(.*)");

    final Path directory;
    /** The component.json fields to add, by name, as JSON. */
    final Map<String, String> fields = new LinkedHashMap<>();
    final List<Finding> findings = new ArrayList<>();
    /** The lines to append to .gitignore. */
    final List<String> gitignore = new ArrayList<>();

    private Migration(Path directory) {
        this.directory = directory;
    }

    /**
     * Reads the repository in DIRECTORY, whose component.json is COMPONENT, written in LANGUAGE
     * (null: none known), into which the kit's KIT_PATHS (lib, build.java, ...) are going.
     */
    static Migration read(Path directory, Component component, Language language, List<String> kitPaths) {
        Migration migration = new Migration(directory);
        List<String> outputs = migration.copyOuts(language);
        migration.releaseTags(component);
        migration.probe(component);
        migration.habits();
        migration.hazards();
        migration.ignores(kitPaths, outputs);
        return migration;
    }

    /** The lines of one of the repository's ps1 scripts, comments and blank lines left out; none when there is no such plain file. */
    List<Line> lines(String file) {
        Path path = directory.resolve(file);
        List<Line> lines = new ArrayList<>();
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.size(path) > 1_000_000) {
                return lines;
            }
            String[] text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).replace("\uFEFF", "").split("\r?\n");
            for (int i = 0; i < text.length; i++) {
                if (!text[i].isBlank() && !text[i].stripLeading().startsWith("#")) {
                    lines.add(new Line(file, i + 1, text[i]));
                }
            }
        } catch (IOException e) {
            // an unreadable script says nothing
        }
        return lines;
    }

    /** Notes a finding; the same one from several lines is one finding that names them all. */
    private void found(Kind kind, String message, Line line) {
        String source = line == null ? "" : line.where();
        for (int i = 0; i < findings.size(); i++) {
            Finding earlier = findings.get(i);
            if (earlier.kind() == kind && earlier.message().equals(message)) {
                findings.set(i, new Finding(kind, message, earlier.source().isEmpty() ? source : source.isEmpty() ? earlier.source() : earlier.source() + "\n" + source));
                return;
            }
        }
        findings.add(new Finding(kind, message, source));
    }

    /**
     * build.ps1's `docker cp "$($container):FROM" TO` lines, as outputs; "outputs" in component.json
     * where they differ from the language's defaults. Returns the destinations build.ps1 used.
     */
    List<String> copyOuts(Language language) {
        List<String> specs = new ArrayList<>();
        List<String> destinations = new ArrayList<>();
        Line first = null;
        for (Line line : lines("build.ps1")) {
            Matcher copy = COPY_OUT.matcher(line.text());
            if (!copy.find()) {
                continue;
            }
            first = first == null ? line : first;
            String from = copy.group(1).replaceAll("/+$", "");
            String to = copy.group(2).replace("\"", "").replaceFirst("^\\$PSScriptRoot[/\\\\]?", "").replaceFirst("^\\./", "").replaceAll("/+$", "");
            if (to.isEmpty() || to.equals(".")) {
                to = from.substring(from.lastIndexOf('/') + 1);
            }
            destinations.add(to);
            if (Repository.normal(to) == null && to.split("/")[0].equalsIgnoreCase("lib")) {
                found(Kind.NOT_CARRIED, "build.ps1 copied " + from + " into " + to + "/, the kit's own folder: the kit copies it to dist/" + to
                        + " (nothing in docker/ reads it there: see the hazards below if something does)", line);
                to = "dist/" + to;
            } else if (Repository.normal(to) == null) {
                found(Kind.NOT_CARRIED, "build.ps1 copied " + from + " to " + to + ", a place the kit does not write: name another with --output", line);
                continue;
            }
            specs.add(from + ":" + Repository.normal(to));
        }
        if (first == null) {
            return destinations;
        }
        List<String> defaults = language == null ? List.of() : language.outputs();
        if (new LinkedHashSet<>(specs).equals(new LinkedHashSet<>(defaults))) {
            found(Kind.SAME, "build.java copies " + String.join(", ", specs) + " out of the build image (" + language.name() + "'s defaults)", first);
        } else {
            fields.put("outputs", "[" + String.join(", ", specs.stream().map(Json::quote).toList()) + "]");
            found(Kind.CARRIED, "\"outputs\": " + fields.get("outputs") + " (the copies of build.ps1)", first);
        }
        return destinations;
    }

    /** The tag templates (<version>-<build>-rc) of FILE's image variables, by variable. */
    Map<String, String> tags(String file) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Line line : lines(file)) {
            Matcher assignment = ASSIGNMENT.matcher(line.text());
            if (assignment.find() && assignment.group(2).startsWith(IMAGE_NAME)) {
                tags.put(assignment.group(1), assignment.group(2).substring(IMAGE_NAME.length()).replace("$($component.version)", "<version>")
                        .replace("$($component.build)", "<build>").replaceAll("\\$\\(\\$env:\\w+\\)", "<build>"));
            }
        }
        return tags;
    }

    /**
     * The release image's tags (package.ps1's `docker build -f docker/Dockerfile -t ...`) and the ones
     * publish.ps1 pushes; the build and test images' names, which nothing outside the pipeline reads.
     */
    void releaseTags(Component component) {
        Map<String, String> tags = tags("package.ps1");
        List<String> release = new ArrayList<>();
        Line built = null;
        for (Line line : lines("package.ps1")) {
            if (line.text().matches(".*docker\\s+build\\s.*docker/Dockerfile\"?\\s.*")) {
                built = line;
                Matcher tag = Pattern.compile("-t\\s+\\$(\\w+)").matcher(line.text());
                while (tag.find()) {
                    release.add(tags.getOrDefault(tag.group(1), "?"));
                }
            }
        }
        boolean artifacts = component.releaseImages().stream().noneMatch(image -> image.endsWith("-rc"));
        if (built != null && !release.contains("?")) {
            if (release.equals(List.of("<version>-<build>-rc", "latest")) || artifacts && Set.copyOf(component.releaseImages()).equals(
                    Set.copyOf(release.stream().map(tag -> component.repository() + ":" + component.placeholders(tag)).toList()))) {
                found(Kind.SAME, "package.java builds the release image as " + String.join(" and ", release), built);
            } else if (!component.fields.has("artifacts")) {
                fields.put("artifacts", "[" + String.join(", ", release.stream().map(tag -> "{\"name\": \"<name>\", \"tag\": " + Json.quote(tag)
                        + ", \"type\": \"docker\"}").toList()) + "]");
                found(Kind.CARRIED, "\"artifacts\": the release image's tags " + String.join(" and ", release) + " (package.java builds, publish.java pushes them)", built);
            } else {
                found(Kind.NOT_CARRIED, "package.ps1 tagged the release image " + String.join(" and ", release) + "; component.json's \"artifacts\" name the kit's tags", built);
            }
        }
        Map<String, String> published = tags("publish.ps1");
        List<String> pushed = new ArrayList<>();
        Line push = null;
        for (Line line : lines("publish.ps1")) {
            Matcher each = Pattern.compile("docker\\s+push\\s+\\$(\\w+)").matcher(line.text());
            if (each.find()) {
                push = push == null ? line : push;
                pushed.add(published.getOrDefault(each.group(1), "?"));
            }
        }
        if (push != null && pushed.size() == 1 && pushed.get(0).endsWith("-rc") && release.contains("latest")) {
            found(Kind.FLAG, "publish.ps1 pushed only " + pushed.get(0) + ": ./jbang publish.java --tags rc does the same (by default it pushes latest too)", push);
        }
        for (String file : List.of("build.ps1", "test.ps1")) {
            String suffix = file.equals("build.ps1") ? "-build" : "-test";
            for (Map.Entry<String, String> tag : tags(file).entrySet()) {
                if (tag.getValue().endsWith(suffix) && !tag.getValue().equals("<version>-<build>" + suffix)) {
                    found(Kind.NOT_CARRIED, file + " named its image " + tag.getValue() + "; the kit names it <version>-<build>" + suffix
                            + " (only the pipeline itself uses it)", null);
                }
            }
        }
    }

    /** package.ps1's Invoke-WebRequest lines: the readiness probe (the first GET) and the smoke requests (the POSTs), with their variables. */
    void probe(Component component) {
        List<Line> lines = lines("package.ps1");
        Map<String, String> variables = new LinkedHashMap<>();   // $var -> $env:NAME or a literal
        for (Line line : lines) {
            Matcher environment = FROM_ENVIRONMENT.matcher(line.text());
            while (environment.find()) {
                variables.putIfAbsent(environment.group(1), "$env:" + environment.group(2));
            }
        }
        List<String> smoke = new ArrayList<>();
        Line smokeLine = null;
        boolean probed = false;
        for (Line line : lines) {
            Matcher request = PROBE.matcher(line.text());
            if (!request.find()) {
                continue;
            }
            Matcher uri = URI.matcher(request.group(1).replace("\"", "").replace("`", ""));
            if (!uri.matches()) {
                continue;
            }
            String host = resolve(uri.group(1), variables);
            String port = uri.group(2) == null ? "80" : resolve(uri.group(2), variables);
            String route = resolve(uri.group(3), variables);
            boolean post = request.group(2).toLowerCase(Locale.ROOT).contains("-method post");
            if (!post && !probed) {
                probed = true;
                List<String> differs = new ArrayList<>();
                if (!List.of("localhost", "$env:DOCKER_IP", "$env:DOCKER_MACHINE_HOST").contains(host)) {
                    differs.add("--host " + host);
                }
                if (!List.of("8080", "$env:HTTP_PORT").contains(port)) {
                    differs.add("--port " + port);
                }
                if (!List.of("/heartbeat", "$env:HTTP_ROUTE").contains(route)) {
                    differs.add("--route " + route);
                }
                if (differs.isEmpty()) {
                    found(Kind.SAME, "package.java waits for GET http://DOCKER_IP:HTTP_PORT/heartbeat (localhost:8080 unless set), polling instead of a fixed sleep", line);
                } else {
                    found(Kind.FLAG, "./jbang package.java " + String.join(" ", differs) + " probes as package.ps1 did", line);
                }
            } else if (route.contains("$($component.test_route)")) {
                found(component.fields.path("test_route").isTextual() ? Kind.SAME : Kind.NOT_CARRIED, component.fields.path("test_route").isTextual()
                        ? "package.java POSTs to component.json's \"test_route\"" : "package.ps1 POSTed to component.json's \"test_route\", which it does not have", line);
            } else if (post && route.startsWith("/") && !route.contains("$")) {
                smoke.add("{\"method\": \"POST\", \"route\": " + Json.quote(route) + "}");
                smokeLine = smokeLine == null ? line : smokeLine;
            }
        }
        if (!smoke.isEmpty()) {
            if (component.fields.has("smoke")) {
                found(Kind.NOT_CARRIED, "package.ps1 POSTed " + smoke.size() + " route(s); component.json has its own \"smoke\" list, left as it is", smokeLine);
            } else {
                fields.put("smoke", "[" + String.join(", ", smoke) + "]");
                found(Kind.CARRIED, "\"smoke\": " + fields.get("smoke") + " (package.ps1's requests after the heartbeat)", smokeLine);
            }
        }
    }

    /** TEXT with its $var and $($var) replaced by what package.ps1 assigns them ($env:NAME). */
    private static String resolve(String text, Map<String, String> variables) {
        Matcher variable = Pattern.compile("\\$\\((\\$\\w+)\\)|\\$(\\w+)").matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (variable.find()) {
            String name = (variable.group(1) != null ? variable.group(1).substring(1) : variable.group(2));
            variable.appendReplacement(resolved, Matcher.quoteReplacement(variables.getOrDefault(name, variable.group())));
        }
        return variable.appendTail(resolved).toString();
    }

    /** The variables the scripts read, and what they did that the kit does otherwise. */
    void habits() {
        Set<String> read = new LinkedHashSet<>();
        for (String file : List.of("build.ps1", "test.ps1", "package.ps1", "publish.ps1", "run.ps1", "clean.ps1", "clear.ps1", "tag.ps1", "release.ps1")) {
            boolean exits = false;
            List<Line> lines = lines(file);
            for (Line line : lines) {
                String text = line.text();
                Matcher environment = ENVIRONMENT.matcher(text);
                while (environment.find()) {
                    read.add(environment.group(1));
                }
                exits |= text.matches("\\s*exit\\s+\\$.*");
                if (text.matches(".*docker\\s+login\\b.*\\s-p\\s.*")) {
                    found(Kind.NOT_CARRIED, "the password on docker login's command line (any local user can read it): publish.java passes it on stdin, into a throwaway docker config", line);
                }
                if (text.matches(".*https?://[^\" ]*\\$\\(\\$env:\\w+\\)[^\" ]*@.*")) {
                    found(Kind.NOT_CARRIED, "a token in the git remote's URL (it stays in .git/config): tag.java sends GIT_TOKEN or GITHUB_API_KEY as a header", line);
                }
                if (text.matches(".*(docker[/\\\\]id_rsa|docker[/\\\\]\\.npmrc|Destination\\s+\"?[^\"]*docker\"?).*")) {
                    found(Kind.NOT_CARRIED, "a key or token written into docker/ and left there for the next step (how keys reached published images): the kit writes one only for "
                            + "the build that asks, and removes it as soon as that image is built", line);
                }
                if (text.matches(".*Set-Content\\s+-Path\\s+\"?[^\"]*docker[/\\\\](id_rsa|\\.npmrc)\"?\\s+-Value\\s+(\"\"|'').*")) {
                    found(Kind.NOT_CARRIED, "an empty key or .npmrc written when the variable was not set: the kit needs GIT_PRIVATE_KEY or NPM_TOKEN set "
                            + "for a Dockerfile that copies the file (exit 2 without; for public packages any token will do)", line);
                }
                if (text.matches(".*docker\\s+build\\s.*--no-cache.*")) {
                    found(Kind.NOT_CARRIED, "builds with --no-cache: the kit builds with the layer cache (docker builder prune before a build does the same)", line);
                }
                if (text.matches(".*\\s-k\\s+\\$env:\\w+.*")) {
                    found(Kind.NOT_CARRIED, "an API key on a command line: release.java gives NuGet NUGET_KEY in its environment", line);
                }
                if (file.equals("tag.ps1") && text.matches(".*git\\s+(add|commit)\\b.*")) {
                    found(Kind.NOT_CARRIED, "tag.ps1 committed files before tagging: tag.java tags HEAD as it is (commit component.json and obj/ first where CI wants them in)", line);
                }
            }
            if (file.equals("test.ps1") && !lines.isEmpty() && !exits) {
                found(Kind.NOT_CARRIED, "test.ps1 ended with exit code 0 whatever the tests did: test.java exits with the test container's code", null);
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            for (String other : files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".ps1")).sorted().toList()) {
                if (!List.of("build.ps1", "test.ps1", "package.ps1", "publish.ps1", "run.ps1", "clean.ps1", "clear.ps1", "tag.ps1", "release.ps1").contains(other)) {
                    found(Kind.NOT_CARRIED, other + ": no step of the kit does what it does; it stays as it is", null);
                }
            }
        } catch (IOException e) {
            // an unreadable folder lists nothing
        }
        for (String variable : read) {
            String kit = VARIABLES.get(variable);
            if (kit != null) {
                found(Kind.SAME, variable + ": " + kit, null);
            } else if (Component.BUILD_NUMBER_VARIABLES.contains(variable)) {
                found(Kind.SAME, variable + ": the CI's build number, which build.java writes into component.json first", null);
            } else {
                found(Kind.NOT_CARRIED, variable + ": read by the ps1 scripts only (compose files still get it from the environment)", null);
            }
        }
    }

    /** What docker/'s files would do with a credential, each with the shape of the fix. */
    void hazards() {
        Path release = directory.resolve(PackageStep.DOCKERFILE);
        if (!Files.isRegularFile(release, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Dockerfile.Instruction> instructions;
        try {
            instructions = Dockerfile.parse(Files.readString(release));
        } catch (IOException e) {
            return;
        }
        for (String file : List.of(Credentials.KEY, Credentials.NPMRC)) {
            if (Dockerfile.copies(instructions, file)) {
                found(Kind.HAZARD, "docker/Dockerfile copies " + file + " into the release image, which is published: package.java refuses it. The shape of the fix: "
                        + "RUN --mount=type=secret,id=" + (file.equals(Credentials.KEY) ? "id_rsa,target=/root/.ssh/id_rsa" : "npmrc,target=/root/.npmrc")
                        + " on the RUN that needs it (BuildKit), or ARG PIPKIT_SECRET_URL and a RUN that fetches, uses and deletes it (see docs/build.md)", null);
            }
        }
        boolean broad = instructions.stream().anyMatch(instruction -> (instruction.keyword().equals("COPY") || instruction.keyword().equals("ADD"))
                && instruction.sources().stream().anyMatch(source -> List.of(".", "./", "docker", "docker/", "./docker", "./docker/").contains(source)));
        String ignored;
        try {
            ignored = Files.isRegularFile(directory.resolve(".dockerignore"), LinkOption.NOFOLLOW_LINKS) ? Files.readString(directory.resolve(".dockerignore")) : "";
        } catch (IOException e) {
            ignored = "";
        }
        if (broad && !ignored.lines().map(String::strip).anyMatch(line -> line.matches("/?(docker(/\\*{0,2})?|docker/id_rsa\\*?|\\*\\*/id_rsa\\*?)"))) {
            found(Kind.HAZARD, "docker/Dockerfile copies the whole context, docker/ included, and .dockerignore does not leave out docker/id_rsa: a key the ps1 "
                    + "scripts left there went into the published image. The kit never leaves one, and package.java refuses to build with one there; "
                    + "the shape of the fix: a line docker/id_rsa* in .dockerignore", null);
        }
    }

    /**
     * .gitignore: the kit's files (KIT_PATHS) must not be ignored (a /lib line, as Java repositories
     * have it for build.ps1's copy, would leave lib/ out of every commit), its journals must be, and
     * an output moved from an ignored place (lib/) stays ignored at its new one (dist/lib/).
     */
    void ignores(List<String> kitPaths, List<String> destinations) {
        List<String> rules = gitignoreRules();
        for (String path : kitPaths) {
            boolean folder = path.equals("lib");
            if (ignored(rules, path, folder)) {
                gitignore.add("!/" + path + (folder ? "/" : ""));
            }
        }
        if (!ignored(rules, ".pipkit-outputs", false)) {
            gitignore.add("/.pipkit-*");
        }
        for (String destination : destinations) {
            if (destination.split("/")[0].equalsIgnoreCase("lib") && ignored(rules, destination, true) && !ignored(rules, "dist/" + destination, true)) {
                gitignore.add("/dist/" + destination + "/");
            }
        }
        if (!gitignore.isEmpty()) {
            findings.add(new Finding(Kind.CARRIED, ".gitignore: " + String.join(", ", gitignore) + " added (the kit's files are the repository's; its journals"
                    + " and the outputs it moves are not)", ""));
        }
    }

    /** What DIRECTORY's .gitignore must add so that the kit's files (KIT_PATHS) are committed and its journals are not (an upgrade's part of the above). */
    static List<String> gitignoreLines(Path directory, List<String> kitPaths) {
        Migration migration = new Migration(directory);
        migration.ignores(kitPaths, List.of());
        return migration.gitignore;
    }

    private List<String> gitignoreRules() {
        try {
            Path file = directory.resolve(".gitignore");
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Whether RULES (a root .gitignore's lines) ignore PATH (a FOLDER or a file), as git reads them:
     * the last matching line wins, ! re-includes, a trailing / matches folders only, a / elsewhere
     * anchors the pattern at the root, * and ? match within a name; a path under an ignored folder is ignored.
     */
    static boolean ignored(List<String> rules, String path, boolean folder) {
        String[] parts = path.split("/");
        for (int depth = 1; depth < parts.length; depth++) {
            if (ignoredHere(rules, String.join("/", List.of(parts).subList(0, depth)), true)) {
                return true;
            }
        }
        return ignoredHere(rules, path, folder);
    }

    private static boolean ignoredHere(List<String> rules, String path, boolean folder) {
        boolean ignored = false;
        for (String raw : rules) {
            String rule = raw.strip();
            if (rule.isEmpty() || rule.startsWith("#")) {
                continue;
            }
            boolean negated = rule.startsWith("!");
            rule = negated ? rule.substring(1) : rule;
            boolean folderOnly = rule.endsWith("/");
            rule = rule.replaceAll("/+$", "");
            boolean anchored = rule.startsWith("/") || rule.contains("/");
            rule = rule.replaceFirst("^/", "");
            if (folderOnly && !folder || rule.isEmpty()) {
                continue;
            }
            String pattern = Repository.glob(rule);
            boolean matches = anchored ? path.matches(pattern) : path.substring(path.lastIndexOf('/') + 1).matches(pattern);
            if (matches) {
                ignored = !negated;
            }
        }
        return ignored;
    }
}
