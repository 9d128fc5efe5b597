///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Publishes the component's library packages (npm, Maven, NuGet, PyPI, pub) at its version, skipping a version the registry already has (replaces release.ps1).
//SOURCES lib/Kit.java

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

class Release implements Callable<Integer>, Cli.Declared {
    /** The package types release publishes: each language's (see {@link Language#packageType}). */
    static final List<String> TYPES = Language.ALL.stream().map(Language::packageType).filter(type -> type != null).toList();

    final Kit.Options options = new Kit.Options();

    /** One package to publish: what it is called, its version, whether the registry has it, and the command that publishes it. */
    interface Publication {
        String describe();

        /** Whether the registry has this version already (asked once the run holds its lock: it may need the credentials' file). */
        boolean published(ScriptRun run);

        void publish(ScriptRun run);
    }

    @Override
    public void declare(Cli cli) {
        cli.usage("release", "Publishes the component's library packages at the component's version: the npm, maven, nuget, pypi and pub entries of "
                + "component.json's \"artifacts\", else the package of its language (package.json, pom.xml, *.csproj, setup.py/pyproject.toml, "
                + "pubspec.yaml). A version the registry already has is skipped with a line, not an error. Credentials reach only the one "
                + "program that needs them, through its environment or a throwaway owner-only file: never its arguments, never ~/.npmrc.",
                "  npm: NPM_TOKEN, or NPM_USER, NPM_PASS and NPM_EMAIL (release.ps1's login); NPM_REGISTRY (default https://registry.npmjs.org/)",
                "  Maven: MAVEN_REPOSITORY (where to deploy), MAVEN_USER and MAVEN_PASS",
                "  NuGet: NUGET_KEY, NUGET_SOURCE; PyPI: PYPI_TOKEN, PYPI_REPOSITORY; pub: PUB_TOKEN",
                "  NO_COLOR",
                "%nExample:",
                "  NPM_TOKEN=*** ./jbang release.java");
        cli.mixin("options", options);
    }

