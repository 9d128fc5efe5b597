import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the scripts safe on the real engine: interrupts at several points, killed runs, parallel
 * runs, bad input, engine faults and secrets. Prints its figures at the end.
 */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class SafetyTest {
    static final String PASSWORD = "Safety-Docker-Pass-7731";
    static final String KEY_MATERIAL = "safetykeymaterial0123456789ABCDEF";
    static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + KEY_MATERIAL + "\n-----END OPENSSH PRIVATE KEY-----\n";
    static final String NPM_TOKEN = "npm_SafetyToken_4242";
    static final String GIT_TOKEN = "ghp_SafetyGitToken_9090";
    static final List<String> SECRETS = List.of(PASSWORD, KEY_MATERIAL, NPM_TOKEN, GIT_TOKEN, Base64.getEncoder().encodeToString(KEY.getBytes()));

    @RegisterExtension
    static final TestWatcher FIGURES = new Harness.Counted();

    Harness repo;

    @BeforeEach
    void aTinyRepository() throws IOException {
        repo = Harness.tiny();
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        repo.cleanUp();
    }

    /** Counts and then asserts: nothing of this repository's runs is left in the engine, the folder or its temp folder. */
    void assertNothingLeftBehind(List<String> temporaryBefore) throws IOException {
        List<String> found = new ArrayList<>();
        repo.containers().forEach(container -> found.add("container " + container));
        found.addAll(repo.composeLeftovers());
        for (String file : List.of("docker/id_rsa", "docker/.npmrc")) {
            if (repo.exists(file)) {
                found.add(file);
            }
        }
        try (Stream<Path> files = Files.list(repo.dir)) {
            files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(".pipkit-staging") || name.startsWith(".component.json"))
                    .forEach(found::add);
        }
        try (Stream<Path> files = Files.list(repo.dir)) {
            for (Path lock : files.filter(path -> path.getFileName().toString().endsWith(".lock")).toList()) {
                if (Files.size(lock) > 0) {
                    found.add(lock.getFileName() + " still lists the run's resources");
                }
            }
        }
        List<String> temporary = temporaryFiles();
        temporary.removeAll(temporaryBefore);
        found.addAll(temporary);
        Harness.Figures.leftovers.addAndGet(found.size());
        assertEquals(List.of(), found, "left behind");
    }

    /** The kit's files in the temp folder of this test's runs. */
    List<String> temporaryFiles() throws IOException {
        return repo.temporaryFiles();
    }

    /** component.json is either as it was or fully updated, never half-written. */
    void assertComponentJsonWhole(String before, String updated) throws IOException {
        String now = repo.read("component.json");
        assertTrue(now.equals(before) || now.equals(updated), "component.json is half-written: " + now);
    }

    int countSecrets(String text) {
        return countSecrets(text, SECRETS);
    }

    int countSecrets(String text, List<String> secrets) {
        int count = 0;
        for (String secret : secrets) {
            for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                count++;
            }
        }
        Harness.Figures.secretOccurrences.addAndGet(count);
        return count;
    }

    static Map<String, String> secrets() {
        return Map.of("DOCKER_USER", "pipkit", "DOCKER_PASS", PASSWORD, "GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(KEY.getBytes()),
                "NPM_TOKEN", NPM_TOKEN, "GIT_TOKEN", GIT_TOKEN);
    }

    /** A build that needs the key and the npm token, served the legacy-builder way: used, then gone in the same RUN. */
    void buildThatUsesTheSecrets() throws IOException {
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\n"
                + "RUN mkdir -p /app/obj && wget -q -O /tmp/id_rsa \"$PIPKIT_SECRET_URL/id_rsa\" && wget -q -O /tmp/npmrc \"$PIPKIT_SECRET_URL/npmrc\""
                + " && grep -q 'BEGIN OPENSSH' /tmp/id_rsa && grep -q _authToken /tmp/npmrc && echo used > /app/obj/out.txt && rm /tmp/id_rsa /tmp/npmrc\n"
                + "# uses id_rsa and .npmrc\n");
    }

    // ---- interrupts ---------------------------------------------------------------------
    // Each point of a run is interrupted once, by Ctrl-C (INT) or by SIGTERM in turn: both reach the
    // JVM and end the run the same way (Kit.run's hook), so each point proves both.

    /** Starts SCRIPT, waits until its output shows it reached POINT, sends SIGNAL, checks what is left. */
    Harness.Result interrupt(String script, String point, String signal, Map<String, String> environment, String... args) throws Exception {
        List<String> temporary = temporaryFiles();
        Harness.Running running = repo.start(environment, script, args);
        Harness.waitFor(() -> running.output().contains(point)
                || !running.process().getProcess().isAlive(), point);
        Thread.sleep(300);
        running.signal(signal);
        Harness.Result result = running.await();
        assertEquals(signal.equals("INT") ? 130 : 143, result.exit(), result.all());
        // the engine removes the container of an interrupted legacy build step by itself, a moment later
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!repo.containers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertNothingLeftBehind(temporary);
        assertEquals(0, countSecrets(result.all()), "a secret in the output");
        return result;
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void interruptDuringDockerBuild() throws Exception {
        String signal = "INT";
        String before = repo.read("component.json");
        buildThatUsesTheSecrets();
        repo.write("docker/Dockerfile.build", repo.read("docker/Dockerfile.build") + "RUN echo build-step-started && sleep 600\n");
        Map<String, String> environment = new HashMap<>(secrets());
        environment.put("BUILD_NUMBER", "5");
        interrupt("build.java", "build-step-started", signal, environment);
        assertComponentJsonWhole(before, before.replace("\"build\": \"0\"", "\"build\": \"5\""));
        // nothing stays running in the engine for the interrupted build
        Harness.waitFor(() -> !Harness.docker("ps", "--format", "{{.Command}}").contains("build-step-started"), "the build container to go");
    }

    @Test
    void interruptDuringCopyOut() throws Exception {
        String signal = "TERM";
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && dd if=/dev/zero of=/app/obj/big bs=1M count=1500\n");
        assertEquals(0, repo.run("build.java", "--quiet").exit(), "the first build fills the layer cache");
        interrupt("build.java", "copying /app/obj", signal, Map.of());
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void interruptDuringComposeUp() throws Exception {
        String signal = "INT";
        // the container prints "test-2-started"; the build's own output shows only the unexpanded command
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo test-$((1+1))-started; sleep 600\"]\n");
        interrupt("test.java", "test-2-started", signal, Map.of());
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aSignalToTheScriptsProcessAloneEndsTheRunAndWhatItStarted() throws Exception {
        // `kill PID` and `timeout --foreground` signal the process they started, not its group: that process must be the JVM,
        // which then ends what it started, not a shell that dies and leaves the JVM running on
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo test-$((1+1))-started; sleep 600\"]\n");
        List<String> temporary = temporaryFiles();
        Harness.Running running = repo.start(Map.of(), "test.java");
        Harness.waitFor(() -> running.output().contains("test-2-started") || !running.process().getProcess().isAlive(), "the test container to start");
        running.signalAlone("TERM");
        Harness.Result result = running.await();
        assertEquals(143, result.exit(), result.all());
        assertNothingLeftBehind(temporary);
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void interruptDuringTheReadinessWait() throws Exception {
        String signal = "TERM";
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nCMD [\"sleep\", \"600\"]\n");
        interrupt("package.java", "waiting up to", signal, Map.of("HTTP_PORT", Integer.toString(Harness.freePort())));
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void interruptDuringRun() throws Exception {
        String signal = "INT";
        assertEquals(0, repo.run(Map.of("HTTP_PORT", Integer.toString(Harness.freePort())), "package.java", "--quiet").exit());
        interrupt("run.java", "serving", signal, Map.of("HTTP_PORT", Integer.toString(Harness.freePort())));
    }

    @Test
    void interruptDuringLoginAndPush() throws Exception {
        String signal = "TERM";
        try (Silent registry = new Silent()) {
            repo.registry = "localhost:" + registry.port();
            repo.write("component.json", repo.componentJson("\"0\"", ""));
            Harness.docker("tag", "busybox:1.36", repo.image("1.0.0-0-rc"));
            Map<String, String> environment = new HashMap<>(secrets());
            environment.put("DOCKER_CONFIG", repo.dir.resolve("user-config").toString());
            interrupt("publish.java", "logging in", signal, environment);
            interrupt("publish.java", "pushing", signal, Map.of("DOCKER_CONFIG", repo.dir.resolve("user-config").toString()));
        }
    }

    @Test
    void aKilledPublishsThrowawayLoginIsRemovedByClean() throws Exception {
        try (Silent registry = new Silent()) {
            repo.registry = "localhost:" + registry.port();
            repo.write("component.json", repo.componentJson("\"0\"", ""));
            Harness.docker("tag", "busybox:1.36", repo.image("1.0.0-0-rc"));
            Harness.Running running = repo.start(secrets(), "publish.java");
            Harness.waitFor(() -> running.output().contains("logging in"), "the login");
            Thread.sleep(300);
            running.signal("KILL");
            running.await();
            assertTrue(repo.temporaryFiles().stream().anyMatch(name -> name.startsWith("pipkit-docker-config-")), "SIGKILL leaves the login: " + repo.temporaryFiles());
            Harness.Result clean = repo.run("clean.java");
            assertEquals(0, clean.exit(), clean.all());
            assertTrue(clean.err().contains("removing what a killed publish left behind"), clean.err());
            assertEquals(List.of(), repo.temporaryFiles(), "clean removes the killed run's login from the temp folder");
        }
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aSignalToTheJvmAloneStopsTheCachePushTheRunWaitsFor() throws Exception {
        try (WriteHanging registry = new WriteHanging()) {
            String cache = "localhost:" + registry.port() + "/pipkit-cache";
            List<String> temporary = temporaryFiles();
            Harness.Running running = repo.start(Map.of("BUILD_CACHE", cache), "build.java");
            // the step's own work is done, and the run waits for the push, which hangs
            Harness.waitFor(() -> running.output().contains("built " + repo.image("1.0.0-0-build")) && registry.writes.get() > 0
                    || !running.process().getProcess().isAlive(), "the step to finish while its cache push hangs");
            long start = System.nanoTime();
            running.signalAlone("TERM");
            Harness.Result result = running.await();
            assertEquals(143, result.exit(), result.all());
            assertTrue(System.nanoTime() - start < 30_000_000_000L, "the signal did not wait on the registry");
            assertFalse(result.err().contains("could not be written"), "an interrupted push is no warning: " + result.err());
            assertTrue(Harness.docker("images", "--quiet", cache + ":cache-build").isBlank(), "the cache tag went with the run");
            Harness.waitFor(() -> Harness.exec(List.of("pgrep", "-f", "docker push " + cache)).getExitValue() != 0, "the push to be stopped, not left running");
            assertNothingLeftBehind(temporary);
        }
    }

    /** A registry that has nothing (every read: not found) and never answers a write: a push hangs on it. */
    static final class WriteHanging implements AutoCloseable {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger writes = new AtomicInteger();

        WriteHanging() throws IOException {
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
                if (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD")) {
                    byte[] body = (exchange.getRequestURI().getPath().equals("/v2/") ? "{}" : "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/v2/") ? 200 : 404,
                            exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                    if (exchange.getRequestMethod().equals("GET")) {
                        exchange.getResponseBody().write(body);
                    }
                } else {
                    writes.incrementAndGet();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            closed.countDown();
            server.stop(0);
        }
    }

    /** A registry that accepts connections and never answers: pushes and logins hang on it. */
    static final class Silent implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);
        final List<Socket> held = new CopyOnWriteArrayList<>();
        final Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });

        Silent() throws IOException {
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    // ---- killed runs ----------------------------------------------------------------------

    @Test
    void aKilledBuildsContainerIsRemovedByTheNextBuild() throws Exception {
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && dd if=/dev/zero of=/app/obj/big bs=1M count=1500\n");
        assertEquals(0, repo.run("build.java", "--quiet").exit());
        Harness.Running running = repo.start(Map.of(), "build.java");
        Harness.waitFor(() -> !repo.containers().isEmpty(), "the build container");
        Thread.sleep(300);
        running.signal("KILL");
        running.await();
        assertFalse(repo.containers().isEmpty(), "SIGKILL leaves the container (nothing can run after it)");
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && echo small > /app/obj/out.txt\n");
        Harness.Result next = repo.run("build.java");
        assertEquals(0, next.exit(), next.all());
        assertTrue(next.err().contains("removing what a killed build left behind"), next.err());
        assertNothingLeftBehind(temporaryFiles());
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aKilledTestsProjectAndTemporaryFilesAreRemovedByClean() throws Exception {
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo test-$((1+1))-started; sleep 600\"]\n");
        // a fixed container name: the run writes a compose override into its temp folder
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "    image: ${IMAGE}\n    container_name: " + repo.name + "-fixed\n");
        Harness.Running running = repo.start(Map.of(), "test.java");
        Harness.waitFor(() -> running.output().contains("test-2-started"), "the test container");
        running.signal("KILL");
        running.await();
        assertFalse(repo.composeLeftovers().isEmpty(), "SIGKILL leaves the project");
        assertFalse(repo.temporaryFiles().isEmpty(), "SIGKILL leaves the compose override");
        Harness.Result clean = repo.run("clean.java");
        assertEquals(0, clean.exit(), clean.all());
        assertTrue(clean.err().contains("removing what a killed test left behind"), "clean reads the killed run's journal: " + clean.err());
        assertEquals(List.of(), repo.composeLeftovers());
        assertEquals(List.of(), repo.temporaryFiles(), "clean removes what the journal lists in the temp folder");
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"true\"]\n");
        Harness.Result next = repo.run("test.java");
        assertEquals(0, next.exit(), next.all());
        assertFalse(next.err().contains("removing what a killed test left behind"), "clean emptied the journal: " + next.err());
        assertNothingLeftBehind(temporaryFiles());
    }

    // ---- parallel runs --------------------------------------------------------------------

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void fourBuildsAndFourTestsOfOneComponentAtOnce() throws Exception {
        List<Harness> copies = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Harness copy = Harness.tiny();
                copy.write("component.json", repo.read("component.json"));   // the same component in every copy
                copies.add(copy);
            }
            List<Harness.Running> runs = new ArrayList<>();
            for (Harness copy : copies) {
                runs.add(copy.start(Map.of(), "build.java", "--quiet"));
                runs.add(copy.start(Map.of(), "test.java", "--quiet"));
            }
            for (Harness.Running run : runs) {
                Harness.Result result = run.await();
                assertEquals(0, result.exit(), result.all());
            }
            for (Harness copy : copies) {
                assertEquals("compiled\n", copy.read("obj/out.txt"));
            }
            assertNothingLeftBehind(temporaryFiles());
        } finally {
            for (Harness copy : copies) {
                copy.deleteFolders();
            }
        }
    }

    @Test
    void aSecondBuildInTheSameFolderStopsWithAClearMessage() throws Exception {
        repo.write("docker/Dockerfile.build", repo.read("docker/Dockerfile.build") + "RUN echo first-build " + repo.name + " && sleep 5\n");   // this run's line: never from an earlier run's cache
        Harness.Running first = repo.start(Map.of("BUILD_NUMBER", "8"), "build.java");
        Harness.waitFor(() -> first.output().contains("first-build"), "the first build");
        Harness.Result second = repo.run(Map.of("BUILD_NUMBER", "9"), "build.java");
        Harness.assertOneErrorLine(second, 1, "another build is running in");
        assertEquals(0, first.await().exit());
        assertTrue(repo.read("component.json").contains("\"build\": \"8\""), repo.read("component.json"));
        assertEquals("compiled\n", repo.read("obj/out.txt"));
    }

    // ---- hostile repositories -------------------------------------------------------------

    @Test
    void hostileManifestEntriesAndLinksNeverLetClearDeleteOutside() throws Exception {
        Path outside = repo.outside();
        Files.createSymbolicLink(repo.dir.resolve("out"), outside);
        repo.write(".pipkit-outputs", "out/precious\n../" + outside.getFileName() + "/precious\n" + outside.resolve("precious") + "\nobj\u2028../"
                + outside.getFileName() + "\nOUT/../out\n");
        Map<String, String> before = repo.outsideState();
        Harness.Result result = repo.run("clean.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("out/precious, which passes through a symbolic link: left alone"), result.err());
        assertEquals(before, repo.outsideState());
        // the manifest itself a link to a file outside: not read, not printed, only the link goes
        Files.createSymbolicLink(repo.dir.resolve(Outputs.MANIFEST), outside.resolve("precious"));
        result = repo.run("clean.java");
        assertEquals(0, result.exit(), result.all());
        assertFalse(result.all().contains("\"precious"), "the outside file's content is printed: " + result.all());
        assertEquals(before, repo.outsideState());
        Harness.Figures.hostileHeld.incrementAndGet();
    }

    @Test
    void hostileLockFilesCannotNameAnotherProjectsContainersOrFiles() throws Exception {
        String suffix = ScriptRun.newId();
        List<String> foreign = List.of("production-postgres-" + suffix, repo.name + "-build-" + suffix, "prod-db-" + suffix + "-db-1", repo.name + "-test-" + suffix + "-x");
        try {
            // a plain container; one named like the kit's build containers, from another folder; two compose projects' containers
            Harness.docker("run", "-d", "--name", foreign.get(0), "busybox:1.36", "sleep", "600");
            Harness.docker("run", "-d", "--name", foreign.get(1), "--label", Docker.LABEL + ".component=" + repo.name, "--label", Docker.LABEL + ".folder=/elsewhere",
                    "busybox:1.36", "sleep", "600");
            Harness.docker("run", "-d", "--name", foreign.get(2), "--label", "com.docker.compose.project=prod-db-" + suffix, "busybox:1.36", "sleep", "600");
            Harness.docker("run", "-d", "--name", foreign.get(3), "--label", "com.docker.compose.project=" + repo.name + "-test-" + suffix,
                    "--label", "com.docker.compose.project.working_dir=/elsewhere/docker", "busybox:1.36", "sleep", "600");
            Path outside = repo.outside();
            repo.write(".pipkit-build.lock", "container " + foreign.get(0) + "\ncontainer " + foreign.get(1) + "\nproject prod-db-" + suffix
                    + "\nproject " + repo.name + "-test-" + suffix + "\ntemp relative-file\ntemp " + outside.resolve("precious")
                    + "\nstaging ../" + outside.getFileName() + "/precious\nstaging docker/../../" + outside.getFileName() + "/precious\n"
                    + "credential docker/id_rsa 0123456789abcdef\n");
            repo.write("docker/id_rsa", "the user's own key\n");
            Map<String, String> before = repo.outsideState();
            Harness.Result result = repo.run("build.java");
            assertEquals(0, result.exit(), result.all());
            assertTrue(result.err().contains("which is not something this kit made here: left alone"), result.err());
            for (String container : foreign) {
                assertEquals("running", Harness.docker("inspect", "--format", "{{.State.Status}}", container).strip(), container + " survives");
            }
            assertEquals(before, repo.outsideState());
            assertEquals("the user's own key\n", repo.read("docker/id_rsa"), "a forged journal line cannot name the user's own key");
            assertEquals(0, Files.size(repo.dir.resolve(".pipkit-build.lock")), "the lock is emptied");
            Harness.Figures.hostileHeld.incrementAndGet();
        } finally {
            for (String container : foreign) {
                Harness.docker("rm", "-f", container);
            }
        }
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void hostileComposeFilesGetNoSecretsFromTheKitsEnvironment() throws Exception {
        // the test container passes only when none of the variables a compose file asks for reached it
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"test -z \\\"$DOCKER_PASS$NPM_TOKEN$GIT_TOKEN$GIT_PRIVATE_KEY\\\""
                + " && echo no-$((1+1))-secrets\"]\n");
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "    image: ${IMAGE}\n    environment: [DOCKER_PASS, NPM_TOKEN, GIT_TOKEN, GIT_PRIVATE_KEY]\n");
        Harness.Result result = repo.run(secrets(), "test.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.all().contains("no-2-secrets"), result.all());
        Harness.Figures.hostileHeld.incrementAndGet();
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void hostileLocalUsersFindTheCredentialServerInNoArgumentAndServedOnce() throws Exception {
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\n"
                + "RUN wget -q -O /tmp/id_rsa \"$PIPKIT_SECRET_URL/id_rsa\" && grep -q 'BEGIN OPENSSH' /tmp/id_rsa && rm /tmp/id_rsa"
                + " && echo fetched-$((1+1)) && sleep 4 && mkdir -p /app/obj && echo compiled > /app/obj/out.txt\n# id_rsa\n");
        Harness.Running build = repo.start(Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(KEY.getBytes())), "build.java");
        Harness.waitFor(() -> build.output().contains("fetched-2"), "the build to fetch the key");
        String url = null;
        for (Path process : dockerBuildProcesses()) {
            String arguments = Files.readString(process.resolve("cmdline"), StandardCharsets.ISO_8859_1);
            assertFalse(arguments.contains("http://"), "the server's address is in an argument list: " + arguments);
            assertFalse(arguments.contains("--network"), "the build keeps its own network, never the host's: " + arguments);
            for (String variable : Files.readString(process.resolve("environ"), StandardCharsets.ISO_8859_1).split("\0")) {
                url = variable.startsWith("PIPKIT_SECRET_URL=") ? variable.substring("PIPKIT_SECRET_URL=".length()) : url;
            }
        }
        assertTrue(url != null && url.matches("http://[0-9.]+:[0-9]+/[0-9a-f]{32}") && !url.startsWith("http://127."),
                "docker build got the address, on the engine's bridge, in its environment: " + url);
        // root can read another process's environment; even so, what was fetched once is gone
        Probe probe = new Probe();
        assertFalse(probe.succeeds("GET", java.net.URI.create(url + "/id_rsa"), null));
        assertTrue(probe.lastError.contains("answered 404"), probe.lastError);
        assertEquals(0, build.await().exit());
        assertEquals("compiled\n", repo.read("obj/out.txt"));
        Harness.Figures.hostileHeld.incrementAndGet();
    }

    /** The /proc folders of the docker CLI (and its buildx plugin) running `build` in this repository. */
    List<Path> dockerBuildProcesses() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(path -> path.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    List<String> arguments = List.of(Files.readString(process.resolve("cmdline"), StandardCharsets.ISO_8859_1).split("\0"));
                    if (arguments.get(0).endsWith("docker") || arguments.get(0).endsWith("docker-buildx")) {
                        if (arguments.contains("build") && Files.readSymbolicLink(process.resolve("cwd")).equals(repo.dir)) {
                            found.add(process);
                        }
                    }
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        }
        assertFalse(found.isEmpty(), "no docker build process found");
        return found;
    }

    @Test
    void componentJsonIsWrittenBackThroughItsLinkWithItsOwnerAndByteOrderMark() throws Exception {
        String text = "\uFEFF" + repo.read("component.json").replace("\n", "\r\n");
        repo.write("config/component.json", text);
        Files.delete(repo.dir.resolve("component.json"));
        Files.createSymbolicLink(repo.dir.resolve("component.json"), Path.of("config/component.json"));
        var nobody = repo.dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(repo.dir.resolve("config/component.json"), nobody);
        Harness.Result result = repo.run(Map.of("BUILD_NUMBER", "7"), "build.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(Files.isSymbolicLink(repo.dir.resolve("component.json")), "still a link");
        assertEquals(text.replace("\"build\": \"0\"", "\"build\": \"7\""), repo.read("config/component.json"), "BOM, CRLF and the rest as they were");
        assertEquals("nobody", Files.getOwner(repo.dir.resolve("config/component.json")).getName());
    }

    @Test
    void hostileClearLeavesLiveRunsAlone() throws Exception {
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo test-$((1+1))-started; sleep 600\"]\n");
        Harness.Running live = repo.start(Map.of(), "test.java");
        Harness other = Harness.tiny();
        try {
            Harness.waitFor(() -> live.output().contains("test-2-started"), "the test container");
            other.write("component.json", repo.read("component.json"));   // the same component, another checkout
            Harness.Result elsewhere = other.run("clean.java");
            assertEquals(0, elsewhere.exit(), elsewhere.all());
            Harness.Result here = repo.run("clean.java");
            assertEquals(0, here.exit(), here.all());
            assertTrue(here.err().contains("a test is running in this folder"), here.err());
            assertTrue(Harness.docker("ps", "--filter", "label=com.docker.compose.project", "--format", "{{.Names}}").contains(repo.name + "-test-"),
                    "the live run's container still runs");
            live.signal("INT");
            assertEquals(130, live.await().exit());
            Harness.Figures.hostileHeld.incrementAndGet();
        } finally {
            other.deleteFolders();
        }
    }

    // ---- faults ---------------------------------------------------------------------------

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @ParameterizedTest
    @ValueSource(strings = {"build.java", "test.java", "package.java", "publish.java", "clean.java"})
    void noEngine(String script) throws IOException {
        String before = repo.read("component.json");
        Map<String, String> environment = Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + Harness.freePort(), "BUILD_NUMBER", "6");
        boolean compose = script.equals("test.java") || script.equals("package.java");
        Harness.Result result = compose ? repo.run(environment, script, "--compose", "standalone") : repo.run(environment, script);
        assertEquals(1, result.exit(), result.all());
        List<String> errors = result.err().lines().filter(line -> line.startsWith("[ERROR]")).toList();
        assertEquals(1, errors.size(), result.err());
        assertTrue(errors.get(0).toLowerCase().contains("connect"), errors.get(0));
        assertComponentJsonWhole(before, before.replace("\"build\": \"0\"", "\"build\": \"6\""));
        assertNothingLeftBehind(temporaryFiles());
    }

    @Test
    void aNameTheFileNameEncodingCannotHoldIsLeftAloneNotACrash() throws IOException {
        // LANG=C: the JVM's file names are ASCII, and a manifest entry "café" once crashed the run after component.json was rewritten
        repo.write(".pipkit-outputs", "caf\u00e9\nobj\n");
        Harness.Result result = repo.run(Map.of("LANG", "C", "LC_ALL", "C", "BUILD_NUMBER", "6"), "build.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("which the kit never writes: left alone"), result.err());
        assertFalse(result.all().contains("Exception") || result.all().contains("\tat "), result.all());
        assertNothingLeftBehind(temporaryFiles());
    }

    @Test
    void aFolderThatCannotBeWrittenIsAClearError() throws IOException {
        String before = repo.read("component.json");
        Harness.exec(List.of("mount", "--bind", repo.dir.toString(), repo.dir.toString()));
        try {
            var readOnly = Harness.exec(List.of("mount", "-o", "remount,ro,bind", repo.dir.toString()));
            assertEquals(0, readOnly.getExitValue(), "this test needs root to make a read-only bind mount: " + readOnly.outputUTF8());
            Harness.Result result = repo.run(Map.of("BUILD_NUMBER", "6"), "build.java");
            Harness.assertOneErrorLine(result, 1, "check the folder is writable");
            assertEquals(before, repo.read("component.json"));
        } finally {
            Harness.exec(List.of("umount", repo.dir.toString()));
        }
    }

    // ---- secrets --------------------------------------------------------------------------

    /**
     * Real Pip.Services repositories COPY docker/id_rsa in Dockerfile.test too; the kit gives the test
     * image the credentials as it gives the build image (here the originals' form and the served one),
     * and nothing stays in the repository after the step.
     */
    @org.junit.jupiter.api.Tag(Harness.STACK)
    @ParameterizedTest
    @ValueSource(strings = {"copied", "served"})
    void theTestImageGetsTheCredentialsItAsksForAndNothingStays(String form) throws Exception {
        repo.write("docker/Dockerfile.test", form.equals("copied")
                ? "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\nRUN grep -q 'BEGIN OPENSSH' /root/.ssh/id_rsa\nCMD [\"sh\", \"-c\", \"echo tests-ran\"]\n"
                : "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\nRUN wget -q -O /tmp/id_rsa \"$PIPKIT_SECRET_URL/id_rsa\" && grep -q 'BEGIN OPENSSH' /tmp/id_rsa && rm /tmp/id_rsa\n"
                        + "CMD [\"sh\", \"-c\", \"echo tests-ran\"]\n");
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "    image: ${IMAGE}\n    depends_on: [store]\n  store:\n    build:\n      context: ..\n      dockerfile: docker/store/Dockerfile\n    image: ${IMAGE}-store\n");
        // the store copies the whole context, docker/ included, without asking for the key: it must find none
        repo.write("docker/store/Dockerfile", "FROM busybox:1.36\nCOPY . /context/\nCMD [\"sleep\", \"600\"]\n");
        repo.write(".dockerignore", "obj\n");   // as real repositories have it: docker/ is in the context
        List<String> temporary = temporaryFiles();
        Harness.Result result = repo.run(Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(KEY.getBytes())), "test.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.all().contains("tests-ran"), result.all());
        assertEquals(0, countSecrets(result.all()), "a secret in the output");
        if (form.equals("copied")) {
            assertTrue(result.err().contains("removing " + repo.image("1.0.0-0-test") + ": it holds the docker/id_rsa its Dockerfile copied in"), result.err());
            assertFalse(repo.images().contains(repo.image("1.0.0-0-test")), "an image that holds the key the kit gave it is not left behind");
        }
        assertNoSecretInImagesOrFiles(SECRETS);
        assertNothingLeftBehind(temporary);
    }

    /**
     * The release image is published: a Dockerfile that would copy a key into it is bad input, and a
     * `COPY . .` after a build that needed the key (the originals' form) finds no key to copy: the
     * build step removed it.
     */
    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void theReleaseImageNeverGetsACredential() throws Exception {
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\nRUN mkdir -p /app/obj && echo compiled > /app/obj/out.txt\n");
        repo.write(".dockerignore", "obj\n");   // the whole repository is the release image's context, docker/ included
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nCOPY . /app\nRUN mkdir -p /www && echo OK > /www/heartbeat\n"
                + "CMD [\"sh\", \"-c\", \"httpd -f -p 8080 -h /www\"]\n");
        Map<String, String> environment = Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(KEY.getBytes()), "HTTP_PORT", Integer.toString(Harness.freePort()));
        assertEquals(0, repo.run(environment, "build.java", "--quiet").exit());
        Harness.Result packaged = repo.run(environment, "package.java");
        assertEquals(0, packaged.exit(), packaged.all());
        String layers = Harness.ownLayers(repo.image("1.0.0-0-rc"));
        assertTrue(layers.contains("www/heartbeat") && layers.contains("app/"), "docker save read nothing of the image's own layers");
        assertEquals(0, countSecrets(layers), "a secret in a layer of the release image");
        // asked for outright: refused before anything is built
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\n");
        Harness.assertOneErrorLine(repo.run(environment, "package.java"), 2, "would copy docker/id_rsa into the release image, which is published");
    }


    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void secretsAppearNowhere() throws Exception {
        buildThatUsesTheSecrets();
        try (Harness.Registry registry = new Harness.Registry("pipkit", PASSWORD)) {
            repo.registry = registry.address();
            repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj\"]"));
            Path origin = repo.dir.resolve("origin.git");
            TagTest.git(repo.dir.getParent(), "init", "--bare", "--quiet", origin.toString());
            TagTest.git(repo.dir, "init", "--quiet");
            TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "--allow-empty", "-m", "first");
            TagTest.git(repo.dir, "remote", "add", "origin", origin.toString());
            Map<String, String> environment = new HashMap<>(secrets());
            environment.put("DOCKER_CONFIG", repo.dir.resolve("user-config").toString());
            environment.put("HTTP_PORT", Integer.toString(Harness.freePort()));
            environment.put("GIT_COMMITTER_NAME", "t");
            environment.put("GIT_COMMITTER_EMAIL", "t@t");
            StringBuilder output = new StringBuilder();
            // every script's dry run, then each for real with --verbose (all the kit prints, and every command's output)
            for (String mode : List.of("--dry-run", "--verbose")) {
                for (String script : List.of("build.java", "test.java", "package.java", "publish.java", "tag.java")) {
                    String[] args = script.equals("tag.java") ? new String[] {mode, "--force"} : new String[] {mode};
                    Harness.Result result = repo.run(environment, script, args);
                    assertEquals(0, result.exit(), script + " " + mode + ": " + result.all());
                    output.append(result.all());
                }
            }
            // every image the runs built: history and every layer
            assertNoSecretInImagesOrFiles(SECRETS);
            for (String mode : List.of("--dry-run", "--verbose")) {
                Harness.Result clean = repo.run(environment, "clean.java", mode);
                assertEquals(0, clean.exit(), "clean.java " + mode + ": " + clean.all());
                output.append(clean.all());
            }
            // failing runs: wrong password, failing build
            Map<String, String> wrong = new HashMap<>(environment);
            wrong.put("DOCKER_PASS", "x" + PASSWORD);
            output.append(repo.run(wrong, "publish.java", "--verbose").all());
            repo.write("docker/Dockerfile.build", repo.read("docker/Dockerfile.build") + "RUN false\n");
            Harness.Result failing = repo.run(environment, "build.java", "--quiet");
            assertEquals(1, failing.exit(), failing.all());
            output.append(failing.all());
            assertEquals(0, countSecrets(output.toString()), "secrets in the output");
        }
    }

    /** No secret in the history or any layer (docker save) of this component's images, nor in any file of the repository. */
    void assertNoSecretInImagesOrFiles(List<String> secrets) throws IOException {
        for (String image : repo.images()) {
            String history = Harness.docker("history", "--no-trunc", image);
            assertEquals(0, countSecrets(history, secrets), "a secret in the history of " + image);
            assertEquals(0, countSecrets(Harness.ownLayers(image), secrets), "a secret in a layer of " + image);
        }
        for (Map.Entry<String, String> file : repo.files().entrySet()) {
            assertEquals(0, countSecrets(file.getValue(), secrets), "a secret in " + file.getKey());
        }
    }

    /**
     * BuildKit's own forms, with a real key made by ssh-keygen: RUN --mount=type=secret gets the
     * token and the key as files, RUN --mount=type=ssh an agent that holds the key (ssh-add -L lists
     * its public half). Neither value is in the output, the image's history or layers, the
     * repository or /tmp afterwards. Without BuildKit (the legacy stack) the same build is bad input,
     * with one line, and changes nothing.
     */
    @org.junit.jupiter.api.Tag(Harness.STACK)
    @ParameterizedTest
    @ValueSource(strings = {"secret", "ssh"})
    void buildKitMountsGiveTheBuildItsCredentialsAndNothingKeepsThem(String form) throws Exception {
        Path keyFile = repo.dir.getParent().resolve(repo.name + "-key");
        var keygen = Harness.exec(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pipkit-test", "-f", keyFile.toString()));
        assertEquals(0, keygen.getExitValue(), keygen.outputUTF8());
        try {
            String key = Files.readString(keyFile);
            String publicKey = Files.readString(Path.of(keyFile + ".pub")).strip();
            List<String> secrets = new ArrayList<>(List.of(NPM_TOKEN));
            key.lines().filter(line -> !line.startsWith("-----") && line.length() >= 16).forEach(secrets::add);
            repo.write("docker/Dockerfile.build", form.equals("secret")
                    ? "FROM busybox:1.36\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=secret,id=id_rsa,target=/root/.ssh/id_rsa"
                        + " mkdir -p /app/obj && grep -c _authToken /root/.npmrc > /app/obj/npmrc-lines && head -1 /root/.ssh/id_rsa > /app/obj/key-header\n"
                    : "FROM buildpack-deps:bookworm-scm\nRUN --mount=type=ssh : " + repo.name + " && mkdir -p /app/obj && ssh-add -L > /app/obj/agent.pub\n");
            Map<String, String> environment = Map.of("GIT_PRIVATE_KEY", form.equals("ssh") ? Base64.getEncoder().encodeToString(key.getBytes()) : key,
                    "NPM_TOKEN", NPM_TOKEN, "BUILD_NUMBER", "12");
            List<String> temporary = temporaryFiles();
            Map<String, String> files = repo.files();
            Harness.Result result = repo.run(environment, "build.java", "--verbose");
            assertEquals(0, countSecrets(result.all(), secrets), "a secret in the output: " + result.all());
            if (!Harness.buildKit()) {
                Harness.assertOneErrorLine(result, 2, "which needs BuildKit");
                assertEquals(files, repo.files(), "bad input changed the repository");
                return;
            }
            assertEquals(0, result.exit(), result.all());
            if (form.equals("secret")) {
                assertEquals("1\n", repo.read("obj/npmrc-lines"));
                assertEquals("-----BEGIN OPENSSH PRIVATE KEY-----\n", repo.read("obj/key-header"));
            } else {
                assertTrue(result.all().contains("--ssh default=" + repo.temporary() + "/pipkit-secret-id_rsa-"), "a key file in the run's temp folder: " + result.all());
                assertEquals(publicKey.split(" ")[1], repo.read("obj/agent.pub").strip().split(" ")[1], "the agent holds the key");
            }
            assertNoSecretInImagesOrFiles(secrets);
            assertNothingLeftBehind(temporary);
        } finally {
            Files.deleteIfExists(keyFile);
            Files.deleteIfExists(Path.of(keyFile + ".pub"));
        }
    }
}
