import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The docker argument lists, their shell quoting, masking, and the outputs plan. */
class ArgumentsTest {
    static Component component(String extra) {
        return Component.parse(Path.of("component.json"),
                "{\"name\": \"beacons\", \"registry\": \"pipdevs\", \"version\": \"1.0.0\", \"build\": \"3\"" + extra + "}");
    }

    @Test
    void temporaryFilesGoToTmpdirUnlessItIsInsideTheRepository() throws Exception {
        Path repo = java.nio.file.Files.createTempDirectory("pipkit-arguments-");
        Path outside = java.nio.file.Files.createTempDirectory("pipkit-arguments-tmp-");
        try {
            java.nio.file.Files.createDirectories(repo.resolve("tmp"));
            Path jvm = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            for (Map.Entry<String, Path> tmpdir : Map.of(outside.toString(), outside, repo.resolve("tmp").toString(), jvm, "relative", jvm, "", jvm,
                    outside.resolve("missing").toString(), jvm).entrySet()) {
                ScriptRun run = new ScriptRun(repo, false, new Console(System.out, System.err, false, false, Map.of()), Map.of("TMPDIR", tmpdir.getKey()),
                        new Harness.Recorder(), Kit.RESOURCES);
                assertEquals(tmpdir.getValue(), run.temporaryRoot(), "TMPDIR=" + tmpdir.getKey());
                run.lock(Component.parse(repo.resolve("component.json"), "{\"name\": \"x\", \"version\": \"1\"}"), "build");
                Path file = run.temporaryFile("secret-x", "the secret");
                assertEquals(tmpdir.getValue(), file.getParent(), "TMPDIR=" + tmpdir.getKey());
                run.close();
                assertTrue(!java.nio.file.Files.exists(file), "removed as the run ends");
            }
        } finally {
            Repository.delete(repo);
            Repository.delete(outside);
        }
    }

