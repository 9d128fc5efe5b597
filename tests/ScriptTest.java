import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every script's command run in this JVM, as its main runs it, with a recorder in place of the
 * processes it would start: --help, every dry run, and the table of bad input. No engine, no
 * root, no network: `./jbang tests/RunTests.java --fast` runs these with the unit tests.
 */
class ScriptTest {
    /** Every script's command, by its file name (build.java), from lib/Step.java's table. */
    static final Map<String, Supplier<Object>> SCRIPTS = Step.ALL.stream().collect(java.util.stream.Collectors.toMap(Step::script, step -> () -> TablesTest.command(step)));

    Harness repo;
    /** Answers like an engine with nothing in it; this copy is no git repository. */
    Harness.Recorder recorder = new Harness.Recorder().fail("git rev-parse");

    @BeforeEach
    void aCopyOfTheSample() throws IOException {
        repo = Harness.copy();
    }

    @AfterEach
    void removeIt() throws IOException {
        repo.deleteFolders();
    }

    /** COMMAND run in the copy (-C) with ENVIRONMENT and the recorder. */
    Harness.Result run(Object command, Map<String, String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("-C")) {
            all.addAll(0, List.of("-C", repo.dir.toString()));
        }
        return Harness.inProcess(command, environment, recorder, all.toArray(String[]::new));
    }

    /** The commands that changed something: every command the recorder saw but the read-only questions. */
    List<String> changes() {
        return recorder.commands.stream().map(Commands::shell).filter(line -> !line.matches("docker (buildx|compose) version.*|git (rev-parse|config|remote get-url) .*"
                + "|docker (ps|images|inspect|context inspect|network ls|network inspect|volume ls|container ls) .*|docker(-| )compose -p \\S+ -f \\S+ config")).toList();
    }

    /**
     * Every script's --help is as approved, word for word: tests/fixtures/help/SCRIPT.txt, with the
     * images of this folder's component.json left out; and its bash/zsh completion script, by its
     * SHA-256 in tests/fixtures/help/completion.sha256. A change to the options (picocli's model
     * built another way, say) shows here; PIPKIT_UPDATE_HELP=1 writes the files anew, for the diff.
     */
    @org.junit.jupiter.api.Test
    void everyHelpIsAsApproved() throws IOException {
        List<String> changed = new ArrayList<>();
        StringBuilder completions = new StringBuilder();
        for (String script : new java.util.TreeSet<>(SCRIPTS.keySet())) {
            String help = Harness.inProcess(SCRIPTS.get(script).get(), Map.of(), recorder, "--help").out()
                    .replaceFirst("(?s)\nFor \\./component\\.json:\n.*?\n\n", "\nFor ./component.json: (its images)\n\n");
            approve(Harness.ROOT.resolve("tests/fixtures/help/" + script.replace(".java", ".txt")), help, script, changed);
            String completion = Harness.inProcess(SCRIPTS.get(script).get(), Map.of(), recorder, "generate-completion").out();
            assertTrue(completion.contains("complete -F"), script + ": " + completion);
            completions.append(Installed.sha256(completion.getBytes(java.nio.charset.StandardCharsets.UTF_8))).append("  ").append(script).append('\n');
        }
        approve(Harness.ROOT.resolve("tests/fixtures/help/completion.sha256"), completions.toString(), "the completion scripts", changed);
        assertEquals(List.of(), changed, "--help is not as approved in tests/fixtures/help/: if the change is meant, "
                + "PIPKIT_UPDATE_HELP=1 ./jbang tests/RunTests.java ScriptTest#everyHelpIsAsApproved writes it anew");
    }

    /** TEXT against the APPROVED file (WHAT into CHANGED when it differs), or written there with PIPKIT_UPDATE_HELP=1. */
    static void approve(Path approved, String text, String what, List<String> changed) throws IOException {
        if ("1".equals(System.getenv("PIPKIT_UPDATE_HELP"))) {
            Files.createDirectories(approved.getParent());
            Files.writeString(approved, text);
        } else if (!Files.exists(approved) || !Files.readString(approved).equals(text)) {
            changed.add(what);
        }
    }

    /**
     * The kit's commit is worked out for --version alone: picocli asks a version provider once per
     * mixin as it builds the model, and from a clone of the kit (this folder: templates/, .git) each
     * answer cost two git processes, four on every start of every script.
     */
    @org.junit.jupiter.api.Test
    void theKitsCommitIsAskedForVersionAlone() {
        Map<String, String> kitClone = Map.of(Trust.KIT_FOLDER, Harness.ROOT.toString());
        recorder.answer("git --no-optional-locks -c core.fsmonitor=false rev-parse", "0123456789abcdef0123456789abcdef01234567\n");
        for (String script : new java.util.TreeSet<>(SCRIPTS.keySet())) {
            Harness.Result result = Harness.inProcess(SCRIPTS.get(script).get(), kitClone, recorder, "-C", repo.dir.toString(), "--dry-run");
            assertTrue(recorder.commands.stream().noneMatch(command -> command.contains("--no-optional-locks")), script + " asked git for the kit's commit: " + recorder.commands);
            recorder.commands.clear();
        }
        Harness.Result version = Harness.inProcess(new Build(), kitClone, recorder, "--version");
        assertEquals(Kit.VERSION + " (commit 01234567)", version.out().strip(), version.all());
        assertEquals(2, recorder.commands.size(), "HEAD and the clone's changes, once: " + recorder.commands);
    }

    @org.junit.jupiter.api.Test
    void everyHelpShowsWhatItDoesTheImagesTheEnvironmentTheExitCodesAndAnExample() {
        Component here = Component.read(Path.of("").toAbsolutePath());
        for (Map.Entry<String, Supplier<Object>> script : SCRIPTS.entrySet()) {
            Harness.Result result = Harness.inProcess(script.getValue().get(), Map.of(), recorder, "--help");
            assertEquals(0, result.exit(), script.getKey() + ": " + result.all());
            String help = result.out();
            assertTrue(help.contains("For ./component.json:") && help.contains(here.buildImage()) && help.contains(here.latestImage()), script.getKey() + ": " + help);
            assertTrue(help.contains("Environment:") && help.contains("Example:") && help.contains("./jbang " + script.getKey()), script.getKey() + ": " + help);
            assertTrue(help.contains("Exit codes:") && help.contains("2     bad input or configuration"), script.getKey() + ": " + help);
            for (String word : help.split("[^A-Za-z]+")) {
                // a class of lib/ is no word of a user's ("ScriptRun it from the kit's folder"): a rename reached the text
                assertFalse(word.matches("[A-Z][a-z]+[A-Z][A-Za-z]*") && Files.exists(Harness.ROOT.resolve("lib/" + word + ".java")), script.getKey() + " says " + word);
            }
        }
        assertEquals(List.of(), recorder.commands, "--help starts nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"build.java", "test.java", "package.java", "publish.java", "run.java", "clean.java", "pipeline.java"})
    void everyDryRunPrintsItsCommandsAndChangesNothing(String script) throws IOException {
        // as the originals wrote component.json, and as the 2022 form does: docker artifacts with <name>, <version>, <build>
        for (String extra : List.of("", "\"artifacts\": [{\"name\": \"<name>\", \"tag\": \"latest\", \"type\": \"docker\"}, "
                + "{\"name\": \"<name>\", \"tag\": \"<version>-<build>\", \"type\": \"docker\"}, {\"name\": \"<name>\", \"type\": \"npm\"}]")) {
            repo.write("component.json", repo.componentJson("\"0\"", extra));
            Map<String, String> files = repo.files();
            Harness.Result result = run(SCRIPTS.get(script).get(), Map.of("BUILD_NUMBER", "42"), "--dry-run", "--compose", "standalone");
            if (List.of("build.java", "publish.java", "clean.java").contains(script)) {
                result = run(SCRIPTS.get(script).get(), Map.of("BUILD_NUMBER", "42"), "--dry-run");
            }
            assertEquals(0, result.exit(), result.all());
            assertTrue(result.err().contains("dry run: nothing was"), result.err());
            assertEquals(files, repo.files(), "a dry run changed a file");
            assertEquals(List.of(), changes(), "a dry run started a command that changes something");
            if (!extra.isEmpty() && List.of("package.java", "publish.java").contains(script)) {
                assertTrue(result.out().contains(repo.image("1.0.0-0") + " ") || result.out().contains(repo.image("1.0.0-0") + "\n"), result.out());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void credentialsAreGivenOnlyWhereAnInstructionReadsThem() throws IOException {
        // as a real Dockerfile.test has it: it removes an .npmrc it never copied, and names id_rsa in a comment
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\n# the key: docker/id_rsa (see README)\nRUN rm -f ./.npmrc \\\n && echo id_rsa\nCMD [\"true\"]\n");
        Harness.Result result = run(new Test(), Map.of(), "--dry-run", "--compose", "standalone");
        assertEquals(0, result.exit(), "no NPM_TOKEN and no key asked for: " + result.all());
        assertFalse(result.all().contains("id_rsa would be written") || result.out().contains("docker build"), "compose builds it as it is: " + result.out());
        // a COPY of it is the evidence: then the key is needed, and the image that holds it is removed at the end
        repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\nCMD [\"true\"]\n");
        Harness.Result copied = run(new Test(), Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(SafetyTest.KEY.getBytes())), "--dry-run", "--compose", "standalone");
        assertEquals(0, copied.exit(), copied.all());
        assertTrue(copied.err().contains("removing " + repo.image("1.0.0-0-test") + ": it holds the docker/id_rsa its Dockerfile copied in"), copied.err());
        assertTrue(copied.out().contains("docker rmi " + repo.image("1.0.0-0-test")), copied.out());
    }

    @org.junit.jupiter.api.Test
    void aLibraryHasNothingToPackageOrPublishAndThePipelineSkipsBoth() throws IOException {
        Files.delete(repo.dir.resolve("docker/Dockerfile"));
        Files.delete(repo.dir.resolve("docker/docker-compose.yml"));
        for (Object script : List.of(new Package(), new Publish())) {
            Harness.Result result = run(script, Map.of());
            assertEquals(0, result.exit(), result.all());
            assertTrue(result.err().contains("a library (no docker/Dockerfile, no docker/docker-compose.yml): nothing to"), result.err());
        }
        assertEquals(List.of(), recorder.commands, "a library's package and publish run nothing");
        Harness.Result pipeline = run(new Pipeline(), Map.of(), "--dry-run", "--publish", "--compose", "standalone");
        assertEquals(0, pipeline.exit(), pipeline.all());
        assertTrue(pipeline.err().contains("==> step build") && pipeline.err().contains("==> step test") && !pipeline.err().contains("==> step package"), pipeline.err());
        assertTrue(pipeline.err().matches("(?s).*\\npackage +skipped .*\\npublish +skipped .*"), pipeline.err());
        // a service missing one of the two is not a library: the step says what is missing
        repo.write("docker/docker-compose.yml", "services:\n  app:\n    image: ${IMAGE}\n");
        Harness.assertOneErrorLine(run(new Package(), Map.of()), 2, "docker/Dockerfile not found");
    }

    @org.junit.jupiter.api.Test
    void theBuildsDryRunNamesTheImageWithTheBuildNumberAndEveryCopy() {
        Harness.Result result = run(new Build(), Map.of("BUILD_NUMBER", "42"), "--dry-run");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.out().contains("docker build --force-rm -f docker/Dockerfile.build -t " + repo.image("1.0.0-42-build")
                + " --label pipkit.component=" + repo.name + " --label pipkit.folder=" + repo.dir + " ."), result.out());
        assertTrue(result.out().contains("docker cp " + repo.name + "-build-"), result.out());
    }

    @org.junit.jupiter.api.Test
    void theComposeStepsDryRunsPrintTheirCommandsWithTheirEnvironment() {
        Harness.Result result = run(new Test(), Map.of(), "--dry-run", "--compose", "standalone");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.out().contains("PIPKIT_COMPONENT=" + repo.name + " IMAGE=" + repo.image("1.0.0-0-test") + " docker-compose -p " + repo.name + "-test-"), result.out());
        // the standalone compose's legacy builder leaves a failed step's container unless told not to
        assertTrue(result.out().contains(" -f docker/docker-compose.test.yml build --force-rm\n"), result.out());
        Harness.Result v2 = run(new Test(), Map.of(), "--dry-run", "--compose", "plugin");
        assertTrue(v2.out().contains(" -f docker/docker-compose.test.yml build\n"), v2.out());
        assertTrue(result.out().contains(" -f docker/docker-compose.test.yml up --no-build --abort-on-container-exit --exit-code-from test --timeout 5"), result.out());
        Harness.Result plugin = run(new Package(), Map.of(), "--dry-run", "--compose", "plugin");
        assertEquals(0, plugin.exit(), plugin.all());
        assertTrue(plugin.out().contains("docker compose -p " + repo.name + "-package-"), plugin.out());
    }

    @org.junit.jupiter.api.Test
    void thePublishDryRunNamesThePasswordOnlyByItsVariable() {
        Harness.Result result = run(new Publish(), Map.of("DOCKER_USER", "pipkit", "DOCKER_PASS", SafetyTest.PASSWORD), "--dry-run", "--tags", "latest");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.out().contains("printf '%s\\n' \"$DOCKER_PASS\" | docker login localhost:5000 --username pipkit --password-stdin"), result.out());
        assertTrue(result.out().contains("docker push " + repo.image("latest")) && !result.out().contains("-rc"), result.out());
        assertFalse(result.all().contains(SafetyTest.PASSWORD), result.all());
    }

    /** The commands of a dry run of COMMAND with ARGS, the engine answering as the recorder says. */
    String dryRun(Object command, Map<String, String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of("--dry-run"));
        all.addAll(List.of(args));
        Harness.Result result = run(command, environment, all.toArray(String[]::new));
        assertEquals(0, result.exit(), result.all());
        return result.out();
    }

    /** An environment whose docker config folder (beside the copy) has CONFIG as its config.json, and the variables MORE (name, value, ...). */
    Map<String, String> dockerConfig(String config, String... more) throws IOException {
        Path folder = Files.createDirectories(repo.dir.resolveSibling(repo.dir.getFileName() + "-docker"));
        Files.writeString(folder.resolve("config.json"), config);
        Map<String, String> environment = new HashMap<>(Map.of("DOCKER_CONFIG", folder.toString()));
        for (int i = 0; i < more.length; i += 2) {
            environment.put(more[i], more[i + 1]);
        }
        return environment;
    }

    /** As {@link #dockerConfig}, with a buildx plugin in the folder's cli-plugins, where docker looks first after the config's own folders. */
    Map<String, String> withBuildx(String config, String... more) throws IOException {
        Map<String, String> environment = dockerConfig(config, more);
        Path plugins = Files.createDirectories(Path.of(environment.get("DOCKER_CONFIG"), "cli-plugins"));
        assertTrue(Files.writeString(plugins.resolve("docker-buildx"), "#!/bin/sh\nexit 1\n").toFile().setExecutable(true));   // never run: being there is what counts
        return environment;
    }

    /** The buildx questions the recorder was asked. */
    List<String> buildxQuestions() {
        return recorder.commands.stream().map(Commands::shell).filter(line -> line.startsWith("docker buildx")).toList();
    }

    @org.junit.jupiter.api.Test
    void theRegistryCacheTakesTheFormTheBuilderAllows() throws IOException {
        String cache = repo.image("cache-build");
        String image = repo.image("1.0.0-0-build");
        recorder = new Harness.Recorder().fail("git rev-parse");
        String legacy = dryRun(new Build(), Map.of("DOCKER_BUILDKIT", "0"), "--cache");
        assertTrue(legacy.contains("docker pull " + cache + "\n") && legacy.contains(" --cache-from " + cache + " -t " + cache + " -t " + image + " ")
                && legacy.contains("docker push " + cache + "\ndocker create ") && legacy.endsWith("docker rmi " + cache + "\n"),
                "legacy builder: pulled, read, tagged as built, pushed beside the copies, untagged as the run ends: " + legacy);
        assertTrue(dryRun(new Build(), Map.of("DOCKER_BUILDKIT", "False"), "--cache").contains("docker pull " + cache + "\n"), "DOCKER_BUILDKIT=False, as docker reads it");

        // `docker buildx use` (setup-buildx-action's) chose a docker-container builder, which docker build does not take
        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker buildx inspect", "Name:   team\nDriver: docker-container\n");
        String inline = dryRun(new Build(), withBuildx("{}", "BUILD_CACHE", "true"));
        assertTrue(inline.contains(" --cache-from " + cache + " --cache-to type=inline -t " + cache + " -t " + image + " ") && inline.contains("docker push " + cache + "\n")
                && !inline.contains("docker pull") && !inline.contains("--load"), "BuildKit's docker driver, the context's own: an inline cache, pushed with the image: " + inline);
        assertEquals(List.of(), buildxQuestions(), "docker build takes the context's builder: buildx is asked nothing");

        // `docker buildx install` made docker build an alias of buildx build, which takes that choice
        String alias = "{\"aliases\": {\"builder\": \"buildx\"}}";
        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker buildx inspect", "Name:   team\nDriver: docker-container\n");
        assertTrue(dryRun(new Build(), withBuildx(alias), "--cache").contains(" --load --cache-from type=registry,ref=" + cache + " --cache-to type=registry,ref="
                + cache + ",mode=max,ignore-error=true -t " + image + " "), "buildx's current builder, asked once: " + recorder.commands);
        assertEquals(List.of("docker buildx inspect"), buildxQuestions());
        recorder = new Harness.Recorder().fail("git rev-parse").fail("docker buildx inspect");
        assertTrue(dryRun(new Build(), withBuildx(alias), "--cache").contains(" --cache-to type=inline "), "buildx there, its current builder not saying: the docker driver");

        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker buildx inspect ci", "Name:   ci\nDriver: docker-container\n");
        String registry = dryRun(new Build(), withBuildx("{}", "BUILDX_BUILDER", "ci", "BUILD_CACHE", "localhost:5000/team/cache"));
        String own = "localhost:5000/team/cache:cache-build";
        assertTrue(registry.contains(" --builder ci --load --cache-from type=registry,ref=" + own + " --cache-to type=registry,ref=" + own
                + ",mode=max,ignore-error=true -t " + image + " ") && !registry.contains("docker push"), "another driver: type=registry, every stage: " + registry);

        recorder = new Harness.Recorder().fail("git rev-parse");
        repo.write("component.json", repo.componentJson("\"0\"", "\"cache\": true"));
        String test = dryRun(new Test(), Map.of(), "--compose", "standalone");
        assertTrue(test.contains("docker build --force-rm -f docker/Dockerfile.test --cache-from " + repo.image("cache-test") + " --cache-to type=inline -t "
                + repo.image("cache-test") + " -t " + repo.image("1.0.0-0-test")), "the kit builds the test image, so the cache is used: " + test);
        assertTrue(dryRun(new Package(), Map.of(), "--compose", "standalone", "--cache=false").lines().noneMatch(line -> line.contains("cache")), "--cache=false wins");
    }

    @org.junit.jupiter.api.Test
    void buildxIsLookedForWhereDockerLooksAndTheFirstFoundDecides() throws IOException {
        Path folders = Files.createDirectories(repo.dir.resolveSibling(repo.dir.getFileName() + "-plugins"));
        try {
            Path first = Files.createDirectories(folders.resolve("first"));
            Path second = Files.createDirectories(folders.resolve("second"));
            assertTrue(Files.writeString(second.resolve("docker-buildx"), "#!/bin/sh\n").toFile().setExecutable(true));
            Files.writeString(first.resolve("docker-buildx"), "no x bit\n");
            assertEquals(first.resolve("docker-buildx"), DockerConfig.firstPlugin(List.of(first, second), "docker-buildx"), "the first, runnable or not");
            assertEquals(null, DockerConfig.firstPlugin(List.of(folders), "docker-buildx"));

            // cliPluginsExtraDirs come first, on any machine: docker takes a plugin it cannot run and builds without BuildKit
            String config = "{\"cliPluginsExtraDirs\": [\"" + first + "\", \"" + second + "\"]}";
            recorder = new Harness.Recorder().fail("git rev-parse");
            assertTrue(dryRun(new Build(), dockerConfig(config), "--cache").contains("docker pull " + repo.image("cache-build") + "\n"), "the legacy builder's form");
            Files.delete(first.resolve("docker-buildx"));
            Files.createDirectories(first.resolve("docker-buildx"));   // a folder of that name is no plugin: the next one is
            assertTrue(dryRun(new Build(), dockerConfig(config), "--cache").contains(" --cache-to type=inline "), "BuildKit's form");
            assertEquals(List.of(), buildxQuestions(), "a plugin found is not asked about");

            // a relative folder is the repository's, where docker runs; one that is not a string is none
            repo.write("tools/docker-buildx", "no x bit\n");
            assertTrue(dryRun(new Build(), dockerConfig("{\"cliPluginsExtraDirs\": [\"tools\", 7, {\"a\": [\"" + second + "\"]}]}"), "--cache")
                    .contains("docker pull "), "tools/docker-buildx in the repository, first");
            for (String broken : List.of("{\"cliPluginsExtraDirs\": {\"a\": 1}, \"aliases\": [1]}", "{\"cliPluginsExtraDirs\": [\"a\\u0000b\"]}", "[".repeat(200), "not json")) {
                assertEquals(0, run(new Build(), dockerConfig(broken), "--dry-run", "--cache").exit(), "a config docker could not read either: " + broken);
            }
        } finally {
            Repository.delete(folders);
        }
    }

    @org.junit.jupiter.api.Test
    void aThrowawayLoginConfigKeepsHowDockerFindsBuildxAndWhichBuilderDockerBuildTakes() throws IOException {
        String user = "{\"auths\": {\"localhost:5000\": {\"auth\": \"dXNlcjpzZWNyZXQ=\"}}, \"aliases\": {\"builder\": \"buildx\"}, \"cliPluginsExtraDirs\": [\"/opt/plugins\"]}";
        String kept = "{\"cliPluginsExtraDirs\":[\"/opt/plugins\"],\"aliases\":{\"builder\":\"buildx\"}}";
        Map<String, String> login = dockerConfig(user, "DOCKER_USER", "me", "DOCKER_PASS", "the-password");
        String dry = dryRun(new Publish(), login, "--tags", "rc");
        assertTrue(dry.contains("printf '%s\\n' '" + kept + "' > \"$DOCKER_CONFIG/config.json\"\n"), dry);
        List<String> seen = new ArrayList<>();
        Commands.Exec reading = (command, environment, directory, out, err, input) -> {
            if (command.subList(0, 2).equals(List.of("docker", "login"))) {
                seen.add(Files.readString(Path.of(environment.get("DOCKER_CONFIG"), "config.json")).strip());
            }
            return recorder.run(command, environment, directory, out, err, input);
        };
        Harness.Result published = Harness.inProcess(new Publish(), login, reading, "-C", repo.dir.toString(), "--tags", "rc");
        assertEquals(0, published.exit(), published.all());
        assertEquals(List.of(kept), seen, "the login's config: the builder's part of the user's, no login of theirs");
    }

    @org.junit.jupiter.api.Test
    void withoutACacheOrABuilderNothingMoreIsAskedOrPassed() {
        String build = dryRun(new Build(), Map.of());
        assertFalse(build.contains("cache") || build.contains("--builder") || build.contains("--load"), build);
        assertTrue(recorder.commands.stream().map(Commands::shell).noneMatch(line -> line.startsWith("docker buildx inspect") || line.startsWith("docker info")),
                "no question costs a cached build a process: " + recorder.commands);
    }

    @org.junit.jupiter.api.Test
    void aFailedCommandIsExplainedByItsErrorNotByALogLineItsBackgroundWorkPrintedAfter() {
        // what docker build printed (CI, legacy stack) with no engine at DOCKER_HOST: the context's tar writer logged after the error
        recorder = new Harness.Recorder().fail("git rev-parse").fail("docker build").answer("docker build",
                "Cannot connect to the Docker daemon at tcp://127.0.0.1:9. Is the docker daemon running?\n"
                        + "time=\"2026-11-26T11:09:51Z\" level=error msg=\"Can't add file .dockerignore to tar: io: read/write on closed pipe\"\n");
        Harness.assertOneErrorLine(run(new Build(), Map.of("DOCKER_BUILDKIT", "0")), 1, "docker build failed (exit 1: Cannot connect to the Docker daemon at tcp://127.0.0.1:9.");
        // a command that died of a logged fatal error is explained by it
        recorder = new Harness.Recorder().fail("git rev-parse").fail("docker build").answer("docker build",
                "Step 1/2 : FROM busybox\ntime=\"2026-11-26T11:09:51Z\" level=fatal msg=\"the reason\"\n");
        Harness.assertOneErrorLine(run(new Build(), Map.of("DOCKER_BUILDKIT", "0")), 1, "level=fatal msg=\"the reason\"");
    }

    @org.junit.jupiter.api.Test
    void aBuilderIsCheckedAndAnotherDriverLoadsTheImageIntoTheEngine() throws IOException {
        recorder = new Harness.Recorder().fail("git rev-parse").fail("docker buildx inspect nosuch");
        Harness.assertOneErrorLine(run(new Build(), withBuildx("{}"), "--dry-run", "--builder", "nosuch"), 2, "no buildx builder \"nosuch\"");
        recorder = new Harness.Recorder().fail("git rev-parse");
        Harness.assertOneErrorLine(run(new Build(), Map.of("DOCKER_BUILDKIT", "0"), "--dry-run", "--builder", "ci"), 2, "--builder ci needs BuildKit");
        recorder = new Harness.Recorder().fail("git rev-parse");
        assertFalse(dryRun(new Build(), withBuildx("{}", "BUILDX_BUILDER", "")).contains("--builder"), "an empty BUILDX_BUILDER names none, as for docker");
        assertEquals(List.of(), buildxQuestions());
        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker buildx inspect remote", "Driver: remote\n");
        assertTrue(dryRun(new Build(), withBuildx("{}"), "--builder", "remote").contains("docker build --force-rm -f docker/Dockerfile.build --builder remote --load -t "));
    }

    @org.junit.jupiter.api.Test
    void publishBuildsAndPushesForSeveralPlatformsWhereTheBuilderCanAndSaysWhyWhereItCannot() throws IOException {
        String rc = repo.image("1.0.0-0-rc");
        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker info", "[[\"driver-type\",\"io.containerd.snapshotter.v1\"]]");
        String pushed = dryRun(new Publish(), Map.of(), "--platform", "linux/amd64,linux/arm64");
        assertTrue(pushed.contains("docker build --force-rm -f docker/Dockerfile --platform linux/amd64,linux/arm64 --provenance false --sbom false --push -t " + rc
                + " -t " + repo.image("latest") + " "), "one build, every tag, attestations off unless asked: " + pushed);
        assertFalse(pushed.contains("docker push"), pushed);
        repo.write("component.json", repo.componentJson("\"0\"", "\"platforms\": [\"linux/amd64\", \"linux/arm64/v8\"]"));
        assertTrue(dryRun(new Publish(), Map.of(), "--provenance", "mode=max", "--tags", "rc").contains(" --platform linux/amd64,linux/arm64/v8 --provenance mode=max --sbom false --push -t "
                + rc + " "), "component.json's platforms");

        repo.write("docker/Dockerfile", "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\nRUN wget -q -O /root/key \"$PIPKIT_SECRET_URL/id_rsa\" # id_rsa\n");
        Harness.assertOneErrorLine(run(new Publish(), Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(SafetyTest.KEY.getBytes())), "--dry-run"), 2,
                "hands each credential out once, and a build for several platforms");
        repo.write("docker/Dockerfile", "FROM busybox:1.36\n");
        assertTrue(dryRun(new Publish(), Map.of(), "--provenance", "false", "--platform", "linux/arm64").contains(" --platform linux/arm64 --provenance false"));
        repo.write("component.json", repo.componentJson("\"0\"", ""));
        recorder = new Harness.Recorder().fail("git rev-parse").answer("docker info", "[[\"Backing Filesystem\",\"extfs\"]]");
        assertTrue(dryRun(new Publish(), Map.of(), "--provenance", "false", "--tags", "rc").contains("docker push " + rc), "attestations off as asked: only a push");
        repo.write("component.json", repo.componentJson("\"0\"", "\"platforms\": [\"linux/amd64\", \"linux/arm64/v8\"]"));
        Harness.assertOneErrorLine(run(new Publish(), Map.of(), "--dry-run", "--sbom", "true"), 2, "cannot be pushed by the builder in use (docker driver, classic image store)");
        recorder = new Harness.Recorder().fail("git rev-parse");
        Harness.assertOneErrorLine(run(new Publish(), Map.of("DOCKER_BUILDKIT", "0"), "--dry-run"), 2, "images for several platforms (--platform) need BuildKit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dotnet", "dart"})
    void templatesWithoutAToolchainHereGiveTheRightCommands(String language) throws IOException {
        for (String name : List.of("Dockerfile.build", "Dockerfile.test", "Dockerfile", "docker-compose.test.yml", "docker-compose.yml")) {
            Path file = Harness.ROOT.resolve("templates/" + language + "/docker/" + name);
            assertTrue(Files.exists(file), language + " has no docker/" + name);
            repo.write("docker/" + name, Files.readString(file));
        }
        repo.write("component.json", repo.componentJson("\"0\"", "\"language\": \"" + language + "\""));
        Harness.Result build = run(new Build(), Map.of(), "--dry-run");
        assertEquals(0, build.exit(), build.all());
        assertTrue(build.out().contains("docker build --force-rm -f docker/Dockerfile.build -t " + repo.image("1.0.0-0-build")), build.out());
        if (language.equals("dotnet")) {
            assertTrue(build.out().contains(":/obj ") && build.out().contains(":/dist "), ".NET copies /obj and /dist: " + build.out());
        } else {
            assertTrue(!build.out().contains("docker cp"), "Dart copies nothing: " + build.out());
        }
        assertEquals(0, run(new Test(), Map.of(), "--dry-run", "--compose", "standalone").exit());
        assertEquals(0, run(new Package(), Map.of(), "--dry-run", "--compose", "standalone").exit());
    }

    // ---- bad input ------------------------------------------------------------------------

    interface Setup {
        void apply(Harness repo) throws IOException;
    }

    static Arguments bad(String name, String script, Setup setup, Map<String, String> environment, List<String> args, String message) {
        return Arguments.of(name, script, setup, environment, args, message);
    }

    static Setup json(String extra) {
        return repo -> repo.write("component.json", extra);
    }

    static Stream<Arguments> badInput() {
        Setup none = repo -> { };
        String ok = "\"registry\": \"localhost:5000\", \"version\": \"1.0.0\"";
        return Stream.of(
                bad("component.json missing", "build.java", repo -> Files.delete(repo.dir.resolve("component.json")), Map.of(), List.of(), "component.json not found"),
                bad("component.json empty", "build.java", json(""), Map.of(), List.of(), "must hold a JSON object"),
                bad("not JSON", "build.java", json("{\"name\": "), Map.of(), List.of(), "is not valid JSON"),
                bad("a JSON list", "test.java", json("[]"), Map.of(), List.of(), "must hold a JSON object"),
                bad("no name", "build.java", json("{" + ok + "}"), Map.of(), List.of(), "\"name\" is missing"),
                bad("uppercase name", "build.java", json("{\"name\": \"Beacons\", " + ok + "}"), Map.of(), List.of(), "is not a valid image name"),
                bad("name with a space", "package.java", json("{\"name\": \"bea cons\", " + ok + "}"), Map.of(), List.of(), "is not a valid image name"),
                bad("name a number", "build.java", json("{\"name\": 5, " + ok + "}"), Map.of(), List.of(), "\"name\" must be a string"),
                bad("no version", "build.java", json("{\"name\": \"x\"}"), Map.of(), List.of(), "\"version\" is missing"),
                bad("version with a space", "build.java", json("{\"name\": \"x\", \"version\": \"1 0\"}"), Map.of(), List.of(), "cannot be part of an image tag"),
                bad("build a fraction", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"build\": 1.5}"), Map.of(), List.of(), "must be a string or a whole number"),
                bad("build a boolean", "clean.java", json("{\"name\": \"x\", \"version\": \"1\", \"build\": true}"), Map.of(), List.of(), "must be a string or a whole number"),
                bad("registry with a scheme", "publish.java", json("{\"name\": \"x\", \"version\": \"1\", \"registry\": \"https://r:5000\"}"), Map.of(), List.of(), "must not have a scheme"),
                bad("registry with a space", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"registry\": \"my registry\"}"), Map.of(), List.of(), "is not a valid registry"),
                bad("BUILD_NUMBER with a space", "build.java", none, Map.of("BUILD_NUMBER", "4 2"), List.of(), "BUILD_NUMBER is \"4 2\""),
                bad("GITHUB_RUN_NUMBER with a slash", "build.java", none, Map.of("GITHUB_RUN_NUMBER", "../7"), List.of(), "GITHUB_RUN_NUMBER is"),
                bad("--build-number with a space", "build.java", none, Map.of(), List.of("--build-number", "a b"), "a build number can hold only"),
                bad("outputs not a list", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"outputs\": \"/app/obj\"}"), Map.of(), List.of(), "\"outputs\" must be a list"),
                bad("an output outside the repository", "build.java", none, Map.of(), List.of("--output", "/app/obj:../up"), "is not a place the kit may write"),
                bad("an output onto lib/", "build.java", none, Map.of(), List.of("--output", "/app/lib:lib"), "is not a place the kit may write"),
                bad("no Dockerfile.build", "build.java", repo -> Files.delete(repo.dir.resolve("docker/Dockerfile.build")), Map.of(), List.of(), "docker/Dockerfile.build not found"),
                bad("no docker-compose.test.yml", "test.java", repo -> Files.delete(repo.dir.resolve("docker/docker-compose.test.yml")), Map.of(), List.of(), "docker/docker-compose.test.yml not found"),
                bad("no Dockerfile", "package.java", repo -> Files.delete(repo.dir.resolve("docker/Dockerfile")), Map.of(), List.of(), "docker/Dockerfile not found"),
                bad("no docker-compose.yml", "run.java", repo -> Files.delete(repo.dir.resolve("docker/docker-compose.yml")), Map.of(), List.of(), "docker/docker-compose.yml not found"),
                bad("a missing -C folder", "build.java", none, Map.of(), List.of("-C", "no-such-folder"), "does not exist"),
                // picocli's own checks, as its model is declared in code (lib/Cli.java)
                bad("an unknown option", "build.java", none, Map.of(), List.of("--no-such"), "Unknown option: '--no-such' (see --help)"),
                bad("an argument no script takes", "tag.java", none, Map.of(), List.of("extra"), "Unmatched argument at index 2: 'extra' (see --help)"),
                bad("--port not a number", "package.java", none, Map.of(), List.of("--port", "1.5"), "Invalid value for option '--port': '1.5' is not an int"),
                bad("--timeout without its value", "package.java", none, Map.of(), List.of("--timeout"), "Missing required parameter for option '--timeout' (SECONDS)"),
                bad("a flag given a value", "build.java", none, Map.of(), List.of("--dry-run=yes"), "Invalid value for option '--dry-run': 'yes' is not a boolean"),
                bad("--cache twice", "build.java", none, Map.of(), List.of("--cache=a", "--cache=b"), "option '--cache' (REF) should be specified only once"),
                bad("an unreadable component.json", "build.java", repo -> {
                    Files.delete(repo.dir.resolve("component.json"));
                    Files.createDirectory(repo.dir.resolve("component.json"));
                }, Map.of(), List.of(), "is not a file of at most 16 MiB"),
                bad("hostile: component.json a link to a device", "build.java", repo -> {
                    Files.delete(repo.dir.resolve("component.json"));
                    Files.createSymbolicLink(repo.dir.resolve("component.json"), Path.of("/dev/zero"));
                }, Map.of(), List.of(), "is a link out of the repository"),
                bad("hostile: a Dockerfile that links to a device", "build.java", repo -> {
                    Files.delete(repo.dir.resolve("docker/Dockerfile.build"));
                    Files.createSymbolicLink(repo.dir.resolve("docker/Dockerfile.build"), Path.of("/dev/zero"));
                }, Map.of(), List.of(), "is a link out of the repository"),
                bad("an unknown flag", "build.java", none, Map.of(), List.of("--frobnicate"), "Unknown option: '--frobnicate'"),
                bad("an unknown compose flavour", "test.java", none, Map.of(), List.of("--compose", "v9"), "--compose must be auto, plugin or standalone"),
                bad("a port that is not a number", "package.java", none, Map.of(), List.of("--port", "abc"), "'--port'"),
                bad("a smoke request without a route", "package.java", none, Map.of(), List.of("--smoke", "/v1/x"), "write it as 'METHOD /route [BODY]'"),
                bad("smoke not a list", "package.java", json("{\"name\": \"x\", \"version\": \"1\", \"smoke\": {}}"), Map.of(), List.of(), "\"smoke\" must be a list"),
                bad("an unknown tag to publish", "publish.java", none, Map.of(), List.of("--tags", "nightly"), "--tags takes rc and/or latest"),
                bad("DOCKER_USER without DOCKER_PASS", "publish.java", none, Map.of("DOCKER_USER", "me"), List.of(), "set both DOCKER_USER and DOCKER_PASS"),
                bad("nowhere to publish", "publish.java", json("{\"name\": \"x\", \"version\": \"1\"}"), Map.of(), List.of(), "has no \"registry\""),
                bad("a key that is not a key", "build.java", repo -> repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\n"
                        + "RUN wget -qO /tmp/k \"$PIPKIT_SECRET_URL/id_rsa\" && rm /tmp/k\n"),
                        Map.of("GIT_PRIVATE_KEY", "not-a-key"), List.of(), "GIT_PRIVATE_KEY is neither a private key"),
                bad("an .npmrc without NPM_TOKEN", "build.java", repo -> repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nCOPY docker/.npmrc /root/\n"),
                        Map.of(), List.of(), "NPM_TOKEN is not set"),
                bad("tagging outside git", "tag.java", none, Map.of(), List.of(), "is not a git repository"),
                bad("a key in the release image's context", "package.java", repo -> {
                    repo.write("docker/id_rsa", SafetyTest.KEY);
                    repo.write(".dockerignore", "*\n!docker\n");
                }, Map.of(), List.of(), "docker/id_rsa is in the build context of the release image"),
                bad("hostile: a key .dockerignore takes back in", "package.java", repo -> {
                    repo.write("docker/id_rsa", SafetyTest.KEY);
                    repo.write(".dockerignore", "docker\n!docker/id_rsa\n");
                }, Map.of(), List.of(), "docker/id_rsa is in the build context of the release image"),
                bad("hostile: a class that docker reads as the key, Java as nothing", "package.java", repo -> {
                    repo.write("docker/id_rsa", SafetyTest.KEY);
                    repo.write(".dockerignore", "docker\n!docker/id_rs[a&&b]\n");
                }, Map.of(), List.of(), "docker/id_rsa is in the build context of the release image"),
                bad("a test image that asks for a key there is not", "test.java", repo -> repo.write("docker/Dockerfile.test", "FROM busybox:1.36\nCOPY docker/id_rsa /x\n"),
                        Map.of("HOME", "/nonexistent"), List.of(), "docker/Dockerfile.test uses an SSH key (id_rsa) but there is none"),
                bad("a port out of range", "package.java", none, Map.of(), List.of("--port", "70000"), "is not a TCP port"),
                bad("port 0", "run.java", none, Map.of(), List.of("--port", "0"), "is not a TCP port"),
                bad("a negative timeout", "package.java", none, Map.of(), List.of("--timeout", "-5"), "wait at least 1 second"),
                bad("a smoke method that is not one", "package.java", none, Map.of(), List.of("--smoke", "G\\ET /x"), "is not an HTTP method"),
                bad("component.json with a field twice", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"build\": \"1\", \"build\": \"2\"}"),
                        Map.of("BUILD_NUMBER", "3"), List.of(), "a field is there twice"),
                bad("component.json with text after it", "build.java", json("{\"name\": \"x\", \"version\": \"1\"} {}"), Map.of(), List.of(), "text after its end"),
                bad("component.json nested 1000 deep", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"deep\": " + "[".repeat(1000) + "]".repeat(1000) + "}"),
                        Map.of(), List.of(), "nested too deep"),
                bad("a cache that is not a repository", "build.java", none, Map.of(), List.of("--cache=Not A/Repo"), "is not true, false or a repository"),
                bad("a cache with a tag", "test.java", none, Map.of("BUILD_CACHE", "localhost:5000/cache:v1"), List.of(), "is not true, false or a repository"),
                bad("cache a number", "package.java", json("{\"name\": \"x\", \"version\": \"1\", \"cache\": 5}"), Map.of(), List.of(), "\"cache\" must be true, false"),
                bad("a cache without a registry", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"cache\": true}"), Map.of(), List.of(),
                        "the registry cache needs a registry"),
                bad("a builder name with a semicolon", "build.java", none, Map.of("BUILDX_BUILDER", "ci;rm"), List.of(), "is not a builder name"),
                bad("platforms that are not a list", "publish.java", none, Map.of(), List.of("--platform", "linux amd64"), "must be a list such as linux/amd64,linux/arm64"),
                bad("an attestation with a space", "publish.java", none, Map.of(), List.of("--provenance", "mode max"), "is not a BuildKit attestation setting"),
                bad("a cache of one word", "build.java", none, Map.of("BUILD_CACHE", "yes"), List.of(), "is not true, false or a repository"),
                bad("platforms a number", "publish.java", json("{\"name\": \"x\", \"version\": \"1\", \"registry\": \"r:5000\", \"platforms\": 5}"), Map.of(),
                        List.of(), "\"platforms\" must be a string or a list of strings"),
                bad("platforms without publishing", "pipeline.java", none, Map.of(), List.of("--platform", "linux/arm64"), "add --publish"),
                bad("a key copied into an image the cache pushes", "build.java", repo -> repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/\n"),
                        Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(SafetyTest.KEY.getBytes())), List.of("--cache"), "which --cache pushes to"),
                // hostile repositories: each of these once wrote, deleted or printed something outside the repository
                bad("hostile: an output with a line break", "build.java", none, Map.of(), List.of("--output", "/app/obj:../escape\n"), "is not a place the kit may write"),
                bad("hostile: outputs chained with line separators", "build.java", json("{\"name\": \"x\", \"version\": \"1\", \"outputs\": "
                        + "[\"/app/obj:../escape\\u2028\", \"/app/obj:x/../../escape\\u0085\"]}"), Map.of(), List.of(), "is not a place the kit may write"),
                bad("hostile: an output onto .GIT in another case", "build.java", none, Map.of(), List.of("--output", "/app/obj:.GIT/hooks"), "is not a place the kit may write"),
                bad("hostile: an output through a linked folder", "build.java", repo -> Files.createSymbolicLink(repo.dir.resolve("dist"), repo.outside()),
                        Map.of(), List.of("--output", "/app/obj:dist/lib"), "symbolic link"),
                bad("hostile: a lock file that links outside", "clean.java", repo -> Files.createSymbolicLink(repo.dir.resolve(".pipkit-clean.lock"),
                        repo.outside().resolve("precious")), Map.of(), List.of(), "is not a plain file"),
                bad("hostile: a lock file hard-linked to a file outside", "clean.java", repo -> Files.createLink(repo.dir.resolve(".pipkit-clean.lock"),
                        repo.outside().resolve("precious")), Map.of(), List.of(), "is not a plain file"),
                bad("hostile: component.json linked from outside", "build.java", repo -> {
                    Files.writeString(repo.outside().resolve("component.json"), "{\"name\": \"x\", \"version\": \"1\", \"build\": \"0\"}");
                    Files.delete(repo.dir.resolve("component.json"));
                    Files.createSymbolicLink(repo.dir.resolve("component.json"), repo.outside().resolve("component.json"));
                }, Map.of("BUILD_NUMBER", "9"), List.of(), "is a link out of the repository"),
                bad("hostile: a key written through a linked docker/", "build.java", repo -> {
                    Path docker = repo.outside().resolve("docker");
                    Files.createDirectories(docker);
                    Files.writeString(docker.resolve("Dockerfile.build"), "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\n");
                    Repository.delete(repo.dir.resolve("docker"));
                    Files.createSymbolicLink(repo.dir.resolve("docker"), docker);
                }, Map.of("GIT_PRIVATE_KEY", Base64.getEncoder().encodeToString(SafetyTest.KEY.getBytes())), List.of(), "is a link out of the repository"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    @ExtendWith(Harness.Counted.class)
    void badInputExitsTwoWithOneLineAndChangesNothing(String name, String script, Setup setup, Map<String, String> environment,
            List<String> args, String message) throws IOException {
        setup.apply(repo);
        Map<String, String> files = repo.files();
        Map<String, String> outside = repo.outsideState();
        Object command = SCRIPTS.get(script).get();
        Harness.Result result = run(command, environment, args.toArray(String[]::new));
        Harness.assertOneErrorLine(result, 2, message);
        Map<String, String> after = repo.files();
        assertEquals(files.keySet(), after.keySet(), "files added or removed");
        assertEquals(List.of(), files.keySet().stream().filter(file -> !files.get(file).equals(after.get(file))).toList(), "files changed");
        assertFalse(Harness.locked(command), "the run got as far as its lock: checking must come first");
        assertEquals(outside, repo.outsideState(), "something outside the repository changed");
        if (name.startsWith("hostile")) {
            Harness.Figures.hostileHeld.incrementAndGet();
        }
    }

    // ---- a repository that commits its build outputs (obj/ in Node services) --------------------

    /** The copy as a git repository whose last commit holds obj/ (two files, one in a subfolder); git really runs. */
    void committedObj() throws IOException {
        recorder = new Harness.Recorder().really("git ");
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj:obj\"]"));
        repo.write("obj/index.js", "module.exports = 1;\n");
        repo.write("obj/src/lib.js", "module.exports = 2;\n");
        TagTest.git(repo.dir, "init", "--quiet");
        TagTest.git(repo.dir, "add", "--all");
        TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "-m", "obj is committed");
    }

    @org.junit.jupiter.api.Test
    void aCommittedUnchangedOutputMayBeReplacedAndTheStepSaysSo() throws IOException {
        committedObj();
        Harness.Result result = run(new Build(), Map.of(), "--dry-run");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("obj is committed to git and unchanged: the build replaces it"), result.err());
        // set aside while the build runs (put back if it fails), gone once the new one is in place
        assertTrue(result.out().matches("(?s).*\\nmv obj (\\.pipkit-previous-[0-9a-f]{8})/0\\n.*\\nrm -rf \\1\\n.*"), result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"an edit", "a new file", "an ignored file", "a file staged", "a file deleted", "a link inside"})
    void aCommittedOutputWithAnyChangeIsRefusedAndNothingChanges(String change) throws IOException {
        committedObj();
        switch (change) {
            case "an edit" -> repo.write("obj/src/lib.js", "module.exports = 3;\n");
            case "a new file" -> repo.write("obj/new.js", "new\n");
            case "an ignored file" -> {
                repo.write(".gitignore", "*.map\n");
                repo.write("obj/index.js.map", "{}\n");
            }
            case "a file staged" -> {
                repo.write("obj/src/lib.js", "module.exports = 3;\n");
                TagTest.git(repo.dir, "add", "obj/src/lib.js");
            }
            case "a file deleted" -> Files.delete(repo.dir.resolve("obj/src/lib.js"));
            default -> Files.createSymbolicLink(repo.dir.resolve("obj/link.js"), Path.of("index.js"));
        }
        Map<String, String> files = repo.files();
        Harness.Result result = run(new Build(), Map.of("BUILD_NUMBER", "5"));
        Harness.assertOneErrorLine(result, 2, "obj already exists and was not copied out by an earlier build (nor is it committed to git, unchanged)");
        assertEquals(files, repo.files(), "nothing changed");
    }

    @org.junit.jupiter.api.Test
    void aCommittedOutputThatIsALinkIsStillRefused() throws IOException {
        committedObj();
        Repository.delete(repo.dir.resolve("obj"));
        Files.createSymbolicLink(repo.dir.resolve("obj"), repo.outside());
        TagTest.git(repo.dir, "add", "--all");
        TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "-m", "obj is a link now");
        Map<String, String> outside = repo.outsideState();
        Harness.Result result = run(new Build(), Map.of());
        Harness.assertOneErrorLine(result, 2, "symbolic link");
        assertEquals(outside, repo.outsideState());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--retry", "RETRY=true"})
    void aFailedBuildRunsOnceMoreWhenAskedAndTheLastAttemptCounts(String how) {
        Map<String, String> environment = how.startsWith("RETRY") ? Map.of("RETRY", "true") : Map.of();
        String[] args = how.startsWith("RETRY") ? new String[0] : new String[] {"--retry"};
        recorder.fail("docker build");
        Harness.Result result = run(new Build(), environment, args);
        assertEquals(1, result.exit(), result.all());
        assertEquals(2, recorder.commands.stream().filter(command -> command.get(1).equals("build")).count(), "two attempts");
        assertTrue(result.err().contains("running it once more (RETRY)"), result.err());
        // without RETRY: one attempt
        Harness.Recorder once = new Harness.Recorder().fail("docker build");
        recorder = once;
        assertEquals(1, run(new Build(), Map.of()).exit());
        assertEquals(1, once.commands.stream().filter(command -> command.get(1).equals("build")).count());
    }

    // ---- release.java: the package registries' commands, checked as argument lists (no toolchain or server for these here) ----

    @ParameterizedTest
    @ValueSource(strings = {"nuget", "pypi", "pub"})
    void releaseDryRunsGiveEachRegistryItsCommandsAndTheCredentialOnlyInAnEnvironment(String type) throws IOException {
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"" + repo.name + "\", \"type\": \"" + type + "\"}]"));
        String secret = "Release-Secret-" + type + "-0042";
        Map<String, String> environment = Map.of("NUGET_KEY", secret, "PYPI_TOKEN", secret, "PUB_TOKEN", secret);
        Harness.Result result = run(new Release(), environment, "--dry-run");
        assertEquals(0, result.exit(), result.all());
        String expected = switch (type) {
            case "nuget" -> "dotnet pack --configuration Release --output dist/nuget\nNUGET_API_KEY=**** dotnet nuget push 'dist/nuget/*.nupkg' --source https://api.nuget.org/v3/index.json --skip-duplicate\n";
            case "pypi" -> "python -I -m build\nTWINE_USERNAME=__token__ TWINE_PASSWORD=**** python -I -m twine upload --skip-existing --repository-url https://upload.pypi.org/legacy/ 'dist/*'\n";
            default -> "dart pub token add https://pub.dev --env-var PUB_TOKEN\nPUB_TOKEN=**** dart pub publish --force\n";
        };
        assertTrue(result.out().contains(expected), result.out());
        assertFalse(result.all().contains(secret), "the credential was printed");
        Harness.assertOneErrorLine(run(new Release(), Map.of(), "--dry-run"), 2, "is not set: the release needs it");
    }

    @org.junit.jupiter.api.Test
    void releaseRefusesWhatItCannotPublishBeforeAnythingRuns() throws IOException {
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"x\", \"type\": \"npm\"}]"));
        repo.write("package.json", "{\"name\": \"x\", \"version\": \"2.0.0\"}");
        Harness.assertOneErrorLine(run(new Release(), Map.of("NPM_TOKEN", "npm_0123456789")), 2, "the release publishes the component's version 1.0.0");
        repo.write("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\", \"private\": true}");
        Harness.assertOneErrorLine(run(new Release(), Map.of("NPM_TOKEN", "npm_0123456789")), 2, "package.json says \"private\": true");
        repo.write("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}");
        Harness.assertOneErrorLine(run(new Release(), Map.of()), 2, "set NPM_TOKEN, or NPM_USER, NPM_PASS and NPM_EMAIL");
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"x\", \"type\": \"maven\"}]"));
        Harness.assertOneErrorLine(run(new Release(), Map.of()), 2, "pom.xml cannot be read");
        // a hostile pom.xml: an entity that would read a file outside the repository into the error line
        repo.write("pom.xml", "<?xml version=\"1.0\"?><!DOCTYPE project [<!ENTITY e SYSTEM \"file:///etc/hostname\">]><project><groupId>g</groupId>"
                + "<artifactId>a</artifactId><version>&e;</version></project>");
        Harness.Result hostile = run(new Release(), Map.of("MAVEN_REPOSITORY", "http://127.0.0.1:1/"));
        Harness.assertOneErrorLine(hostile, 2, "pom.xml is not a plain pom");
        assertFalse(hostile.all().contains(Files.readString(Path.of("/etc/hostname")).strip()), hostile.all());
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"x\", \"type\": \"gem\"}]"));
        Harness.assertOneErrorLine(run(new Release(), Map.of()), 2, "the artifact type \"gem\" is none the kit publishes");
        repo.write("component.json", repo.componentJson("\"0\"", "\"artifacts\": [{\"name\": \"x\", \"type\": \"docker\"}]"));
        Harness.Result nothing = run(new Release(), Map.of());
        assertEquals(0, nothing.exit(), nothing.all());
        assertTrue(nothing.err().contains("no library package to publish"), nothing.err());
        assertEquals(List.of(), recorder.commands, "nothing ran");
    }
}
