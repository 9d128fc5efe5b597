import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pipeline, other engines through DOCKER_HOST, and JBang conventions (catalog, app install, export, completion). */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class EcosystemTest {
    Harness repo;

    @BeforeEach
    void aTinyRepository() throws IOException {
        repo = Harness.tiny();
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        repo.cleanUp();
    }

    /**
     * A dry run prints the commands as they run: pasted into `sh -e`, each script's dry run does
     * what the real run does (the same outputs, manifest, images, and nothing left in the engine).
     * The builder's and compose's commands differ by stack; tag's and clean's do not.
     */
    @org.junit.jupiter.api.Tag(Harness.STACK)
    @ParameterizedTest
    @ValueSource(strings = {"build.java", "test.java", "package.java"})
    void theDryRunsOfTheImageStepsPastedIntoAShellDoWhatTheRealRunsDo(String script) throws IOException {
        pastedAndReal(script);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tag.java", "clean.java"})
    void theDryRunsOfTagAndCleanPastedIntoAShellDoWhatTheRealRunsDo(String script) throws IOException {
        pastedAndReal(script);
    }

    /** SCRIPT's dry run pasted into a shell, then its real run after what it needs first: the same state. */
    void pastedAndReal(String script) throws IOException {
        Map<String, String> environment = Map.of("HTTP_PORT", Integer.toString(Harness.freePort()));
        TagTest.git(repo.dir, "init", "--quiet");
        TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "--allow-empty", "-m", "first");
        // what the step needs first (clean: something to remove)
        List<String> before = switch (script) {
            case "test.java" -> List.of("build.java");
            case "package.java" -> List.of("build.java", "test.java");
            case "clean.java" -> List.of("build.java", "test.java", "package.java");
            default -> List.of();
        };
        for (String step : before) {
            assertEquals(0, repo.run(environment, step, "--quiet").exit(), "what " + script + " needs first: " + step);
        }
        String[] args = script.equals("tag.java") ? new String[] {"--no-push"} : new String[0];
        Harness.Result dry = repo.run(environment, script, java.util.stream.Stream.concat(java.util.stream.Stream.of("--dry-run"), java.util.Arrays.stream(args))
                .toArray(String[]::new));
        assertEquals(0, dry.exit(), script + ": " + dry.all());
        var pasted = Harness.exec(List.of("sh", "-e", "-c", "cd " + repo.dir + " && git config user.email t@t && git config user.name t\n" + dry.out()));
        assertEquals(0, pasted.getExitValue(), script + "'s dry run, pasted:\n" + dry.out() + "\n" + pasted.outputUTF8());
        String afterPaste = state();
        if (script.equals("tag.java")) {
            TagTest.git(repo.dir, "tag", "-d", "v1.0.0-0");
        } else {
            assertEquals(0, repo.run(environment, "clean.java", "--quiet", "--latest").exit());
            for (String step : before) {
                assertEquals(0, repo.run(environment, step, "--quiet").exit(), "what " + script + " needs first: " + step);
            }
        }
        Harness.Result real = repo.run(environment, script, args);
        assertEquals(0, real.exit(), script + ": " + real.all());
        assertEquals(afterPaste, state(), script + ": the pasted dry run and the real run differ");
    }

    /** What a step leaves: the outputs and their manifest, the component's images, the git tags, and no leftovers in the engine. */
    String state() throws IOException {
        StringBuilder state = new StringBuilder();
        for (String file : List.of("obj/out.txt", ".pipkit-outputs")) {
            state.append(file).append(": ").append(repo.exists(file) ? repo.read(file) : "none").append('\n');
        }
        state.append("images: ").append(repo.images().stream().sorted().toList()).append('\n');
        state.append("tags: ").append(TagTest.git(repo.dir, "tag", "--list")).append('\n');
        state.append("containers: ").append(repo.containers()).append(", compose: ").append(repo.composeLeftovers()).append('\n');
        return state.toString();
    }

    @Test
    void thePipelineRunsTheStepsInOrderAndSummarises() throws IOException {
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort()), "BUILD_NUMBER", "12"),
                "pipeline.java", "--json", "summary.json");
        assertEquals(0, result.exit(), result.all());
        String err = result.err();
        assertTrue(err.indexOf("==> step build") < err.indexOf("==> step test") && err.indexOf("==> step test") < err.indexOf("==> step package"), err);
        assertTrue(err.matches("(?s).*\\npackage\\s+passed\\s+[0-9.]+ s\\s+" + Pattern.quote(repo.image("1.0.0-12-rc")) + "\\n.*"), err);
        JsonNode summary = new ObjectMapper().readTree(repo.read("summary.json"));
        assertEquals("passed", summary.path("result").asText());
        assertEquals(List.of("build", "test", "package"), summary.path("steps").findValuesAsText("step"));
        assertEquals(repo.image("1.0.0-12-build"), summary.path("steps").get(0).path("image").asText());
        assertEquals(List.of(), repo.composeLeftovers());
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aLibrarysPipelineBuildsAndTestsAndSkipsPackageAndPublish() throws IOException {
        // a library's repository: Dockerfile.build, Dockerfile.test and its compose file, no release image
        Files.delete(repo.dir.resolve("docker/Dockerfile"));
        Files.delete(repo.dir.resolve("docker/docker-compose.yml"));
        Harness.Result result = repo.run(Map.of(), "pipeline.java", "--publish");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().matches("(?s).*\\nbuild +passed .*\\ntest +passed .*\\npackage +skipped .*\\npublish +skipped .*"), result.err());
        assertTrue(result.err().contains("a library (no docker/Dockerfile, no docker/docker-compose.yml): package and publish skipped"), result.err());
        assertEquals("compiled\n", repo.read("obj/out.txt"));
        assertEquals(List.of(), repo.composeLeftovers());
    }

    @Test
    void thePipelineStopsAtTheFirstFailureWithItsExitCode() throws IOException {
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo failing; exit 3\"]\n");
        Harness.Result result = repo.run("pipeline.java", "--json", "-", "--quiet");
        assertEquals(3, result.exit(), result.all());
        JsonNode summary = new ObjectMapper().readTree(result.out().substring(result.out().indexOf('{')));
        assertEquals("failed", summary.path("result").asText());
        assertEquals(3, summary.path("exit").asInt());
        assertEquals(List.of("passed", "failed", "skipped"), summary.path("steps").findValuesAsText("result"));
        assertTrue(result.err().contains("package   skipped"), result.err());
    }

    @Test
    void aRemoteEngineOverTcpIsUsedAndProbedOnItsHost() throws IOException {
        try (Harness.TcpEngine engine = new Harness.TcpEngine()) {
            String tcp = engine.host();
            String version = Harness.exec(List.of("sh", "-c", "DOCKER_HOST=" + tcp + " docker version --format '{{.Server.Version}}'")).outputUTF8().strip();
            assertTrue(version.matches("[0-9][0-9.]*.*"), "the engine is not reached through " + tcp + " (docker said: " + version + ")");
            Map<String, String> environment = Map.of("DOCKER_HOST", tcp, "HTTP_PORT", Integer.toString(Harness.freePort()));
            Harness.Result result = repo.run(environment, "pipeline.java", "--compose", "standalone");
            assertEquals(0, result.exit(), result.all());
            assertTrue(result.err().contains("waiting up to 60 s for http://127.0.0.1:"), "probed on the engine's host: " + result.err());
            assertEquals("compiled\n", repo.read("obj/out.txt"));
        }
    }

    @Test
    void podmansDockerApiWorksUnchanged() throws IOException {
        String host = Harness.podman();
        Map<String, String> environment = new java.util.HashMap<>(Map.of("DOCKER_HOST", host, "HTTP_PORT", Integer.toString(Harness.freePort())));
        if (Harness.buildKit()) {
            // Podman's Docker API has no BuildKit: buildx would start a buildkit container (pulled from Docker Hub) instead.
            // DOCKER_BUILDKIT=0 is how a Podman user with buildx installed builds through that API (README, Engines).
            environment.put("DOCKER_BUILDKIT", "0");
        }
        try {
            Harness.Result result = repo.run(environment, "pipeline.java", "--compose", "standalone");
            assertEquals(0, result.exit(), result.all());
            assertEquals("compiled\n", repo.read("obj/out.txt"));
            String images = Harness.exec(List.of("sh", "-c", "DOCKER_HOST=" + host + " docker images --format '{{.Repository}}:{{.Tag}}'")).outputUTF8();
            assertTrue(images.contains(repo.image("1.0.0-0-rc")), images);
        } finally {
            repo.run(Map.of("DOCKER_HOST", host), "clean.java", "--latest", "--quiet");
        }
    }

    @Test
    void catalogAliasesExportAppInstallAndCompletionWork() throws IOException {
        Path jar = repo.dir.resolve("export/build.jar");
        Harness.Result export = repo.run("jbang", "export", "portable", "--force", "-O", jar.toString(), "build.java");
        assertEquals(0, export.exit(), export.all());
        var version = Harness.exec(List.of("java", "-jar", jar.toString(), "--version"));
        Harness.assertVersion(version.outputUTF8().strip());

        // the catalog, registered under a name in a JBang home of the test's own
        Map<String, String> home = Map.of("JBANG_DIR", repo.dir.resolve("jbang-home").toString());
        Harness.Result added = repo.run(home, "jbang", "catalog", "add", "--global", "--name", "pipkit", repo.dir.resolve("jbang-catalog.json").toString());
        assertEquals(0, added.exit(), added.all());
        Harness.Result alias = repo.run(home, "jbang", "build@pipkit", "--version");
        Harness.assertVersion(alias.out().strip(), alias.all());
        Harness.Result install = repo.run(home, "jbang", "app", "install", "--name", "pipkit-build", "build@pipkit");
        assertEquals(0, install.exit(), install.all());
        Harness.Result installed = repo.run(home, "jbang-home/bin/pipkit-build", "--version");
        Harness.assertVersion(installed.out().strip(), installed.all());
        // and the catalog in the folder itself, without registering it (pipeline: no JBang command has that name)
        Harness.Result local = repo.run("jbang", "pipeline", "--version");
        Harness.assertVersion(local.out().strip(), local.all());

        Harness.Result completion = repo.run("build.java", "generate-completion");
        assertEquals(0, completion.exit(), completion.all());
        assertTrue(completion.out().contains("complete -F") && completion.out().contains("--dry-run"), completion.out());
    }
}
