import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** publish.java against a real registry with htpasswd authentication. */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)   // one registry for the class
@org.junit.jupiter.api.Tag(Harness.STACK)
class PublishTest {
    static final String USER = "pipkit";
    static final String PASSWORD = "Pw-5ecret-Publish-42";
    static Harness.Registry registry;
    Harness repo;
    Path userConfig;

    @BeforeAll
    static void startTheRegistry() throws IOException {
        Harness.requireEngine();
        registry = new Harness.Registry(USER, PASSWORD);
    }

    @AfterAll
    static void stopTheRegistry() throws IOException {
        registry.close();
    }

    @BeforeEach
    void imagesToPublish() throws IOException {
        repo = Harness.sample();
        repo.registry = registry.address();
        repo.write("component.json", repo.componentJson("\"0\"", ""));
        Harness.docker("tag", "busybox:1.36", repo.image("1.0.0-0-rc"));
        Harness.docker("tag", "busybox:1.36", repo.image("latest"));
        userConfig = repo.dir.resolve("user-docker-config");
        Files.createDirectories(userConfig);
        Files.writeString(userConfig.resolve("config.json"), "{\"auths\": {}, \"detachKeys\": \"ctrl-q\"}\n");
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        repo.cleanUp();
    }

    Harness.Result publish(Map<String, String> credentials, String... args) {
        Map<String, String> environment = new java.util.HashMap<>(credentials);
        environment.put("DOCKER_CONFIG", userConfig.toString());
        return repo.run(environment, "publish.java", args);
    }

    void assertNoPassword(Harness.Result result) throws IOException {
        assertFalse(result.all().contains(PASSWORD), "the password was printed: " + result.all());
        assertEquals("{\"auths\": {}, \"detachKeys\": \"ctrl-q\"}\n", Files.readString(userConfig.resolve("config.json")), "the user's docker config changed");
        try (var files = Files.list(userConfig)) {
            assertEquals(1, files.count(), "files added to the user's docker config");
        }
    }

    @Test
    void pushesRcAndLatestWithGoodCredentialsAndLeavesNoLogin() throws Exception {
        long configs = throwawayConfigs();
        Harness.Result result = publish(Map.of("DOCKER_USER", USER, "DOCKER_PASS", PASSWORD), "--verbose");
        assertEquals(0, result.exit(), result.all());
        String tags = registry.tags(repo.name, USER, PASSWORD);
        assertTrue(tags.contains("\"1.0.0-0-rc\"") && tags.contains("\"latest\""), tags);
        assertNoPassword(result);
        assertEquals(configs, throwawayConfigs(), "the throwaway docker config was left behind");
    }

    @Test
    void dockerArtifactsArePackagedPushedRunAndCleanedByTheirTags() throws Exception {
        // component.json as the repositories write it since 2022: the release image is <version>-<build> and latest, no -rc, and <name> a placeholder too
        repo.write("component.json", repo.componentJson("\"3\"", "\"artifacts\": [{\"name\": \"<name>\", \"tag\": \"latest\", \"type\": \"docker\"}, "
                + "{\"name\": \"<name>\", \"tag\": \"<version>-<build>\", \"type\": \"docker\"}, {\"name\": \"<name>\", \"type\": \"npm\"}]"));
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nRUN mkdir -p /www && echo OK > /www/heartbeat\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n");
        repo.write("docker/docker-compose.yml", "services:\n  app:\n    image: ${IMAGE}\n    ports:\n      - \"${HTTP_PORT}:8080\"\n");
        Harness.Result packaged = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java");
        assertEquals(0, packaged.exit(), packaged.all());
        assertTrue(packaged.err().contains("starting " + repo.image("1.0.0-3")), packaged.err());
        assertTrue(repo.images().containsAll(List.of(repo.image("1.0.0-3"), repo.image("latest"))) && !repo.images().contains(repo.image("1.0.0-3-rc")), repo.images().toString());
        Harness.Result result = publish(Map.of("DOCKER_USER", USER, "DOCKER_PASS", PASSWORD));
        assertEquals(0, result.exit(), result.all());
        String tags = registry.tags(repo.name, USER, PASSWORD);
        assertTrue(tags.contains("\"1.0.0-3\"") && tags.contains("\"latest\"") && !tags.contains("1.0.0-3-rc"), tags);
        Harness.Result detached = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "run.java", "--dry-run");
        assertTrue(detached.out().contains("IMAGE=" + repo.image("1.0.0-3") + " "), detached.out());
        assertEquals(0, repo.run("clean.java", "--quiet").exit());
        assertFalse(repo.images().contains(repo.image("1.0.0-3")), repo.images().toString());
    }

    @Test
    void badCredentialsFailWithOneLineAndNoPassword() throws Exception {
        String wrong = "Wrong-" + PASSWORD;
        Harness.Result result = publish(Map.of("DOCKER_USER", USER, "DOCKER_PASS", wrong), "--verbose");
        Harness.assertOneErrorLine(result, 1, "docker login failed");
        assertFalse(result.all().contains(wrong), result.all());
        assertNoPassword(result);
        assertFalse(registry.tags(repo.name, USER, PASSWORD).contains("rc"));
    }

    @Test
    void withoutCredentialsItPushesWithTheCurrentLoginAndFailsClearlyWhenRefused() throws IOException {
        Harness.Result result = publish(Map.of());
        assertFalse(result.err().contains("logging in"), result.err());
        Harness.assertOneErrorLine(result, 1, "docker push " + repo.image("1.0.0-0-rc") + " was refused");
        assertFalse(result.err().contains("try 2"), "a refusal is not retried: " + result.err());
        assertNoPassword(result);
    }

    @Test
    void halfTheCredentialsIsBadInput() throws IOException {
        Harness.assertOneErrorLine(publish(Map.of("DOCKER_USER", USER)), 2, "set both DOCKER_USER and DOCKER_PASS");
    }

    @Test
    void aRegistryThatIsDownFailsAfterTheRetries() throws IOException {
        for (String image : repo.images()) {
            Harness.docker("rmi", image);   // cleanUp() removes the images of the registry set last
        }
        repo.registry = "localhost:" + Harness.freePort();
        repo.write("component.json", repo.componentJson("\"0\"", ""));
        Harness.docker("tag", "busybox:1.36", repo.image("1.0.0-0-rc"));
        Harness.Result result = publish(Map.of(), "--tags", "rc", "--retries", "2");
        Harness.assertOneErrorLine(result, 1, "docker push " + repo.image("1.0.0-0-rc") + " failed");
        assertTrue(result.err().contains("try 2 of 2"), result.err());
    }

    long throwawayConfigs() throws IOException {
        return repo.temporaryFiles().stream().filter(name -> name.startsWith("pipkit-docker-config-")).count();
    }
}
