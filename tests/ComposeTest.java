import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** test.java, package.java and run.java end to end, on the real engine with real compose. */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
@org.junit.jupiter.api.Tag(Harness.STACK)
class ComposeTest {
    /**
     * A side service that ends on SIGTERM as PID 1 (a `version: '3.3'` file cannot say `init: true`):
     * stopping it takes no timeout.
     */
    static final String SLEEPER = "[\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 600 & wait\"]";

    Harness repo;

    @BeforeEach
    void copyTheSample() throws IOException {
        repo = Harness.sample();
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        try {
            assertEquals(List.of(), repo.composeLeftovers(), "containers, networks or volumes left behind");
        } finally {
            repo.cleanUp();
        }
    }

    /** A service from busybox: answers /heartbeat after DELAY seconds (never when DELAY is "never"). */
    void busyboxService(String delay) throws IOException {
        String start = delay.equals("never") ? "sleep 600" : "sleep " + delay + "; echo serving; httpd -f -p 8080 -h /www";
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nRUN mkdir -p /www && echo OK > /www/heartbeat\n"
                + "CMD [\"sh\", \"-c\", \"echo starting; " + start + "\"]\n");
        repo.write("docker/docker-compose.yml", "services:\n  app:\n    image: ${IMAGE}\n    ports:\n      - \"${HTTP_PORT}:8080\"\n");
        repo.write("component.json", repo.componentJson("\"0\"", ""));
    }

    @Test
    void withoutComposeTheErrorSaysSo() throws IOException {
        // PATH as it is, less docker-compose: every program of the folders on PATH, linked into one folder
        java.nio.file.Path bin = repo.dir.resolve("bin-without-compose");
        java.nio.file.Files.createDirectories(bin);
        for (String folder : System.getenv("PATH").split(":")) {
            java.io.File[] programs = new java.io.File(folder).listFiles();
            for (java.io.File program : programs == null ? new java.io.File[0] : programs) {
                java.nio.file.Path link = bin.resolve(program.getName());
                if (!program.getName().equals("docker-compose") && !java.nio.file.Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.file.Files.createSymbolicLink(link, program.toPath());
                }
            }
        }
        Map<String, String> environment = Map.of("PATH", bin.toString(), "DOCKER_CONFIG", repo.dir.resolve("no-docker-config").toString());
        boolean plugin = Harness.exec(List.of("sh", "-c", "PATH=" + bin + " DOCKER_CONFIG=" + environment.get("DOCKER_CONFIG") + " docker compose version")).getExitValue() == 0;
        Harness.Result result = repo.run(environment, "test.java", "--dry-run");
        if (plugin) {
            // this machine has the compose plugin: auto must pick it
            assertEquals(0, result.exit(), result.all());
            assertTrue(result.out().contains("docker compose -p "), result.out());
        } else {
            Harness.assertOneErrorLine(result, 2, "neither `docker compose` nor `docker-compose` is installed");
        }
        Harness.assertOneErrorLine(repo.run(environment, "test.java", "--compose", "standalone"), 2, "cannot run docker-compose");
    }

    @Test
    void theSamplesTestsPass() {
        Harness.Result result = repo.run("test.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.out().contains("loads the beacons from the store"), "the tests talk to the store: " + result.out());
        assertTrue(repo.images().contains(repo.image("1.0.0-0-test")), repo.images().toString());
    }

    @Test
    void aFailingUnitTestFailsTheStep() throws IOException {
        String tests = repo.read("src/test/java/beacons/BeaconsTest.java");
        repo.write("src/test/java/beacons/BeaconsTest.java", tests.replace("equal(2, BeaconsService.sample().bySite(\"1\")", "equal(5, BeaconsService.sample().bySite(\"1\")"));
        Harness.Result result = repo.run("test.java", "--quiet");
        assertEquals(1, result.exit(), result.all());
        assertTrue(result.all().contains("FAIL beacons of a site"), "the failing test's log is shown: " + result.all());
        assertTrue(result.err().contains("[ERROR] tests failed: the test container exited with 1"), result.err());
    }

    @Test
    void theTestContainersExitCodeIsCarriedThrough() throws IOException {
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo some-test-output; exit 3\"]\n");
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "    image: ${IMAGE}\n    depends_on: [helper]\n  helper:\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo helper-up; sleep 600\"]\n");
        Harness.Result result = repo.run("test.java", "--quiet");
        assertEquals(3, result.exit(), result.all());
        assertTrue(result.all().contains("some-test-output"), "the test's log: " + result.all());
        assertTrue(result.all().contains("helper-up"), "the dependency's log: " + result.all());
    }

    /** A test service from busybox, beside DEPENDENCY (a service definition, or ""), in a compose file that starts with HEADER. */
    void busyboxTests(String header, String command, String dependency) throws IOException {
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"" + command + "\"]\n");
        repo.write("docker/docker-compose.test.yml", header + "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "    image: ${IMAGE}\n" + dependency);
    }

    @Test
    void aTestImageThatDoesNotBuildIsNotAFailedTest() throws IOException {
        busyboxTests("", "true", "");
        repo.write("docker/Dockerfile.test", repo.read("docker/Dockerfile.test") + "RUN echo broken-step " + repo.name + " && false\n");
        Harness.Result result = repo.run("test.java");
        Harness.assertOneErrorLine(result, 1, "the test image did not build");
        assertTrue(result.all().contains("broken-step"), "the build's output is shown: " + result.all());
        assertTrue(!result.err().contains("tests failed"), result.err());
        // compose built it (docker-compose 1.29: the legacy builder, which keeps a failed step's container unless told not to)
        assertEquals(List.of(), Harness.lines(Harness.docker("ps", "-a", "--no-trunc", "--format", "{{.Command}}")).stream()
                .filter(command -> command.contains(repo.name)).toList(), "the failed step's container is left behind");
    }

    @Test
    void aTestContainerThatNeverStartsSaysSo() throws IOException {
        busyboxTests("", "true", "");
        // without an init process: docker-init would start and exit 127, where runc cannot start the container at all
        repo.write("docker/docker-compose.test.yml", repo.read("docker/docker-compose.test.yml").replace("    init: true\n", "    init: false\n")
                + "    entrypoint: [\"/no/such/program\"]\n");
        Harness.Result result = repo.run("test.java");
        Harness.assertOneErrorLine(result, 1, "never started");
        assertTrue(!result.err().contains("tests failed"), result.err());
    }

    @Test
    void aComposeFileNamingAnotherProjectsVolumeOrNetworkIsRefusedAndBothSurvive() throws IOException {
        String victim = repo.name + "-victim";
        Harness.docker("network", "create", "--label", "com.docker.compose.project=" + victim, victim + "_net");
        Harness.docker("volume", "create", "--label", "com.docker.compose.project=" + victim, victim + "_data");
        try {
            busyboxTests("", "echo test-ran", "    volumes: [\"data:/data\"]\n    networks: [net]\nvolumes:\n  data:\n    name: " + victim + "_data\n"
                    + "networks:\n  net:\n    name: " + victim + "_net\n");
            Harness.Result result = repo.run("test.java");
            Harness.assertOneErrorLine(result, 2, "names network " + victim + "_net, volume " + victim + "_data (name:)");
            assertTrue(Harness.docker("network", "ls", "--format", "{{.Name}}").contains(victim + "_net"), "the network was removed");
            assertTrue(Harness.docker("volume", "ls", "--format", "{{.Name}}").contains(victim + "_data"), "the volume was removed");
        } finally {
            Harness.docker("network", "rm", victim + "_net");
            Harness.docker("volume", "rm", victim + "_data");
        }
    }

    @Test
    void aComposeFileThatDoesNotParseIsBadInput() throws IOException {
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build: [unclosed\n");
        Harness.Result result = repo.run("test.java");
        Harness.assertOneErrorLine(result, 2, "docker/docker-compose.test.yml is not a compose file compose can read");
    }

    @Test
    void aTestContainerStoppedBecauseAnotherServiceExitedFirstIsAFailure() throws IOException {
        // Compose 2.26 exits 0 here (docker/compose#11712): the kit reads the test container's own end
        busyboxTests("", "echo test-waiting; sleep 600", "    depends_on: [quitter]\n  quitter:\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"sleep 2; echo quitter-done\"]\n");
        Harness.Result result = repo.run("test.java");
        assertTrue(result.exit() == 137 || result.exit() == 143, result.all());
        Harness.assertOneErrorLine(result, result.exit(), "the test container was stopped before it finished");
        assertTrue(result.all().contains("quitter-done"), "the logs of every service, the exited ones too: " + result.all());
    }

    @Test
    void composeWarningsAreNotFailuresAndCiLogsHaveNoTerminalCodes() throws IOException {
        // `version:` is obsolete for compose v2 (a warning), as in most real repositories
        busyboxTests("version: '3.3'\n", "echo test-ran; exit 0", "    links: [helper]\n  helper:\n    image: busybox:1.36\n    command: " + SLEEPER + "\n");
        Harness.Result result = repo.run("test.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.all().contains("test-ran"), result.all());
        Harness.Result quiet = repo.run("test.java", "--quiet");
        assertEquals(0, quiet.exit(), quiet.all());
        assertEquals("", quiet.all().replaceAll("(?m)^\\[jbang\\].*\n", ""), "--quiet prints nothing on success");
        assertEquals(0, repo.run("build.java", "--quiet").exit());
        Harness.Result packaged = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java");
        for (Harness.Result each : List.of(result, packaged)) {
            assertTrue(each.all().chars().noneMatch(c -> c == 0x1b), "a terminal code in a log: " + each.all());
        }
    }

    @Test
    void twoRunsOfAFileWithFixedContainerNamesNeitherCollideNorRemoveEachOther() throws Exception {
        busyboxTests("version: '3.3'\n", "sleep 3; echo test-ran", "    depends_on: [mongo]\n  mongo:\n    image: busybox:1.36\n"
                + "    container_name: mongo-" + repo.name + "\n    command: " + SLEEPER + "\n");
        Harness other = Harness.sample();
        try {
            for (String file : List.of("docker/Dockerfile.test", "docker/docker-compose.test.yml", "component.json")) {
                other.write(file, repo.read(file));
            }
            Harness.Running first = repo.start(Map.of(), "test.java");
            Harness.Result second = other.run("test.java");
            Harness.Result one = first.await();
            assertEquals(0, one.exit(), one.all());
            assertEquals(0, second.exit(), second.all());
            assertTrue(one.err().contains("fixed container names made this run's own: mongo-" + repo.name), one.err());
        } finally {
            other.cleanUp();
        }
    }

    @Test
    void packageBuildsStartsChecksAndBringsDownTheSample() {
        assertEquals(0, repo.run("build.java", "--quiet").exit());
        int port = Harness.freePort();
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(port)), "package.java", "--smoke", "POST /v1/beacons/get_beacons {}");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("smoke: POST /v1/beacons/get_beacons"), result.err());
        assertTrue(repo.images().containsAll(List.of(repo.image("1.0.0-0-rc"), repo.image("latest"))), repo.images().toString());
        String labels = Harness.docker("image", "inspect", "--format", "{{json .Config.Labels}}", repo.image("1.0.0-0-rc"));
        assertTrue(labels.contains("\"org.opencontainers.image.version\":\"1.0.0-0\"") && labels.contains("org.opencontainers.image.created"), labels);
    }

    @Test
    void aServiceThatNeverAnswersFailsWithinTheDeadlineAndShowsItsLog() throws Exception {
        busyboxService("never");
        Harness.Running running = repo.start(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java", "--timeout", "3");
        Harness.waitFor(() -> running.output().contains("waiting up to 3 s") || !running.process().getProcess().isAlive(), "the wait");
        long waiting = System.nanoTime();
        Harness.Result result = running.await();
        double seconds = (System.nanoTime() - waiting) / 1e9;
        assertEquals(1, result.exit(), result.all());
        assertTrue(result.err().contains("[ERROR] the service did not answer within 3 s: GET http://localhost:"), result.err());
        assertTrue(result.all().contains("starting"), "the container's log is shown: " + result.all());
        // from the wait's start: 3 s, the log and `down`; far from the default 60 s
        assertTrue(seconds < 30, "ended " + seconds + " s after the wait began");
    }

    @Test
    void aServiceThatAnswersLateIsWaitedFor() throws IOException {
        busyboxService("3");
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java", "--timeout", "30");
        assertEquals(0, result.exit(), result.all());
    }

    @Test
    void aFailingSmokeRequestFailsThePackageStep() throws IOException {
        busyboxService("0");
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java", "--smoke", "GET /missing");
        assertEquals(1, result.exit(), result.all());
        assertTrue(result.err().contains("[ERROR] smoke request failed: GET http://localhost:") && result.err().contains("answered 404"), result.err());
    }

    @Test
    void aHealthCheckIsWaitedFor() throws IOException {
        busyboxService("0");
        repo.write("docker/Dockerfile", repo.read("docker/Dockerfile")
                + "HEALTHCHECK --interval=1s --start-period=1s CMD [\"sh\", \"-c\", \"test -f /tmp/healthy || (sleep 2 && touch /tmp/healthy && false)\"]\n");
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java", "--timeout", "30");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("waiting for the container's health check"), result.err());
    }

    @Test
    void theProbeSettingsOfTheRealRepositories() throws IOException {
        // the service is not named app; DOCKER_MACHINE_HOST (the .NET template's) names the host; test_route (the Go page's) is POSTed
        busyboxService("0");
        repo.write("docker/Dockerfile", repo.read("docker/Dockerfile")
                + "HEALTHCHECK --interval=1s --start-period=1s CMD [\"sh\", \"-c\", \"test -f /tmp/healthy || (sleep 2 && touch /tmp/healthy && false)\"]\n");
        repo.write("docker/docker-compose.yml", "version: '3.3'\nservices:\n  beacons:\n    image: ${IMAGE}\n    ports:\n      - \"${HTTP_PORT}:8080\"\n");
        repo.write("component.json", repo.componentJson("\"0\"", "\"test_route\": \"/v1/beacons/get_beacons\""));
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort()), "DOCKER_MACHINE_HOST", "127.0.0.1"), "package.java", "--timeout", "30");
        assertTrue(result.err().contains("waiting for the container's health check"), "the health of the service that publishes the port: " + result.err());
        assertTrue(result.err().contains("waiting up to 30 s for http://127.0.0.1:"), result.err());
        assertTrue(result.err().contains("smoke: POST /v1/beacons/get_beacons"), result.err());
        Harness.assertOneErrorLine(result, 1, "smoke request failed: POST http://127.0.0.1:");   // busybox httpd has no such route
    }

    @Test
    void runDetachedLeavesItRunningAndSaysHowToStopIt() throws IOException {
        busyboxService("0");
        int port = Harness.freePort();
        assertEquals(0, repo.run(Map.of("HTTP_PORT", Integer.toString(port)), "package.java", "--quiet").exit(), "package first: run needs the rc image");
        Harness.Result result = repo.run(Map.of("HTTP_PORT", Integer.toString(port)), "run.java", "--detach");
        assertEquals(0, result.exit(), result.all());
        String stop = result.out().strip();
        assertTrue(stop.contains(" down "), stop);
        assertTrue(new Probe().waitUntilReady(PackageStep.uri("localhost", port, "/heartbeat"), java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(100)));
        var down = Harness.exec(List.of("sh", "-c", "cd " + repo.dir + " && " + stop));
        assertEquals(0, down.getExitValue(), down.outputUTF8());
    }
}
