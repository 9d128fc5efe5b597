import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The installer and the language templates: Java, Python, Node and Go end to end; .NET and Dart by dry run. */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class TemplateTest {
    Harness kit;
    Harness service;

    @BeforeEach
    void theKit() throws IOException {
        kit = Harness.kit();
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        if (service != null) {
            service.cleanUp();
        }
        kit.cleanUp();
    }

    /** A repository holding a language's minimal service, with the kit installed into it. */
    Harness install(String language) throws IOException {
        Path dir = kit.dir.resolve("service-" + language);
        Files.createDirectories(dir);
        if (Files.isDirectory(kit.dir.resolve("tests/fixtures/" + language))) {
            Harness.exec(List.of("cp", "-r", kit.dir.resolve("tests/fixtures/" + language) + "/.", dir.toString()));
        }
        service = Harness.at(dir, kit.name + "-" + language);
        Harness.Result result = kit.run("install.java", "--language", language, "--name", service.name, "--registry", service.registry, dir.toString());
        assertEquals(0, result.exit(), result.all());
        return service;
    }

    @ParameterizedTest
    @CsvSource({"java, obj/com/example/greeter/GreeterService.class", "python, ''", "node, obj/main.js", "go, dist/run/service"})
    void buildTestPackageAndClearPassAndAFailingTestFails(String language, String output) throws IOException {
        Harness repo = install(language);
        Map<String, String> port = Map.of("HTTP_PORT", Integer.toString(Harness.freePort()));
        Harness.Result build = repo.run("build.java");
        assertEquals(0, build.exit(), build.all());
        if (!output.isEmpty()) {
            assertTrue(repo.exists(output), output + " was not copied out: " + build.err());
        }
        Harness.Result test = repo.run("test.java");
        assertEquals(0, test.exit(), test.all());
        Harness.Result pack = repo.run(port, "package.java");
        assertEquals(0, pack.exit(), pack.all());
        assertTrue(repo.images().containsAll(List.of(repo.image("1.0.0-0-build"), repo.image("1.0.0-0-test"), repo.image("1.0.0-0-rc"))),
                repo.images().toString());

        breakATest(repo, language);
        Harness.Result failing = repo.run("test.java", "--quiet");
        assertEquals(1, failing.exit(), failing.all());

        Harness.Result clear = repo.run("clean.java", "--latest");
        assertEquals(0, clear.exit(), clear.all());
        assertEquals(List.of(), repo.images());
        assertEquals(List.of(), repo.composeLeftovers());
    }

    /**
     * A repository shaped like a real Pip.Services Node service (tests/fixtures/pip-services-node:
     * component.json without "language" but with 2022 artifacts, a committed obj/, Dockerfiles that
     * COPY docker/id_rsa, a release Dockerfile that copies the whole context, compose files with
     * `version:`, `links:`, `command: ${TEST_CMD:-npm test}`, a fixed container_name and a fixed port),
     * its files unedited but for its name and registry: build, test, package and clean pass, and no
     * key is left in the repository or reaches the release image.
     */
    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aRepositoryShapedLikeARealPipServicesNodeServiceRunsUnedited() throws IOException {
        Path dir = kit.dir.resolve("pip-services-node");
        Harness.exec(List.of("cp", "-r", kit.dir.resolve("tests/fixtures/pip-services-node").toString(), dir.toString()));
        // adopted as a user does: the kit alone goes in, its docker/ set stays
        Harness.Result adopted = kit.run("install.java", dir.toString());
        assertEquals(0, adopted.exit(), adopted.all());
        assertTrue(adopted.out().contains("# adopting " + dir), adopted.out());
        service = Harness.at(dir, kit.name + "-real");
        service.write("component.json", service.read("component.json").replace("pip-services-beacons-node", service.name).replace("pipdevs", service.registry));
        TagTest.git(dir, "init", "--quiet");
        TagTest.git(dir, "add", "--all");
        TagTest.git(dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "-m", "the service as it is");
        Map<String, String> key = Map.of("GIT_PRIVATE_KEY", SafetyTest.KEY, "HTTP_PORT", "8080");

        Harness.Result build = service.run(key, "build.java");
        assertEquals(0, build.exit(), build.all());
        assertTrue(build.err().contains("language node (component.json names none; inferred from docker/Dockerfile.build's FROM node:18-slim)"), build.err());
        assertTrue(build.err().contains("obj is committed to git and unchanged: the build replaces it"), build.err());
        assertTrue(service.read("obj/main.js").contains("require('is-number')"), "the new build's obj");
        assertFalse(service.exists("docker/id_rsa"), "the key stays for no later step");

        Harness.Result test = service.run(key, "test.java");
        assertEquals(0, test.exit(), test.all());
        assertTrue(test.err().contains("fixed container names made this run's own: mongo"), test.err());
        assertFalse(service.exists("docker/id_rsa"));

        Harness.Result pack = service.run(key, "package.java");
        assertEquals(0, pack.exit(), pack.all());
        assertTrue(service.images().containsAll(List.of(service.image("1.0.0-0"), service.image("latest"))), "the artifacts' tags: " + service.images());
        assertFalse(Harness.ownLayers(service.image("1.0.0-0")).contains(SafetyTest.KEY_MATERIAL), "the key in a layer of the release image");

        Harness.Result clean = service.run("clean.java", "--latest");
        assertEquals(0, clean.exit(), clean.all());
        assertEquals(List.of(), service.images());
        assertEquals(List.of(), service.composeLeftovers());
        assertEquals("D obj/main.js", TagTest.git(dir, "status", "--porcelain", "--", "obj"), "git shows what clean removed, and can give it back");
    }

    static void breakATest(Harness repo, String language) throws IOException {
        switch (language) {
            case "java" -> repo.write("src/test/java/com/example/greeter/GreeterServiceTest.java",
                    repo.read("src/test/java/com/example/greeter/GreeterServiceTest.java").replace("assertEquals(\"OK\"", "assertEquals(\"KO\""));
            case "python" -> repo.write("test/test_main.py", repo.read("test/test_main.py").replace("\"OK\", main", "\"KO\", main"));
            case "node" -> repo.write("test/main.test.js", repo.read("test/main.test.js").replace("heartbeat(), 'OK'", "heartbeat(), 'KO'"));
            case "go" -> repo.write("main_test.go", repo.read("main_test.go").replace("heartbeat() != \"OK\"", "heartbeat() != \"KO\""));
            default -> throw new IllegalArgumentException(language);
        }
    }
}
