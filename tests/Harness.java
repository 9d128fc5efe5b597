import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;

/**
 * The end-to-end harness: a real engine (checked), base images made locally, a copy of this
 * repository in a temp folder under a unique component name, and the scripts run as processes.
 */
final class Harness {
    static final Path ROOT = findRoot();
    /** What a copy of the kit holds: the files a user copies into a repository, plus the sample. */
    static final List<String> KIT = Stream.concat(Step.ALL.stream().map(Step::script), Stream.of("lib", "docker", "src", "dependencies.txt", "component.json",
            ".dockerignore", "jbang", "jbang.cmd", "jbang-catalog.json")).toList();
    private static boolean ready;
    private static Path bin;

    final Path dir;
    final String name;
    String registry = "localhost:5000";

    private Harness(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** How a run ended; STRAY is what reached the JVM's own System.out and System.err past the kit's console (an in-process run only). */
    record Result(int exit, String out, String err, String stray) {
        Result(int exit, String out, String err) {
            this(exit, out, err, "");
        }

        String all() {
            return out + err + stray;
        }
    }

    /** A repository the harness did not make (an installer's target), to run scripts in and clean up after. */
    static Harness at(Path dir, String name) {
        return new Harness(dir, name);
    }

    /** A fresh copy of the kit and sample, its component renamed so nothing collides with other runs. */
    static Harness sample() throws IOException {
        requireEngine();
        return copy();
    }

    /** A fresh copy of the kit and sample under a unique component name, for tests that need no engine. */
    static Harness copy() throws IOException {
        String name = "pipkit-e2e-" + ScriptRun.newId();
        Path dir = Files.createTempDirectory("pipkit-e2e-");
        for (String item : KIT) {
            Files.createDirectories(dir.resolve(item).getParent());
            copy(ROOT.resolve(item), dir.resolve(item));
        }
        Harness harness = new Harness(dir, name);
        harness.write("component.json", harness.componentJson("\"0\"", "\"language\": \"java\""));
        for (String dockerfile : List.of("docker/Dockerfile.build", "docker/Dockerfile.test", "docker/Dockerfile", "docker/store/Dockerfile")) {
            harness.write(dockerfile, harness.read(dockerfile));
        }
        return harness;
    }

    /**
     * A copy whose images all come from busybox, fast to build: the build copies /app/obj out, the
     * test container prints and exits with TEST_EXIT, the service answers /heartbeat.
     */
    /** A copy as sample() makes, with the installer's templates and the tests' fixtures too (the others go without: fewer files made and deleted). */
    static Harness kit() throws IOException {
        Harness kit = sample();
        for (String item : List.of("templates", "tests/fixtures")) {
            copy(ROOT.resolve(item), kit.dir.resolve(item));
        }
        return kit;
    }

    static Harness tiny() throws IOException {
        Harness repo = sample();
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj\"]"));
        repo.write(".dockerignore", "*\n!dependencies.txt\n");
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && echo compiled > /app/obj/out.txt\n");
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo test-started; exit 0\"]\n");
        repo.write("docker/docker-compose.test.yml", "services:\n  test:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.test\n"
                + "      labels:\n        pipkit.component: ${PIPKIT_COMPONENT:-}\n    image: ${IMAGE}\n    volumes:\n      - /data\n");
        repo.write("docker/Dockerfile", "FROM busybox:1.36\nRUN mkdir -p /www && echo OK > /www/heartbeat\n"
                + "CMD [\"sh\", \"-c\", \"echo serving; httpd -f -p 8080 -h /www\"]\n");
        repo.write("docker/docker-compose.yml", "services:\n  app:\n    image: ${IMAGE}\n    ports:\n      - \"${HTTP_PORT}:8080\"\n");
        return repo;
    }

    String componentJson(String build, String extra) {
        return "{\n  \"name\": \"" + name + "\",\n  \"registry\": \"" + registry + "\",\n  \"version\": \"1.0.0\",\n  \"build\": " + build
                + (extra.isEmpty() ? "" : ",\n  " + extra) + "\n}\n";
    }

    String image(String tag) {
        return registry + "/" + name + ":" + tag;
    }

    /** Runs ./SCRIPT ARGS in the copy as a user would: the shebang line finds `jbang` on PATH. */
    Result run(Map<String, String> environment, String script, String... args) {
        Running running = start(environment, script, args);
        return running.await();
    }

    Result run(String script, String... args) {
        return run(Map.of(), script, args);
    }

    /** A script started in the background, to interrupt. */
    record Running(StartedProcess process, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        long pid() {
            return process.getProcess().pid();
        }

        /** What it printed so far, stdout and stderr: BuildKit prints a build's output on stderr, the legacy builder on stdout. */
        String output() {
            return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }

        /** Sends a signal to the script's whole process group, as Ctrl-C in a terminal does. */
        void signal(String name) {
            exec(List.of("kill", "-" + name, "--", "-" + pid()));
        }

        /** Sends a signal to the script's process alone, as `kill PID` and `timeout --foreground` do: the commands it runs get none. */
        void signalAlone(String name) {
            exec(List.of("kill", "-" + name, Long.toString(pid())));
        }

        Result await() {
            try {
                int exit = process.getFuture().get(10, TimeUnit.MINUTES).getExitValue();
                return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new AssertionError("the script did not finish: " + e, e);
            }
        }
    }

    /**
     * Starts ./SCRIPT in a process group of its own, with SIGINT and SIGTERM at their defaults (a
     * background job of a shell without job control would otherwise inherit them ignored).
     */
    Running start(Map<String, String> environment, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("setsid", "perl", "-e", "$SIG{INT} = $SIG{TERM} = 'DEFAULT'; exec @ARGV or die",
                "sh", "-c", "exec ./" + script + " \"$@\"", script));
        command.addAll(Arrays.asList(args));
        Map<String, String> env = new HashMap<>(environment);
        env.put("PATH", binWithJbang() + ":" + environment.getOrDefault("PATH", System.getenv("PATH")));
        env.putIfAbsent("TMPDIR", temporary().toString());
        Component.BUILD_NUMBER_VARIABLES.forEach(variable -> env.putIfAbsent(variable, ""));
        env.putIfAbsent("NO_COLOR", "1");
        env.putIfAbsent("JBANG_KIT_HOME", suiteKit().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            return new Running(new ProcessExecutor().command(command).directory(dir.toFile()).environment(env)
                    .redirectOutput(out).redirectError(err).exitValueAny().start(), out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot start ./" + script + ": " + e, e);
        }
    }

    /**
     * The temp folder of this copy's runs (their TMPDIR), beside it: what they leave there is theirs,
     * whatever other tests run at the same time.
     */
    Path temporary() {
        Path folder = dir.resolveSibling(dir.getFileName() + "-tmp");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return folder;
    }

    /** The names of the kit's files (pipkit-...) in this copy's temp folder. */
    List<String> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(temporary())) {
            return new ArrayList<>(files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("pipkit-")).sorted().toList());
        }
    }

    String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    /**
     * Writes a file of the copy. A Dockerfile gets a label right after FROM, so that every layer it
     * builds carries it: with BuildKit this suite run's, so the same Dockerfile builds once per suite
     * run (the tests share its layers) and what builds leave is removed by that label when the suite
     * ends ({@link #removeSuiteImages}); with the legacy builder this test's (see {@link #SHARED_LAYERS}). A compose file
     * without `version:` gets `init: true` in every service, as the templates have it: a process
     * that ignores SIGTERM as PID 1 (busybox's httpd, sh) would make every stop wait out its timeout.
     */
    void write(String file, String text) throws IOException {
        Files.createDirectories(dir.resolve(file).getParent());
        if (file.startsWith("docker/Dockerfile") || file.endsWith("/Dockerfile")) {
            text = text.replaceFirst("(?m)^(FROM [^\\n]*)$", "$1\nLABEL " + (SHARED_LAYERS ? SUITE_LABEL : Docker.LABEL + ".component=" + name));
        }
        if (file.startsWith("docker/") && file.endsWith(".yml") && !text.matches("(?s)(.*\\n)?version:.*") && text.contains("services:")) {
            text = withInit(text);
        }
        Files.writeString(dir.resolve(file), text);
    }

    /** COMPOSE with `init: true` in each service that does not say otherwise (at two spaces under `services:`). */
    static String withInit(String compose) {
        StringBuilder with = new StringBuilder();
        boolean services = false;
        for (String line : compose.split("(?<=\n)")) {
            if (line.matches("(?s)[A-Za-z_].*")) {
                services = line.startsWith("services:");
            }
            with.append(line);
            if (services && line.matches("  [A-Za-z0-9_.-]+:\\s*") && !compose.contains(line + "    init:")) {
                with.append("    init: true\n");
            }
        }
        return with.toString();
    }

    /**
     * Whether the tests' builds share their layers: with BuildKit (the buildx plugin there). The
     * legacy builder keeps every step as an image whose parent is the step before: a test removing
     * its image there removes untagged parents another test's build is standing on ("unknown parent
     * image ID"), so each test's layers carry its own label instead.
     */
    static final boolean SHARED_LAYERS = DockerConfig.plugin(System.getenv(), Path.of(""), "docker-buildx") != null;

    /** The label of the layers this suite run builds (see {@link #write}). */
    static final String SUITE_LABEL = Docker.LABEL + ".tests=" + ScriptRun.newId();

    /** Removes the images this suite run built that no container uses, shared layers included: called once, as the suite ends. */
    static void removeSuiteImages() {
        if (ready) {
            docker("image", "prune", "--all", "--force", "--filter", "label=" + SUITE_LABEL);
        }
    }

    /**
     * A folder beside the repository holding a file "precious": what a hostile repository must not
     * reach. Made on first use, removed by {@link #cleanUp}.
     */
    Path outside() throws IOException {
        Path outside = dir.resolveSibling(dir.getFileName() + "-outside");
        if (!Files.isDirectory(outside)) {
            Files.createDirectories(outside);
            Files.writeString(outside.resolve("precious"), "precious\n");
        }
        return outside;
    }

    /** Everything in {@link #outside()} (and whether a file named "escape..." appeared beside the repository), to compare before and after. */
    Map<String, String> outsideState() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(outside())) {
            for (Path path : tree.toList()) {
                state.put(outside().relativize(path).toString(), Files.isSymbolicLink(path) ? "link" : Files.isDirectory(path) ? "folder"
                        : Files.readString(path, StandardCharsets.ISO_8859_1) + " " + Files.getOwner(path).getName());
            }
        }
        try (Stream<Path> beside = Files.list(dir.getParent())) {
            beside.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("escape")).forEach(name -> state.put("beside: " + name, ""));
        }
        return state;
    }

    boolean exists(String file) {
        return Files.exists(dir.resolve(file));
    }

    /** Every file under the copy with its content, to compare before and after a run. */
    Map<String, String> files() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path file : tree.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    /** The tags of this component's images. */
    List<String> images() {
        return lines(docker("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=" + registry + "/" + name))
                .stream().filter(image -> !image.endsWith(":<none>")).toList();
    }

    /** Containers (any state) that carry the kit's label for this component. */
    List<String> containers() {
        return lines(docker("ps", "-a", "--format", "{{.Names}}", "--filter", "label=" + Docker.LABEL + ".component=" + name));
    }

    /** Containers, networks and volumes of this component's compose projects (each run's project starts with the name). */
    List<String> composeLeftovers() {
        List<String> found = new ArrayList<>();
        String label = "{{.Label \"com.docker.compose.project\"}}";
        for (String kind : List.of("container", "network", "volume")) {
            List<String> args = new ArrayList<>(List.of(kind, "ls", "--filter", "label=com.docker.compose.project", "--format", label));
            if (kind.equals("container")) {
                args.add(2, "-a");
            }
            for (String project : lines(docker(args.toArray(String[]::new)))) {
                if (project.startsWith(name + "-")) {
                    found.add(kind + " of " + project);
                }
            }
        }
        return found;
    }

    /** A port nothing listens on now, for a service under test to publish. */
    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Removes what this test made: its images (by tag, so images shared with others keep their other tags), containers, folder. */
    void cleanUp() throws IOException {
        for (String container : containers()) {
            docker("rm", "-f", container);
        }
        for (String project : composeLeftovers()) {
            System.err.println("cleaning up a leftover: " + project);
        }
        for (String image : images()) {
            docker("rmi", image);
        }
        // a pushed image keeps a digest reference; a rebuilt tag leaves the old image untagged (with this component's label)
        for (String digest : lines(docker("images", "--digests", "--format", "{{.Repository}}@{{.Digest}}", registry + "/" + name))) {
            if (!digest.endsWith("@<none>")) {
                docker("rmi", digest);
            }
        }
        for (String image : lines(docker("images", "-q", "--no-trunc", "--filter", "dangling=true", "--filter", "label=" + Docker.LABEL + ".component=" + name))) {
            docker("rmi", image);
        }
        deleteFolders();
    }

    /** Deletes the copy and the folders beside it that tests make (-outside, -tmp, -docker). */
    void deleteFolders() {
        Repository.delete(dir);
        for (String beside : List.of("-outside", "-tmp", "-docker")) {
            Repository.delete(dir.resolveSibling(dir.getFileName() + beside));
        }
    }

    /** Stops a server process the tests started (10 s at the most) and deletes its folder. */
    static void stop(Process process, Path dir) {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Repository.delete(dir);
    }

    /** A real registry (Debian's docker-registry) with htpasswd authentication on a free loopback port. */
    static final class Registry implements AutoCloseable {
        final int port = freePort();
        final Path dir;
        final Process process;

        Registry(String user, String password) throws IOException {
            if (exec(List.of("sh", "-c", "command -v docker-registry && command -v htpasswd")).getExitValue() != 0) {
                throw new AssertionError("docker-registry and htpasswd are needed: apt-get install docker-registry apache2-utils (bash .ci/run does)");
            }
            dir = Files.createTempDirectory("pipkit-registry-");
            ProcessResult htpasswd = exec(List.of("htpasswd", "-Bbn", user, password));
            Files.writeString(dir.resolve("htpasswd"), htpasswd.outputUTF8());
            Files.writeString(dir.resolve("config.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
                    + "\nhttp:\n  addr: 127.0.0.1:" + port + "\nauth:\n  htpasswd:\n    realm: pipkit-tests\n    path: " + dir.resolve("htpasswd") + "\n");
            process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            Probe probe = new Probe();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!probe.succeeds("GET", java.net.URI.create("http://127.0.0.1:" + port + "/v2/"), null) && !probe.lastError.contains("answered 401")) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    close();
                    throw new AssertionError("the registry did not start: " + probe.lastError);
                }
                sleep(50);
            }
        }

        String address() {
            return "localhost:" + port;
        }

        /** The tags the registry holds for a repository, asked through its HTTP API. */
        String tags(String repository, String user, String password) throws Exception {
            String basic = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v2/" + repository + "/tags/list"))
                            .header("Authorization", "Basic " + basic).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.body();
        }

        @Override
        public void close() throws IOException {
            Harness.stop(process, dir);
        }
    }

    /**
     * The engine as a "remote" one: a loopback TCP port that forwards every connection, byte for
     * byte both ways, to the engine's unix socket. The tests start it themselves, whatever the engine
     * listens on.
     */
    static final class TcpEngine implements AutoCloseable {
        final java.nio.channels.ServerSocketChannel server;
        final Path socket;
        /** How many connections came through: proof that a client used this engine. */
        final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

        TcpEngine() throws IOException {
            String host = System.getenv().getOrDefault("DOCKER_HOST", "");
            socket = Path.of(host.startsWith("unix://") ? host.substring("unix://".length()) : "/var/run/docker.sock");
            server = java.nio.channels.ServerSocketChannel.open().bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> {
                while (server.isOpen()) {
                    try {
                        java.nio.channels.SocketChannel client = server.accept();
                        connections.incrementAndGet();
                        java.nio.channels.SocketChannel engine = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket));
                        pipe(client, engine);
                        pipe(engine, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String host() throws IOException {
            return "tcp://127.0.0.1:" + ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
        }

        private static void pipe(java.nio.channels.SocketChannel from, java.nio.channels.SocketChannel to) {
            Thread copier = new Thread(() -> {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(65536);
                try {
                    while (from.read(buffer) >= 0) {
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            to.write(buffer);
                        }
                        buffer.clear();
                    }
                    to.shutdownOutput();
                } catch (IOException e) {
                    // one side went away: the connection is over
                }
            });
            copier.setDaemon(true);
            copier.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Podman's Docker API, started by tests/podman.sh when it is not running yet: its DOCKER_HOST. */
    static String podman() {
        ProcessResult started = exec(List.of("bash", ROOT.resolve("tests/podman.sh").toString()));
        if (started.getExitValue() != 0) {
            throw new AssertionError("tests/podman.sh could not start Podman's API: " + started.outputUTF8());
        }
        return "unix://" + System.getenv().getOrDefault("PIPKIT_PODMAN_SOCKET", "/run/pipkit-podman/podman.sock");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- shared assertions ------------------------------------------------------------------

    /** OUTPUT is what --version prints: the kit's release and the commit lib/kit.json names, or "unknown". */
    static void assertVersion(String output, String... message) {
        org.junit.jupiter.api.Assertions.assertTrue(output.matches(java.util.regex.Pattern.quote(Kit.VERSION) + " \\(commit (unknown|[0-9a-f]{8})\\)"),
                output + (message.length > 0 ? ": " + message[0] : ""));
    }

    /** The run ended with EXIT and exactly one error line, which contains CONTAINING; nothing else printed, no stack trace. */
    static void assertOneErrorLine(Harness.Result result, int exit, String containing) {
        org.junit.jupiter.api.Assertions.assertEquals(exit, result.exit(), result.all());
        org.junit.jupiter.api.Assertions.assertEquals("", result.stray(), "printed past the kit's console");
        List<String> errors = result.err().lines().filter(line -> line.startsWith("[ERROR]")).toList();
        org.junit.jupiter.api.Assertions.assertEquals(1, errors.size(), result.err());
        org.junit.jupiter.api.Assertions.assertTrue(errors.get(0).contains(containing), errors.get(0));
        org.junit.jupiter.api.Assertions.assertFalse(result.all().contains("Exception") || result.all().contains("\tat "), "stack trace: " + result.all());
    }

    /** Polls CONDITION every 50 ms for up to two minutes. */
    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Whether the script COMMAND, run in this JVM, got as far as its lock (where it starts changing things). */
    static boolean locked(Object command) {
        for (java.lang.reflect.Field field : command.getClass().getDeclaredFields()) {
            if (field.getType() == Kit.Options.class) {
                try {
                    field.setAccessible(true);
                    Kit.Options options = (Kit.Options) field.get(command);
                    return options != null && options.run != null && options.run.locked();
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError(command.getClass() + " has no Kit.Options");
    }

    // ---- figures and tags ---------------------------------------------------------------------

    /** The tag of the tests that need a Docker engine (and root, and the network); `RunTests --fast` leaves them out. */
    static final String ENGINE = "engine";
    /** The tag of the engine classes whose outcome depends on the Docker stack (builder, compose): CI runs them on both. */
    static final String STACK = "stack";

    /** The safety figures, counted by the tests that prove the scripts safe ({@link Counted}), printed once at the end. */
    static final class Figures {
        static final java.util.concurrent.atomic.AtomicInteger tried = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger leftovers = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger secretOccurrences = new java.util.concurrent.atomic.AtomicInteger();
        /** Cases where the repository itself is the attacker (links, forged lock files, hostile paths): tried, and held. */
        static final java.util.concurrent.atomic.AtomicInteger hostileTried = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger hostileHeld = new java.util.concurrent.atomic.AtomicInteger();
    }

    /** Counts a safety case: every test of a class that registers it, a test or table row named "hostile..." as a hostile one. */
    static final class Counted implements TestWatcher {
        @Override
        public void testSuccessful(ExtensionContext context) {
            Figures.tried.incrementAndGet();
            Figures.passed.incrementAndGet();
            Figures.hostileTried.addAndGet(hostile(context) ? 1 : 0);
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Figures.tried.incrementAndGet();
            Figures.hostileTried.addAndGet(hostile(context) ? 1 : 0);
        }

        private static boolean hostile(ExtensionContext context) {
            return context.getDisplayName().startsWith("hostile") || context.getRequiredTestMethod().getName().startsWith("hostile");
        }
    }

    static void printFigures() {
        if (Figures.tried.get() > 0) {
            RunTests.OUT.println("safety figures: " + Figures.tried + " cases tried, " + Figures.passed + " passed, " + Figures.leftovers + " leftovers found, "
                    + Figures.secretOccurrences + " secret occurrences found; hostile inputs: " + Figures.hostileTried + " tried, " + Figures.hostileHeld + " held");
        }
    }

    // ---- in this JVM, no engine --------------------------------------------------------------

    /**
     * Stands in for starting processes: records every command a run starts and answers it, with
     * exit 0 and no output unless an answer (by the start of the command's shell line) says otherwise.
     */
    static final class Recorder implements Commands.Exec {
        final List<List<String>> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** What a command that starts with the key prints; the engine's bridge is where it is by default. */
        final Map<String, String> answers = new HashMap<>(Map.of("docker network inspect", "172.17.0.1 "));
        final Map<String, Integer> exits = new HashMap<>();
        final List<String> real = new ArrayList<>();

        /** Commands that start with START really run (git, say: local, no engine, no network). */
        Recorder really(String start) {
            real.add(start);
            return this;
        }

        Recorder answer(String start, String output) {
            answers.put(start, output);
            return this;
        }

        Recorder fail(String start) {
            exits.put(start, 1);
            return this;
        }

        @Override
        public int run(List<String> command, Map<String, String> environment, Path directory, java.io.OutputStream out, java.io.OutputStream err, String input)
                throws IOException {
            commands.add(command);
            String line = Commands.shell(command);
            if (real.stream().anyMatch(line::startsWith)) {
                try {
                    return Commands.PROCESSES.run(command, environment, directory, out, err, input);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            for (Map.Entry<String, String> answer : answers.entrySet()) {
                if (line.startsWith(answer.getKey())) {
                    out.write(answer.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
            return exits.entrySet().stream().filter(exit -> line.startsWith(exit.getKey())).map(Map.Entry::getValue).findFirst().orElse(0);
        }
    }

    /** A run in DIRECTORY with a recorder for its commands and a console into OUT and ERR (a dry run when DRY). */
    static ScriptRun scriptRun(Path directory, boolean dry, Recorder recorder, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new ScriptRun(directory, dry, new Console(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), false, false, Map.of()),
                Map.of("PATH", System.getenv("PATH")), recorder, Kit.RESOURCES);
    }

    static ScriptRun scriptRun(Path directory, boolean dry) {
        return scriptRun(directory, dry, new Recorder(), new ByteArrayOutputStream(), new ByteArrayOutputStream());
    }

    /**
     * Runs a script's command (new Build(), say) in this JVM, as its main would, with ENVIRONMENT
     * and a RECORDER for every process it starts: what it printed and its exit code.
     */
    static synchronized Result inProcess(Object script, Map<String, String> environment, Commands.Exec recorder, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "NO_COLOR", "1"));
        all.putAll(environment);
        int folder = Arrays.asList(args).indexOf("-C");
        if (folder >= 0 && folder + 1 < args.length) {
            all.putIfAbsent(Trust.KIT_FOLDER, args[folder + 1]);   // the repository's own copy of the kit, unless the test says otherwise
        }
        Kit.Seams seams = new Kit.Seams(new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
                all, recorder);
        // what a library prints past the kit's console (an XML parser's "[Fatal Error] ..."): a user sees it too
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        java.io.PrintStream systemOut = System.out;
        java.io.PrintStream systemErr = System.err;
        System.setOut(new java.io.PrintStream(stray, true, StandardCharsets.UTF_8));
        System.setErr(new java.io.PrintStream(stray, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Kit.execute((Cli.Declared) script, seams, args);
        } finally {
            System.setOut(systemOut);
            System.setErr(systemErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), stray.toString(StandardCharsets.UTF_8));
    }

    // ---- the machine ------------------------------------------------------------------------

    /** Fails with a clear message when no engine answers; makes the base images once per run. */
    static synchronized void requireEngine() {
        if (ready) {
            return;
        }
        String version = docker("version", "--format", "{{.Server.Version}}").strip();
        if (version.isEmpty() || version.contains("Cannot connect") || version.contains("error")) {
            throw new AssertionError("no Docker engine answers (docker version: " + version
                    + "): start one (dockerd, or `bash .ci/run` which starts it) and run the tests again");
        }
        ProcessResult images = exec(List.of("bash", ROOT.resolve("tests/base-images.sh").toString(), "all"));
        if (images.getExitValue() != 0) {
            throw new AssertionError("could not create the base images: " + images.outputUTF8());
        }
        // every script compiled once, before the classes run them side by side
        for (Step step : Step.ALL) {
            ProcessResult compiled = exec(List.of(ROOT.resolve("jbang").toString(), ROOT.resolve(step.script()).toString(), "--version"));
            if (compiled.getExitValue() != 0) {
                throw new AssertionError(step.script() + " does not compile: " + compiled.outputUTF8());
            }
        }
        ready = true;
    }

    private static Boolean buildKit;

    /** Whether `docker build` is BuildKit here (the buildx plugin is installed) rather than the legacy builder. */
    static synchronized boolean buildKit() {
        if (buildKit == null) {
            buildKit = exec(List.of("docker", "buildx", "version")).getExitValue() == 0;
        }
        return buildKit;
    }

    /** The base images the tests build on (tests/base-images.sh). */
    static final List<String> BASES = List.of("busybox:1.36", "debian:bookworm-slim", "eclipse-temurin:17-jdk", "buildpack-deps:bookworm-scm", "pipkit-toolchains:bookworm");

    /**
     * The content of IMAGE's own layers, those above the base image it was built on (docker save,
     * read as bytes in ISO-8859-1): what its Dockerfile added, where a secret would be. The bases'
     * layers are the toolchains', gigabytes that hold none (they are made by tests/base-images.sh).
     */
    static String ownLayers(String image) throws IOException {
        List<String> layers = lines(docker("image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", image));
        int below = 0;
        for (String base : BASES) {
            List<String> baseLayers = lines(docker("image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", base));
            if (!baseLayers.isEmpty() && baseLayers.size() > below && baseLayers.size() < layers.size() && layers.subList(0, baseLayers.size()).equals(baseLayers)) {
                below = baseLayers.size();
            }
        }
        Path saved = Files.createTempFile("pipkit-save-", ".tar");
        Path files = Files.createTempDirectory("pipkit-save-");
        try {
            ProcessResult save = exec(List.of("docker", "save", "-o", saved.toString(), image));
            if (save.getExitValue() != 0) {
                throw new AssertionError("docker save " + image + ": " + save.outputUTF8());
            }
            exec(List.of("tar", "-xf", saved.toString(), "-C", files.toString(), "manifest.json"));
            List<String> entries = new ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(files.resolve("manifest.json").toFile()).path(0).path("Layers")
                    .forEach(layer -> entries.add(layer.asText()));
            if (entries.size() != layers.size()) {
                throw new AssertionError("docker save " + image + " holds " + entries.size() + " layers, docker image inspect says " + layers.size());
            }
            StringBuilder text = new StringBuilder();
            for (String entry : entries.subList(below, entries.size())) {
                exec(List.of("tar", "-xf", saved.toString(), "-C", files.toString(), entry));
                text.append(Files.readString(files.resolve(entry), StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        } finally {
            Files.deleteIfExists(saved);
            Repository.delete(files);
        }
    }

    /** Every image (id and tags) and container on the engine, sorted: to show that a run changed nothing. */
    static List<String> engineState() {
        List<String> state = new ArrayList<>(lines(docker("images", "-a", "--no-trunc", "--format", "image {{.ID}} {{.Repository}}:{{.Tag}}")));
        state.addAll(lines(docker("ps", "-a", "--no-trunc", "--format", "container {{.ID}} {{.Names}} {{.Status}}")));
        state.addAll(lines(docker("network", "ls", "--no-trunc", "--format", "network {{.ID}} {{.Name}}")));
        state.addAll(lines(docker("volume", "ls", "--format", "volume {{.Name}}")));
        return state.stream().map(line -> line.replaceAll("(Up|Exited \\(\\d+\\)) .*", "$1")).sorted().toList();
    }

    static String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(Arrays.asList(args));
        return exec(command).outputUTF8();
    }

    static ProcessResult exec(List<String> command) {
        try {
            return new ProcessExecutor().command(command).environment("JBANG_KIT_HOME", suiteKit().toString()).readOutput(true).redirectErrorStream(true)
                    .exitValueAny().timeout(10, TimeUnit.MINUTES).execute();
        } catch (Exception e) {
            throw new AssertionError(command + " did not run: " + e, e);
        }
    }

    static List<String> lines(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\R"));
    }

    private static Path suiteKit;

    /**
     * The suite's JBANG_KIT_HOME, for every script a test runs: the answers and class archives of
     * the suite's many copies of the kit go with it (they would stay a month in ~/.jbang/kit/fast,
     * about half a gigabyte a run). Made on first use; {@link #removeSuiteKit} deletes it.
     */
    static synchronized Path suiteKit() {
        if (suiteKit == null) {
            try {
                suiteKit = kitFolder(Files.createTempDirectory("pipkit-suite-kit-"));
            } catch (IOException e) {
                throw new AssertionError("cannot make the suite's kit folder: " + e, e);
            }
            Path made = suiteKit;   // a suite stopped with Ctrl-C takes it along too, without waiting for its writers
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(made)));
        }
        return suiteKit;
    }

    /** FOLDER as a JBANG_KIT_HOME: JBang itself linked in from ~/.jbang/kit (no download), nothing else. */
    static Path kitFolder(Path folder) throws IOException {
        Path shared = Path.of(System.getProperty("user.home"), ".jbang", "kit");
        if (Files.isDirectory(shared)) {
            try (Stream<Path> homes = Files.list(shared)) {
                for (Path home : homes.filter(each -> each.getFileName().toString().startsWith("jbang-") && Files.isDirectory(each)).toList()) {
                    Files.createSymbolicLink(folder.resolve(home.getFileName()), home);
                }
            }
        }
        return folder;
    }

    /** Whether a JVM the wrapper started in the background is still making an archive in the kit folder KIT. */
    static boolean archiving(Path kit) throws IOException {
        if (!Files.isDirectory(kit.resolve("fast"))) {
            return false;
        }
        try (Stream<Path> files = Files.list(kit.resolve("fast"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.matches(".*\\.[0-9]+\\.(part|record)"))
                    .anyMatch(name -> ProcessHandle.of(Long.parseLong(name.replaceFirst(".*\\.([0-9]+)\\.(part|record)$", "$1"))).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    /** Deletes the suite's kit folder, once no JVM makes an archive there any more (a minute at most); what cannot go is said, not thrown. */
    static synchronized void removeSuiteKit() throws IOException, InterruptedException {
        if (suiteKit != null) {
            for (int i = 0; i < 600 && archiving(suiteKit); i++) {
                Thread.sleep(100);
            }
            deleteQuietly(suiteKit);
            suiteKit = null;
        }
    }

    private static void deleteQuietly(Path kit) {
        try {
            Repository.delete(kit);   // the links go, not what they point at
        } catch (RuntimeException e) {
            System.err.println("the suite's kit folder " + kit + " could not be deleted: " + e.getMessage());
        }
    }

    /** A folder holding just a `jbang` link to the repository's wrapper, to put first on PATH. */
    private static synchronized Path binWithJbang() {
        if (bin == null) {
            try {
                bin = Files.createTempDirectory("pipkit-tests-bin-");
                Files.createSymbolicLink(bin.resolve("jbang"), ROOT.resolve("jbang"));
                bin.toFile().deleteOnExit();
                bin.resolve("jbang").toFile().deleteOnExit();
            } catch (IOException e) {
                throw new AssertionError("cannot make a bin folder for jbang: " + e, e);
            }
        }
        return bin;
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> tree = Files.walk(from)) {
                for (Path each : tree.toList()) {
                    Path target = to.resolve(from.relativize(each).toString());
                    if (Files.isDirectory(each)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(each, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } else {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("build.java")) && Files.exists(dir.resolve("lib/Component.java")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the tests from the kit's repository: ./jbang tests/RunTests.java");
        }
        return dir;
    }
}
