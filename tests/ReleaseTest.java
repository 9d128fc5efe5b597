import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * release.java against real package registries on loopback: Verdaccio (from the npm registry) for
 * npm, and Debian's nginx with WebDAV PUT as a Maven repository. Publish, skip what is there,
 * bad credentials, the registry down; no credential in any output, argument list or file left.
 */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class ReleaseTest {
    static final String USER = "releaser";
    static final String PASSWORD = "Release-Pass-5150";

    Harness repo;
    Path home;

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        if (repo != null) {
            repo.deleteFolders();
        }
        if (home != null) {
            Repository.delete(home);
        }
    }

    /** A copy of a fixture (tests/fixtures/NAME) with the kit, its component.json at version 1.0.0 listing one ARTIFACT type. */
    Harness fixture(String name, String artifact) throws IOException {
        repo = Harness.copy();
        Harness.exec(List.of("cp", "-r", Harness.ROOT.resolve("tests/fixtures/" + name) + "/.", repo.dir.toString()));
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"" + repo.name + "\", \"type\": \"" + artifact + "\"}]"));
        home = Files.createTempDirectory("pipkit-release-home-");
        return repo;
    }

    /** The run's environment: a HOME of its own (to show that nothing is written there) and the registry's settings. */
    Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("HOME", home.toString());
        // ./jbang looks for its JBang under HOME: it gets the suite's kit folder, so that HOME holds only what the release writes there
        environment.put("JBANG_KIT_HOME", Harness.suiteKit().toString());
        return environment;
    }

    void assertNothingLeft(Harness.Result... results) throws IOException {
        for (Harness.Result result : results) {
            assertFalse(result.all().contains(PASSWORD), "the password was printed: " + result.all());
        }
        try (var files = Files.list(home)) {
            assertEquals(List.of(), files.map(path -> path.getFileName().toString()).filter(file -> !file.equals(".m2") && !file.equals(".npm")).toList(),
                    "files written to HOME (~/.npmrc?)");
        }
        assertEquals(List.of(), repo.temporaryFiles(), "throwaway credential files left behind");
    }

    @Test
    void npmPublishesSkipsWhatIsThereAndRefusesBadCredentials() throws Exception {
        try (Verdaccio registry = new Verdaccio()) {
            fixture("node", "npm");
            String name = "pipkit-release-" + ScriptRun.newId();
            // the repository's lifecycle scripts would run on the host with the credential in reach: npm runs none of them
            Path ran = repo.outside().resolve("script-ran");
            String scripts = String.join(", ", List.of("prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish").stream()
                    .map(script -> "\"" + script + "\": \"touch " + ran + "\"").toList());
            repo.write("package.json", repo.read("package.json").replace("\"name\": \"service\"", "\"name\": \"" + name + "\"").replace("\"private\": true,", "")
                    .replace("\"scripts\": {", "\"scripts\": {" + scripts + ", "));
            Map<String, String> login = environment(Map.of("NPM_REGISTRY", registry.url(), "NPM_USER", USER, "NPM_PASS", PASSWORD, "NPM_EMAIL", "r@example.com"));

            Harness.Result first = repo.run(login, "release.java", "--verbose");
            assertEquals(0, first.exit(), first.all());
            assertFalse(Files.exists(ran), "an npm lifecycle script of the repository's ran");
            assertTrue(first.err().contains("publishing " + name + "@1.0.0 (npm)"), first.err());
            assertEquals("1.0.0", registry.view(name));

            Harness.Result again = repo.run(login, "release.java");
            assertEquals(0, again.exit(), again.all());
            assertTrue(again.err().contains(name + "@1.0.0 (npm) is in the registry already: skipped"), again.err());

            // a token, as CI would have it, for the next version
            repo.write("package.json", repo.read("package.json").replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\""));
            repo.write("component.json", repo.read("component.json").replace("\"version\": \"1.0.0\"", "\"version\": \"1.0.1\""));
            Harness.Result token = repo.run(environment(Map.of("NPM_REGISTRY", registry.url(), "NPM_TOKEN", registry.token())), "release.java");
            assertEquals(0, token.exit(), token.all());
            assertEquals("1.0.1", registry.view(name + "@1.0.1"));

            repo.write("package.json", repo.read("package.json").replace("\"version\": \"1.0.1\"", "\"version\": \"1.0.2\""));
            repo.write("component.json", repo.read("component.json").replace("\"version\": \"1.0.1\"", "\"version\": \"1.0.2\""));
            Map<String, String> wrong = new HashMap<>(login);
            wrong.put("NPM_PASS", "Wrong-" + PASSWORD);
            Harness.Result refused = repo.run(wrong, "release.java");
            Harness.assertOneErrorLine(refused, 1, "npm publish failed");
            assertNothingLeft(first, again, token, refused);
        }
    }

    @Test
    void npmWithTheRegistryDownFailsWithOneLine() throws Exception {
        fixture("node", "npm");
        repo.write("package.json", repo.read("package.json").replace("\"private\": true,", ""));
        int port = Harness.freePort();
        long started = System.nanoTime();
        Harness.Result result = repo.run(environment(Map.of("NPM_REGISTRY", "http://127.0.0.1:" + port + "/", "NPM_TOKEN", "npm_token_" + PASSWORD)),
                "release.java");
        Harness.assertOneErrorLine(result, 1, "cannot reach http://127.0.0.1:" + port + " (");
        assertTrue(result.err().contains("check NPM_REGISTRY"), result.err());
        // npm itself retries for minutes; the kit's one question does not
        assertTrue(System.nanoTime() - started < 60_000_000_000L, "a registry that is down took " + (System.nanoTime() - started) / 1_000_000_000 + " s to say so");
        assertNothingLeft(result);
    }

    @Test
    void mavenDeploysSkipsWhatIsThereAndRefusesBadCredentials() throws Exception {
        try (MavenRepository maven = new MavenRepository()) {
            fixture("java", "maven");
            Map<String, String> login = environment(Map.of("MAVEN_REPOSITORY", maven.url(), "MAVEN_USER", USER, "MAVEN_PASS", PASSWORD));
            Harness.Result first = repo.run(login, "release.java");
            assertEquals(0, first.exit(), first.all());
            assertTrue(Files.exists(maven.root.resolve("com/example/greeter/1.0.0/greeter-1.0.0.jar")), "deployed: " + first.all());
            assertTrue(Files.exists(maven.root.resolve("com/example/greeter/1.0.0/greeter-1.0.0.pom")));

            Harness.Result again = repo.run(login, "release.java");
            assertEquals(0, again.exit(), again.all());
            assertTrue(again.err().contains("com.example:greeter:1.0.0 (maven) is in the registry already: skipped"), again.err());

            Map<String, String> wrong = new HashMap<>(login);
            wrong.put("MAVEN_PASS", "Wrong-" + PASSWORD);
            Harness.assertOneErrorLine(repo.run(wrong, "release.java"), 1, "check MAVEN_USER and MAVEN_PASS");
            assertNothingLeft(first, again);
        }
    }

    /** Verdaccio 6.8 from the npm registry (installed once under ~/.cache), on a free loopback port, one user in an htpasswd file. */
    static final class Verdaccio implements AutoCloseable {
        final int port = Harness.freePort();
        final Path dir = Files.createTempDirectory("pipkit-verdaccio-");
        final Process process;

        Verdaccio() throws Exception {
            Path install = Path.of(System.getProperty("user.home"), ".cache", "pipkit-verdaccio");
            if (!Files.exists(install.resolve("node_modules/.bin/verdaccio"))) {
                Files.createDirectories(install);
                // 6.8.0 runs on Node 20 when node-fetch is held at 2.7.0
                Files.writeString(install.resolve("package.json"), "{\"private\": true, \"dependencies\": {\"verdaccio\": \"6.8.0\"}, \"overrides\": {\"node-fetch\": \"2.7.0\"}}\n");
                var installed = Harness.exec(List.of("npm", "install", "--prefix", install.toString(), "--no-audit", "--no-fund"));
                assertEquals(0, installed.getExitValue(), "npm install verdaccio: " + installed.outputUTF8());
            }
            Files.writeString(dir.resolve("htpasswd"), Harness.exec(List.of("htpasswd", "-Bbn", USER, PASSWORD)).outputUTF8());
            Files.writeString(dir.resolve("config.yaml"), "storage: " + dir.resolve("storage") + "\nauth:\n  htpasswd:\n    file: " + dir.resolve("htpasswd")
                    + "\n    max_users: -1\nuplinks: {}\npackages:\n  '**':\n    access: $all\n    publish: $authenticated\n"
                    + "listen: 127.0.0.1:" + port + "\nlog: {type: stdout, format: pretty, level: warn}\n");
            process = new ProcessBuilder(install.resolve("node_modules/.bin/verdaccio").toString(), "--config", dir.resolve("config.yaml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("verdaccio.log").toFile()).start();
            Probe probe = new Probe();
            if (!probe.waitUntilReady(URI.create(url() + "-/ping"), java.time.Duration.ofSeconds(60), java.time.Duration.ofMillis(200))) {
                close();
                throw new AssertionError("Verdaccio did not start: " + probe.lastError);
            }
        }

        String url() {
            return "http://127.0.0.1:" + port + "/";
        }

        /** The version `npm view` sees for WHAT (a name or name@version). */
        String view(String what) {
            return Harness.exec(List.of("npm", "view", what, "version", "--registry", url())).outputUTF8().strip();
        }

        /** A token for the user, as `npm login` gets one. */
        String token() throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "-/user/org.couchdb.user:" + USER))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + USER + "\", \"password\": \"" + PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            assertTrue(body.contains("\"token\""), "no token from Verdaccio: " + body);
            return body.replaceFirst("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        }

        @Override
        public void close() throws IOException {
            Harness.stop(process, dir);
        }
    }

    /** Debian's nginx as a Maven repository over HTTP: WebDAV PUT, basic authentication for everything, on a free loopback port. */
    static final class MavenRepository implements AutoCloseable {
        final int port = Harness.freePort();
        final Path dir = Files.createTempDirectory("pipkit-maven-");
        final Path root = dir.resolve("repository");
        final Process process;

        MavenRepository() throws Exception {
            Files.createDirectories(root);
            Files.createDirectories(dir.resolve("body"));
            Files.writeString(dir.resolve("htpasswd"), Harness.exec(List.of("htpasswd", "-bn", USER, PASSWORD)).outputUTF8());
            Files.writeString(dir.resolve("nginx.conf"), "user root;\nworker_processes 1;\ndaemon off;\npid " + dir.resolve("nginx.pid") + ";\nerror_log "
                    + dir.resolve("error.log") + ";\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path " + dir.resolve("body") + ";\n"
                    + "  client_max_body_size 100m;\n  server {\n    listen 127.0.0.1:" + port + ";\n    root " + root + ";\n    location / {\n"
                    + "      dav_methods PUT;\n      create_full_put_path on;\n      auth_basic maven;\n      auth_basic_user_file " + dir.resolve("htpasswd") + ";\n    }\n  }\n}\n");
            process = new ProcessBuilder("nginx", "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.log").toFile()).start();
            Probe probe = new Probe();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!probe.succeeds("GET", URI.create(url() + "/"), null) && !probe.lastError.contains("answered 401")) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    close();
                    throw new AssertionError("nginx did not start (apt-get install nginx-core): " + probe.lastError + " " + Files.readString(dir.resolve("nginx.log")));
                }
                Harness.sleep(100);
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() throws IOException {
            Harness.stop(process, dir);
        }
    }
}
