import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The registry build cache and buildx builders on the suite's engine, whichever stack it is: the
 * legacy builder (a pulled cache image) or BuildKit (an inline cache), against a real registry with
 * a login. A cold engine is made as a fresh CI runner has it: the step's image gone, and with BuildKit
 * the build cache of the step's RUN line too (only that: the machine's other cache stays).
 */
@Tag(Harness.ENGINE)
@Tag(Harness.STACK)
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)   // one registry and docker config for the class
class ImageBuildTest {
    static final String USER = "pipkit";
    static final String PASSWORD = "cache-password-0815";
    static Harness.Registry registry;
    static Path config;
    static boolean buildKit;
    Harness repo;
    Map<String, String> environment;

    @BeforeAll
    static void aRegistryAndALogin() throws IOException {
        registry = new Harness.Registry(USER, PASSWORD);
        config = Files.createTempDirectory("pipkit-cache-config-");
        var login = Harness.exec(List.of("sh", "-c", "printf '%s\\n' '" + PASSWORD + "' | DOCKER_CONFIG=" + config + " docker login " + registry.address()
                + " -u " + USER + " --password-stdin"));
        assertEquals(0, login.getExitValue(), login.outputUTF8());
        buildKit = Harness.exec(List.of("env", "DOCKER_CONFIG=" + config, "docker", "buildx", "version")).getExitValue() == 0;
    }

    @AfterAll
    static void stopIt() throws IOException {
        registry.close();
        Repository.delete(config);
    }