    public static void main(String... args) {
        System.exit(Kit.run(new Release(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        List<Publication> publications = new ArrayList<>();
        for (String type : types(component, run)) {
            publications.add(switch (type) {
                case "npm" -> Npm.plan(run, component);
                case "maven" -> Maven.plan(run, component);
                // NuGet 7.6 and later read the key from NUGET_API_KEY: never in push's arguments
                case "nuget" -> new Command(type, "the .csproj's package", List.of("dotnet", "pack", "--configuration", "Release", "--output", "dist/nuget"),
                        List.of("dotnet", "nuget", "push", "dist/nuget/*.nupkg", "--source", source(run, "NUGET_SOURCE", "https://api.nuget.org/v3/index.json"),
                                "--skip-duplicate"), Map.of("NUGET_API_KEY", required(run, "NUGET_KEY").get("NUGET_KEY")));
                // -I: modules from the installation, never the repository's own twine.py (python -m puts the current folder first)
                case "pypi" -> new Command(type, "the Python package", List.of("python", "-I", "-m", "build"),
                        List.of("python", "-I", "-m", "twine", "upload", "--skip-existing", "--repository-url", source(run, "PYPI_REPOSITORY", "https://upload.pypi.org/legacy/"),
                                "dist/*"), twine(required(run, "PYPI_TOKEN").get("PYPI_TOKEN")));
                // pub reads the token from the variable it is told to (the name is stored, never the value)
                default -> new Command(type, "the Dart package", List.of("dart", "pub", "token", "add", "https://pub.dev", "--env-var", "PUB_TOKEN"),
                        List.of("dart", "pub", "publish", "--force"), required(run, "PUB_TOKEN"));
            });
        }
        if (publications.isEmpty()) {
            run.console.step("no library package to publish: component.json lists no npm, maven, nuget, pypi or pub artifact, and its language has none");
            return Exit.OK;
        }

        run.lock(component, "release");
        for (Publication publication : publications) {
            if (publication.published(run)) {
                run.console.step(publication.describe() + " is in the registry already: skipped");
            } else {
                run.console.step("publishing " + publication.describe());
                publication.publish(run);
            }
        }
        run.console.step(run.dryRun ? "dry run: nothing was published" : "released " + component.name + " " + component.version);
        return Exit.OK;
    }

    /** The package types to publish: component.json's non-docker artifacts, else the language's (named or inferred). */
    static List<String> types(Component component, ScriptRun run) {
        List<String> types = new ArrayList<>();
        for (JsonNode artifact : component.fields.path("artifacts")) {
            String type = artifact.path("type").asText().toLowerCase(Locale.ROOT);
            if (TYPES.contains(type) && !types.contains(type)) {
                types.add(type);
            } else if (!type.equals("docker") && !TYPES.contains(type)) {
                throw Exit.badInput(component.file + ": the artifact type " + Json.quote(type) + " is none the kit publishes: docker, " + String.join(", ", TYPES));
            }
        }
        if (!types.isEmpty() || !component.fields.path("artifacts").isEmpty()) {
            return types;
        }
        Language language = Language.named(component.language());
        if (component.language().isEmpty()) {
            String dockerfile = Files.exists(run.directory.resolve("docker/Dockerfile.build")) ? Repository.read(run.directory, "docker/Dockerfile.build") : "";
            Language.Inferred inferred = Language.infer(run.directory, dockerfile);
            language = inferred == null ? null : inferred.language();
        }
        return language == null || language.packageType() == null ? List.of() : List.of(language.packageType());
    }

    /** twine's login from the environment: an API token is the password of the user __token__. */
    static Map<String, String> twine(String token) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TWINE_USERNAME", "__token__");
        environment.put("TWINE_PASSWORD", token);
        return environment;
    }

    /** VALUE as an http(s) URL with a host, else bad input naming VARIABLE. */
    static URI url(String value, String variable) {
        try {
            URI uri = new URI(value);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // said below
        }
        throw Exit.badInput(variable + " " + Json.quote(value) + " is not an http(s) URL such as https://registry.example.com/");
    }

    static String source(ScriptRun run, String variable, String fallback) {
        String value = run.environment.get(variable);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** VARIABLE from the environment, for one child's environment; unset is bad input. */
    static Map<String, String> required(ScriptRun run, String variable) {
        String value = run.environment.get(variable);
        if (value == null || value.isBlank()) {
            throw Exit.badInput(variable + " is not set: the release needs it (see --help)");
        }
        return Map.of(variable, value);
    }

    /**
     * A GET of a registry's URI with AUTHORIZATION (null: none), once, for a release's question: an
     * answer that refuses the login, or no answer, fails with one line naming what to check.
     */
    static <T> HttpResponse<T> ask(URI uri, String authorization, String where, String login, HttpResponse.BodyHandler<T> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<T> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(request.build(), body);
            if (answer.statusCode() == 401 || answer.statusCode() == 403) {
                throw Exit.failure(uri.getHost() + " refused to say what it holds at " + uri.getPath() + " (HTTP " + answer.statusCode() + "): check " + login);
            }
            return answer;
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "nothing answers there" : e instanceof java.net.http.HttpTimeoutException ? "no answer in time"
                    : e.getMessage() == null ? "no answer" : e.getMessage();
            throw Exit.failure("cannot reach " + uri.getScheme() + "://" + uri.getAuthority() + " (" + why + "): check " + where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Exit.failure("interrupted while asking " + uri.getAuthority());
        }
    }

    /** NuGet, PyPI, pub: a build command, then a publish command that skips what the registry has, with the credential in its environment. */
    record Command(String type, String what, List<String> build, List<String> publish, Map<String, String> environment) implements Publication {
        @Override
        public String describe() {
            return what + " (" + type + ")";
        }

        @Override
        public boolean published(ScriptRun run) {
            return false;   // the publish command itself skips a version the registry has
        }

        @Override
        public void publish(ScriptRun run) {
            run.commands.step(String.join(" ", build.subList(0, 2)), build);
            run.commands.step(String.join(" ", publish.subList(0, 2)), publish, environment);
        }
    }

    /** npm, as release.ps1 did it: `npm view` to skip, `npm publish` with the credentials in a throwaway userconfig. */
    static final class Npm implements Publication {
        final String name;
        final String version;
        final String registry;
        private final String credentials;
        /** The Authorization header of the same login, for the registry's API. */
        private final String authorization;
        /** The throwaway userconfig, written once the run holds its lock. */
        private Map<String, String> environment;

        Npm(String name, String version, String registry, String credentials, String authorization) {
            this.name = name;
            this.version = version;
            this.registry = registry;
            this.credentials = credentials;
            this.authorization = authorization;
        }

        static Npm plan(ScriptRun run, Component component) {
            Path manifest = run.directory.resolve("package.json");
            JsonNode pkg;
            try {
                pkg = Json.tree(Files.readString(manifest));
            } catch (IOException e) {
                throw Exit.badInput("package.json cannot be read (" + e.getMessage() + "): the npm package is described there");
            }
            String name = pkg == null ? "" : pkg.path("name").asText("");
            String version = pkg == null ? "" : pkg.path("version").asText("");
            if (pkg != null && pkg.path("private").asBoolean(false)) {
                throw Exit.badInput("package.json says \"private\": true, so npm publishes nothing: remove it, or list no npm artifact");
            }
            if (name.isEmpty() || !version.equals(component.version)) {
                throw Exit.badInput("package.json names " + Json.quote(name) + " version " + Json.quote(version) + ": the release publishes the component's "
                        + "version " + component.version + ": make them equal");
            }
            String registry = source(run, "NPM_REGISTRY", "https://registry.npmjs.org/");
            URI uri = url(registry, "NPM_REGISTRY");
            String host = "//" + uri.getAuthority() + uri.getPath().replaceFirst("/?$", "/");
            String token = run.environment.get("NPM_TOKEN");
            String user = run.environment.get("NPM_USER");
            String password = run.environment.get("NPM_PASS");
            String credentials;
            String authorization;
            if (token != null && !token.isBlank()) {
                credentials = host + ":_authToken=" + token.strip() + "\n";
                authorization = "Bearer " + token.strip();
            } else if (user != null && !user.isBlank() && password != null && !password.isBlank()) {
                String basic = Base64.getEncoder().encodeToString((user.strip() + ":" + password.strip()).getBytes(StandardCharsets.UTF_8));
                run.console.secret(basic);
                credentials = host + ":_auth=" + basic + "\n";   // NPM_EMAIL: release.ps1's `npm login` wanted it; npm 9 and later do not
                authorization = "Basic " + basic;
            } else {
                throw Exit.badInput("set NPM_TOKEN, or NPM_USER, NPM_PASS and NPM_EMAIL, to publish " + name + " to " + registry);
            }
            return new Npm(name, version, registry, "registry=" + registry + "\n" + credentials, authorization);
        }

        @Override
        public String describe() {
            return name + "@" + version + " (npm)";
        }

        private Map<String, String> environment(ScriptRun run) {
            if (environment == null) {
                environment = Map.of("NPM_CONFIG_USERCONFIG", run.temporaryFile("npmrc", credentials).toString());
            }
            return environment;
        }

        /**
         * Whether the registry lists this version, asked of its API as `npm view` would, but once:
         * a registry that is down is one line at once, not npm's minutes of retries.
         */
        @Override
        public boolean published(ScriptRun run) {
            URI document = URI.create(registry.replaceFirst("/?$", "/") + name.replace("/", "%2f"));
            HttpResponse<String> answer = ask(document, authorization, "NPM_REGISTRY", "NPM_TOKEN (or NPM_USER and NPM_PASS)", HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 404) {
                return false;
            }
            try {
                JsonNode versions = Json.tree(answer.body());
                return answer.statusCode() / 100 == 2 && versions != null && versions.path("versions").has(version);
            } catch (IOException e) {
                throw Exit.failure(registry + " answered for " + name + " with no package document (" + e.getMessage() + "): check NPM_REGISTRY");
            }
        }

        @Override
        public void publish(ScriptRun run) {
            // the package as it is: none of its lifecycle scripts (prepublishOnly, prepack, ...) runs with the credential in reach
            run.commands.step("npm publish", List.of("npm", "publish", "--ignore-scripts", "--registry", registry), environment(run));
        }
    }

    /** Maven: the pom's coordinates, a look at the repository for the version's pom, `mvn deploy` with the server's login in a throwaway settings file. */
    record Maven(String group, String artifact, String version, String repository, String user, String password) implements Publication {
        static Maven plan(ScriptRun run, Component component) {
            Element pom;
            try {
                // a pom.xml may be hostile: no DOCTYPE, so no entity can read a file or reach a server
                DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                factory.setExpandEntityReferences(false);
                javax.xml.parsers.DocumentBuilder parser = factory.newDocumentBuilder();
                parser.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());   // a bad pom is one line below, not the parser's "[Fatal Error]" on stderr too
                pom = parser.parse(run.directory.resolve("pom.xml").toFile()).getDocumentElement();
            } catch (java.io.FileNotFoundException e) {
                throw Exit.badInput("pom.xml cannot be read: the Maven package is described there");
            } catch (Exception e) {
                throw Exit.badInput("pom.xml is not a plain pom (well-formed XML, no DOCTYPE): the Maven package is described there");
            }
            String group = child(pom, "groupId");
            if (group.isEmpty() && pom.getElementsByTagName("parent").getLength() > 0) {
                group = child((Element) pom.getElementsByTagName("parent").item(0), "groupId");
            }
            String artifact = child(pom, "artifactId");
            String version = child(pom, "version");
            if (group.isEmpty() || artifact.isEmpty() || !version.equals(component.version)) {
                throw Exit.badInput("pom.xml says " + group + ":" + artifact + ":" + version + ": the release publishes the component's version "
                        + component.version + ": make them equal");
            }
            String repository = source(run, "MAVEN_REPOSITORY", "");
            if (repository.isEmpty()) {
                throw Exit.badInput("set MAVEN_REPOSITORY to the repository to deploy " + artifact + " to, e.g. https://repo.example.com/releases");
            }
            url(repository, "MAVEN_REPOSITORY");
            if (!group.matches("[A-Za-z0-9_.-]+") || !artifact.matches("[A-Za-z0-9_.-]+") || !version.matches("[A-Za-z0-9_.-]+")) {
                throw Exit.badInput("pom.xml's coordinates " + Json.quote(group + ":" + artifact + ":" + version) + " are not plain Maven coordinates");
            }
            return new Maven(group, artifact, version, repository.replaceFirst("/$", ""), run.environment.getOrDefault("MAVEN_USER", ""),
                    run.environment.getOrDefault("MAVEN_PASS", ""));
        }

        /** The text of the first child element NAME of PARENT (not of a nested one), or "". */
        private static String child(Element parent, String name) {
            for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element && element.getTagName().equals(name)) {
                    return element.getTextContent().strip();
                }
            }
            return "";
        }

        @Override
        public String describe() {
            return group + ":" + artifact + ":" + version + " (maven)";
        }

        @Override
        public boolean published(ScriptRun run) {
            URI pom = URI.create(repository + "/" + group.replace('.', '/') + "/" + artifact + "/" + version + "/" + artifact + "-" + version + ".pom");
            String authorization = user.isEmpty() ? null : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return ask(pom, authorization, "MAVEN_REPOSITORY", "MAVEN_USER and MAVEN_PASS", HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        }

        @Override
        public void publish(ScriptRun run) {
            // the settings name the variables, not their values: the password stays in mvn's environment
            Path settings = run.temporaryFile("maven-settings", "<settings><servers><server><id>pipkit-release</id><username>${env.MAVEN_USER}</username>"
                    + "<password>${env.MAVEN_PASS}</password></server></servers></settings>\n");
            run.commands.step("mvn deploy", List.of("mvn", "-B", "--settings", settings.toString(), "deploy", "-DskipTests",
                    "-DaltDeploymentRepository=pipkit-release::default::" + repository), Map.of("MAVEN_USER", user, "MAVEN_PASS", password));
        }
    }
}