    @Test
    void buildCommand() {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("pipkit.component", "beacons"));
        assertEquals(List.of("docker", "build", "--force-rm", "-f", "docker/Dockerfile.build", "-t", "pipdevs/beacons:1.0.0-3-build",
                        "--label", "pipkit.component=beacons", "."),
                Docker.build("docker/Dockerfile.build", List.of("pipdevs/beacons:1.0.0-3-build"), labels));
    }

    @Test
    void createCopyAndRemoveCommands() {
        Component component = component("");
        assertEquals(List.of("docker", "create", "--name", "beacons-build-ab12", "--label", "pipkit.component=beacons",
                        "--label", "pipkit.folder=" + Path.of("").toAbsolutePath(), "--label", "pipkit.run=ab12", "--label", "pipkit.step=build", "pipdevs/beacons:1.0.0-3-build", "true"),
                Docker.create("beacons-build-ab12", component.buildImage(), component.labels("ab12", "build")));
        assertEquals(List.of("docker", "cp", "c1:/app/obj", ".pipkit-staging-ab12/0"), Docker.copy("c1", "/app/obj", ".pipkit-staging-ab12/0"));
        assertEquals(List.of("docker", "rm", "--force", "--volumes", "c1"), Docker.remove("c1"));
    }

    @Test
    void composeCommandsOfBothFlavours() {
        ScriptRun docker = Harness.scriptRun(Path.of("."), true);
        String project = Compose.project(component(""), "test", "ab12");
        assertEquals("beacons-test-ab12", project);
        Compose plugin = new Compose(docker, Compose.PLUGIN, project, "docker/docker-compose.test.yml");
        assertEquals(List.of("docker", "compose", "-p", "beacons-test-ab12", "-f", "docker/docker-compose.test.yml",
                "up", "--build", "--abort-on-container-exit", "--exit-code-from", "test"),
                plugin.command("up", "--build", "--abort-on-container-exit", "--exit-code-from", "test"));
        Compose standalone = new Compose(docker, Compose.STANDALONE, project, "docker/docker-compose.yml");
        assertEquals(List.of("docker-compose", "-p", "beacons-test-ab12", "-f", "docker/docker-compose.yml",
                "down", "--volumes", "--remove-orphans", "--timeout", "5"), standalone.down());
        assertEquals(Compose.PLUGIN, Compose.flavour(docker, "plugin"));
        assertEquals(Compose.STANDALONE, Compose.flavour(docker, "standalone"));
        assertEquals(Exit.BAD_INPUT, assertThrows(Exit.Failure.class, () -> Compose.flavour(docker, "v3")).exitCode);
    }

    @Test
    void theTestVerdictComesFromTheTestContainersOwnEnd() {
        assertEquals(new Compose.Verdict(0, ""), Compose.verdict(0, "exited 0 2026-11-25T10:00:00.1Z"));
        assertEquals(3, Compose.verdict(3, "exited 3 2026-11-25T10:00:00.1Z").exit());
        assertTrue(Compose.verdict(3, "exited 3 2026-11-25T10:00:00.1Z").message().startsWith("tests failed: the test container exited with 3"));
        // Compose 2.26: another service exited first, the test container was stopped, and compose said 0
        Compose.Verdict stopped = Compose.verdict(0, "exited 137 2026-11-25T10:00:00.1Z");
        assertEquals(137, stopped.exit());
        assertTrue(stopped.message().contains("stopped before it finished"), stopped.message());
        assertTrue(Compose.verdict(1, null).message().contains("never started"));
        assertEquals(1, Compose.verdict(0, "created 0 0001-01-01T00:00:00Z").exit());
        assertTrue(Compose.verdict(0, "created 0 0001-01-01T00:00:00Z").message().contains("never started"));
        assertEquals(1, Compose.verdict(0, "running 0 2026-11-25T10:00:00.1Z").exit());
        assertEquals(2, Compose.verdict(2, "exited 0 2026-11-25T10:00:00.1Z").exit(), "compose failed after the tests passed: not a pass");
    }

    @Test
    void fixedContainerNamesAreFoundByService() {
        String file = "version: '3.3'\n\nservices:\n  test:\n    build: ..\n    links:\n      - mongo\n  mongo:\n    image: mongo:4\n"
                + "    container_name: \"mongo\"\n  # a comment\n  postgres:\n    container_name: pg  \nvolumes:\n  data:\n    container_name: not-a-service\n";
        assertEquals(Map.of("mongo", "mongo", "postgres", "pg"), Compose.fixedNames(file));
        assertEquals(Map.of(), Compose.fixedNames("services:\n  test:\n    image: x\n"));
    }

    @Test
    void composeProjectNamesAreValidForCompose() {
        assertEquals("my.svc_x-package-ab12".replace('.', '-'), Compose.project(
                Component.parse(Path.of("component.json"), "{\"name\": \"my.svc_x\", \"version\": \"1\"}"), "package", "ab12"));
    }

    @Test
    void releaseBuildSmokeRequestsAndAddresses() {
        Component component = component(", \"smoke\": [{\"method\": \"post\", \"route\": \"/v1/beacons/get_beacons\", \"body\": {\"filter\": {}}}]");
        assertEquals(List.of("docker", "build", "--force-rm", "-f", "docker/Dockerfile", "-t", "pipdevs/beacons:1.0.0-3-rc", "-t", "pipdevs/beacons:latest",
                "--label", "pipkit.component=beacons", "--label", "pipkit.folder=" + Path.of("").toAbsolutePath(), "."), PackageStep.build(component, component.imageLabels(), List.of()));
        assertEquals(List.of(new PackageStep.Request("POST", "/v1/beacons/get_beacons", "{\"filter\":{}}"), new PackageStep.Request("GET", "/v1/x", null),
                new PackageStep.Request("PUT", "/v1/y", "{\"a\": 1}")),
                PackageStep.smokeRequests(component, List.of("GET /v1/x", "put /v1/y {\"a\": 1}")));
        assertThrows(Exit.Failure.class, () -> PackageStep.smokeRequests(component, List.of("/v1/x")));
        assertEquals(List.of(new PackageStep.Request("POST", "/v1/beacons/get_beacons", "{}")),
                PackageStep.smokeRequests(component(", \"test_route\": \"/v1/beacons/get_beacons\""), List.of()), "the Go page's test_route");
        assertEquals("http://10.0.0.5:18080/heartbeat", PackageStep.uri("10.0.0.5", 18080, "heartbeat").toString());
        assertEquals("10.0.0.5", PackageStep.hostOf("tcp://10.0.0.5:2376"));
        assertEquals("build-box", PackageStep.hostOf("ssh://me@build-box:22"));
        assertEquals("localhost", PackageStep.hostOf("unix:///var/run/docker.sock"));
        assertEquals("localhost", PackageStep.hostOf(null));
        ScriptRun remote = new ScriptRun(Path.of("."), true, new Console(System.out, System.err, false, false, Map.of()),
                Map.of("DOCKER_HOST", "tcp://remote.example:2375"), new Harness.Recorder(), Kit.RESOURCES);
        assertEquals("remote.example", PackageStep.engineHost(remote));
        assertEquals("https://github.com/org/repo.git", PackageStep.withoutCredentials("https://x-access-token:ghp_abc@github.com/org/repo.git"));
        assertEquals("git@github.com:org/repo.git", PackageStep.withoutCredentials("git@github.com:org/repo.git"));
    }

    @Test
    void readinessIsNoticedSoonAfterTheServiceAnswers() throws Exception {
        int port = Harness.freePort();
        Probe probe = new Probe();
        long[] readyAt = new long[1];
        com.sun.net.httpserver.HttpServer[] server = new com.sun.net.httpserver.HttpServer[1];
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(1500);
                server[0] = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
                server[0].createContext("/heartbeat", exchange -> {
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
                server[0].start();
                readyAt[0] = System.nanoTime();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        starter.start();
        try {
            assertTrue(probe.waitUntilReady(PackageStep.uri("127.0.0.1", port, "/heartbeat"), java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(100)));
            double late = (System.nanoTime() - readyAt[0]) / 1e9;
            // a sanity bound only: how soon (target 0.3 s) is figure P3 of bench/bench.sh, not a timed test on a noisy machine
            assertTrue(late < 2, "noticed " + late + " s after the service answered");
        } finally {
            starter.join();
            server[0].stop(0);
        }
    }

    @Test
    void shellQuotingPastesBack() {
        assertEquals("docker build -t a/b:1 .", Commands.shell(List.of("docker", "build", "-t", "a/b:1", ".")));
        assertEquals("echo 'two words' 'it'\\''s' '$HOME'", Commands.shell(List.of("echo", "two words", "it's", "$HOME")));
    }

    @Test
    void secretsAreMasked() {
        Console kit = new Console(System.out, System.err, false, false, Map.of());
        kit.secret("s3cr3t-Value-123");
        assertEquals("login with **** done", kit.mask("login with s3cr3t-Value-123 done"));
        // overlapping secrets unmask nothing of each other
        kit.secret("overlap-abcdefgh");
        kit.secret("abcdefgh-overlap");
        assertEquals("x **** y", kit.mask("x overlap-abcdefgh-overlap y"));
        // the forms a secret travels in: URL-encoded, base64, JSON-escaped
        kit.secret("pa ss/wo:rd\"7");
        assertEquals("https://u:****@host", kit.mask("https://u:" + java.net.URLEncoder.encode("pa ss/wo:rd\"7", java.nio.charset.StandardCharsets.UTF_8) + "@host"));
        assertEquals("auth ****", kit.mask("auth " + java.util.Base64.getEncoder().encodeToString("pa ss/wo:rd\"7".getBytes())));
        assertEquals("{\"p\": \"****\"}", kit.mask("{\"p\": \"pa ss/wo:rd\\\"7\"}"));
        // too short to mask: masking "p" would garble every "p" and give the value away
        kit.secret("p");
        assertEquals("docker push localhost:5000", kit.mask("docker push localhost:5000"));
    }

    @Test
    void outputsFollowTheLanguageWhenComponentJsonSaysNothing() {
        assertEquals(List.of(new Outputs.Output("/app/obj", "obj"), new Outputs.Output("/app/lib", "dist/lib")),
                Outputs.plan(Harness.scriptRun(Path.of("."), true), component(", \"language\": \"Java\""), null, "").list);
        assertEquals(List.of(new Outputs.Output("/app/run", "dist/run")), Outputs.plan(Harness.scriptRun(Path.of("."), true), component(", \"language\": \"go\""), null, "").list);
        assertEquals(List.of(), Outputs.plan(Harness.scriptRun(Path.of("."), true), component(", \"language\": \"python\""), null, "").list);
    }

    @Test
    void withoutALanguageItIsInferredFromTheBuildImageOrTheManifests() throws java.io.IOException {
        Path empty = java.nio.file.Files.createTempDirectory("pipkit-language-");
        try {
            ScriptRun run = Harness.scriptRun(empty, true);
            assertEquals(List.of(), Outputs.plan(run, component(""), null, "").list, "nothing says: nothing copied");
            assertEquals(List.of(new Outputs.Output("/app/obj", "obj")), Outputs.plan(run, component(""), null, "FROM node:14 AS build\nRUN npm ci\n").list);
            assertEquals(List.of(new Outputs.Output("/obj", "obj"), new Outputs.Output("/dist", "dist")),
                    Outputs.plan(run, component(""), null, "# a comment\nfrom mcr.microsoft.com/dotnet/sdk:8.0\n").list);
            assertEquals("java", Language.infer(empty, "FROM --platform=$BUILDPLATFORM maven:3-eclipse-temurin-17\n").language().name());
            java.nio.file.Files.writeString(empty.resolve("go.mod"), "module x\n");
            assertEquals(new Language.Inferred(Language.named("go"), "go.mod"), Language.infer(empty, "FROM busybox:1.36\n"), "the manifest when FROM says nothing");
            assertEquals(List.of(), Outputs.plan(run, component(", \"language\": \"python\""), null, "FROM node:14\n").list, "the field wins");
            assertEquals(List.of(new Outputs.Output("/x", "y")), Outputs.plan(run, component(""), List.of("/x:y"), "FROM node:14\n").list, "the flag wins");
        } finally {
            Repository.delete(empty);
        }
    }

    @Test
    void theFieldAndTheFlagOverrideTheDefaults() {
        Component component = component(", \"language\": \"java\", \"outputs\": [\"/out/app.jar:dist/app.jar\", \"/app/bin/\"]");
        assertEquals(List.of(new Outputs.Output("/out/app.jar", "dist/app.jar"), new Outputs.Output("/app/bin/", "bin")),
                Outputs.plan(Harness.scriptRun(Path.of("."), true), component, null, "").list);
        assertEquals(List.of(new Outputs.Output("/x", "y")), Outputs.plan(Harness.scriptRun(Path.of("."), true), component, List.of("/x:y"), "").list);
        assertEquals(List.of(), Outputs.plan(Harness.scriptRun(Path.of("."), true), component(", \"outputs\": []"), null, "").list);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/lib:lib", "/app/lib", "/x:docker/x", "/x:.", "/x:..", "/x:../up", "/x:a/../../b", "/x:/etc",
        "/x:src", "/x:.git", "/x:build.java", "/x:component.json", "/x:.pipkit-outputs", "relative:obj", "/:obj",
        "/x:../escape\n", "/x:a\n/../../b", "/x:../b\r", "/x:..\u0085", "/x:obj\u2028..", "/x:..\u2029", "/x:\u0000obj", "/x:.GIT/hooks",
        "/x:LIB", "/x:Docker/x", "/x:Component.JSON", "/x:Build.Java", "/x:.PIPKIT-outputs", "/x:a//b", "/x:obj.", "/x:obj "})
    void refusesDestinationsTheKitMustNotTouch(String spec) {
        Exit.Failure failure = assertThrows(Exit.Failure.class, () -> Outputs.parse(spec));
        assertEquals(Exit.BAD_INPUT, failure.exitCode);
    }

    @Test
    void refusesOverlappingDestinations() {
        assertThrows(Exit.Failure.class, () -> Outputs.plan(Harness.scriptRun(Path.of("."), true), component(""), List.of("/a:dist", "/b:dist/lib"), ""));
    }
}