    @BeforeEach
    void aBuildWhoseRunLineLeavesAStamp() throws IOException {
        repo = Harness.tiny();
        repo.registry = registry.address();
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj\"]"));
        // a new stamp every time the RUN line really runs: the same stamp means the layer came from a cache
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN echo " + repo.name + " && mkdir -p /app/obj && cat /proc/sys/kernel/random/uuid > /app/obj/stamp\n");
        environment = new HashMap<>(Map.of("DOCKER_CONFIG", config.toString()));
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        coldEngine();
        repo.cleanUp();
    }

    /** As on a fresh runner: no image of the step, and (BuildKit) no build cache of its RUN line. */
    void coldEngine() {
        Harness.docker("rmi", repo.image("1.0.0-0-build"));
        if (buildKit) {
            Harness.docker("builder", "prune", "--all", "--force", "--filter", "description~=" + repo.name);
        }
    }

    String build(String cache) throws IOException {
        environment.put("BUILD_CACHE", cache);
        Harness.Result built = repo.run(environment, "build.java");
        assertEquals(0, built.exit(), built.all());
        return repo.read("obj/stamp").strip();
    }

    @Test
    void aColdEngineBuildsFromTheRegistryCacheAndWithoutItRunsEveryStepAgain() throws Exception {
        String first = build("true");
        assertTrue(registry.tags(repo.name, USER, PASSWORD).contains("cache-build"), "the cache went to the component's registry");
        assertTrue(Harness.docker("images", "--quiet", repo.image("cache-build")).isBlank(), "the push ran beside the copies, and the step waited for it to drop its tag");
        coldEngine();
        assertEquals(first, build("true"), "the RUN line's layer came from the registry cache");
        coldEngine();
        assertNotEquals(first, build("false"), "without the cache the cold engine runs the line again: the engine was truly cold");
    }

    @Test
    void theCachesFormIsThatOfTheBuilderDockerBuildTakesOnThisStack() throws IOException {
        // the current stack links buildx into a system plugin folder, which the kit finds without a question; the legacy stack has none
        environment.put("BUILD_CACHE", "true");
        Harness.Result planned = repo.run(environment, "build.java", "--dry-run");
        assertEquals(0, planned.exit(), planned.all());
        assertEquals(buildKit, planned.out().contains(" --cache-to type=inline "), planned.out());
        assertEquals(!buildKit, planned.out().contains("docker pull " + repo.image("cache-build")), planned.out());
    }

    @Test
    void aCacheThatCannotBeReadOrWrittenIsOnlyAWarning() throws IOException {
        environment.put("BUILD_CACHE", "localhost:" + Harness.freePort() + "/nobody-listens");
        Harness.Result built = repo.run(environment, "build.java");
        assertEquals(0, built.exit(), built.all());
        assertTrue(built.err().contains("could not be written"), built.all());
        assertTrue(Files.exists(repo.dir.resolve("obj/stamp")), "the build did its work");
    }

    @Test
    void aBuilderChosenWithBuildxUseIsNotWhereDockerBuildBuildsSoTheCacheFollowsTheEngine() throws Exception {
        // as setup-buildx-action leaves a runner: a docker-container builder made and chosen with `docker buildx use`
        // (never started: that needs the moby/buildkit image); docker build still builds on the context's own builder
        Path buildxConfig = Files.createTempDirectory("pipkit-buildx-config-");
        try {
            String builder = "pipkit-chosen-" + repo.name;
            String buildx = MultiPlatformTest.CURRENT.resolve("usr/libexec/docker/cli-plugins/docker-buildx").toString();   // on either stack
            for (String command : List.of("create --name " + builder + " --driver docker-container", "use " + builder)) {
                var made = Harness.exec(Stream.concat(Stream.of("env", "BUILDX_CONFIG=" + buildxConfig, buildx), Stream.of(command.split(" "))).toList());
                assertEquals(0, made.getExitValue(), made.outputUTF8());
            }
            environment.put("BUILDX_CONFIG", buildxConfig.toString());
            String first = build("true");
            assertTrue(registry.tags(repo.name, USER, PASSWORD).contains("cache-build"), "the cache was written");
            coldEngine();
            assertEquals(first, build("true"), "and read: the RUN line's layer came from the registry cache");
            assertTrue(Harness.docker("ps", "--all", "--quiet", "--filter", "name=buildx_buildkit_" + builder).isBlank(), "the chosen builder was never started");
        } finally {
            Repository.delete(buildxConfig);
        }
    }

    @Test
    void aBuilderOfAnotherDockerContextIsUsedAndTheLegacyBuilderSaysItHasNone() throws IOException {
        if (!buildKit) {
            Harness.assertOneErrorLine(repo.run(environment, "build.java", "--builder", "second"), 2, "--builder second needs BuildKit");
            return;
        }
        try (Harness.TcpEngine engine = new Harness.TcpEngine()) {
            // every docker context is a builder (docker driver) of the same name: here the engine again, through a proxy that counts.
            // buildx builds on it only from that context (a builder with another driver needs the moby/buildkit image: see README)
            String context = "pipkit-second-" + repo.name;
            var created = Harness.exec(List.of("env", "DOCKER_CONFIG=" + config, "docker", "context", "create", context, "--docker", "host=" + engine.host()));
            assertEquals(0, created.getExitValue(), created.outputUTF8());
            environment.put("BUILDX_BUILDER", context);
            Harness.assertOneErrorLine(repo.run(environment, "build.java"), 2, "set DOCKER_CONTEXT=" + context + " to run the whole step there");
            assertTrue(Harness.docker("images", "--quiet", repo.image("1.0.0-0-build")).isBlank(), "nothing was built");
            int asked = engine.connections.get();   // buildx asked the builder what it is
            environment.put("DOCKER_CONTEXT", context);
            Harness.Result built = repo.run(environment, "build.java");
            assertEquals(0, built.exit(), built.all());
            assertTrue(engine.connections.get() > asked, "the build went through the named builder");
            assertTrue(Files.exists(repo.dir.resolve("obj/stamp")), "its image reached the engine, where docker cp found it");
            Harness.assertOneErrorLine(repo.run(environment, "build.java", "--builder", "no-such-builder"), 2, "no buildx builder \"no-such-builder\"");
        }
    }
}
