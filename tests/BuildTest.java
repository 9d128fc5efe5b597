import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** build.java end to end: a copy of the sample repository, the real engine, ./build.java as a process. */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class BuildTest {
    Harness repo;

    @BeforeEach
    void copyTheSample() throws IOException {
        repo = Harness.sample();
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        repo.cleanUp();
    }

    /** Nothing of this component's is left in the engine or the folder but the image and outputs. */
    void assertNothingLeftBehind() {
        assertEquals(List.of(), repo.containers(), "containers with the kit's labels left behind");
        try (var files = Files.list(repo.dir)) {
            assertEquals(List.of(), files.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(".pipkit-staging") || name.startsWith(".component.json")).toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try {
            assertTrue(!repo.exists(".pipkit-build.lock") || repo.read(".pipkit-build.lock").isEmpty(), "the lock file still lists the run's resources");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertFalse(repo.exists("docker/id_rsa"), "docker/id_rsa left behind");
        assertFalse(repo.exists("docker/.npmrc"), "docker/.npmrc left behind");
    }


    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void buildsTheSampleAndCopiesItsOutputs() throws IOException {
        String before = repo.read("component.json");
        Harness.Result result = repo.run("build.java");
        assertEquals(0, result.exit(), result.all());
        assertEquals(List.of(repo.image("1.0.0-0-build")), repo.images());
        assertTrue(repo.exists("obj/beacons/BeaconsService.class"), "compiled classes in obj");
        assertTrue(repo.exists("dist/lib/beacons.jar"), "the service jar in dist/lib");
        assertEquals("obj\ndist/lib\n", repo.read(".pipkit-outputs"));
        assertEquals(before, repo.read("component.json"), "component.json changed without a CI build number");
        assertTrue(Files.exists(repo.dir.resolve("lib/Component.java")), "the kit's own lib/ must survive");
        assertNothingLeftBehind();

        // a second build replaces the outputs it copied before, and only those
        repo.write("obj/stale.class", "old");
        repo.write("notes.txt", "mine");
        assertEquals(0, repo.run("build.java").exit());
        assertFalse(repo.exists("obj/stale.class"), "the previous outputs were not removed");
        assertEquals("mine", repo.read("notes.txt"));
        assertNothingLeftBehind();
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void takesTheCiBuildNumberBeforeNamingAndKeepsItsType() throws IOException {
        String before = repo.read("component.json");
        Harness.Result result = repo.run(Map.of("BUILD_NUMBER", "42"), "build.java");
        assertEquals(0, result.exit(), result.all());
        assertEquals(List.of(repo.image("1.0.0-42-build")), repo.images());
        assertEquals(before.replace("\"build\": \"0\"", "\"build\": \"42\""), repo.read("component.json"));

        repo.write("component.json", repo.componentJson("7", "\"language\": \"java\""));
        assertEquals(0, repo.run(Map.of("GITHUB_RUN_NUMBER", "43"), "build.java", "--quiet").exit());
        assertTrue(repo.read("component.json").contains("\"build\": 43,"), repo.read("component.json"));
        assertTrue(repo.images().contains(repo.image("1.0.0-43-build")));
        assertNothingLeftBehind();
    }

    @Test
    void malformedComponentJsonExitsTwoWithOneLineAndLeavesTheFile() throws IOException {
        String broken = "{\n  \"name\": \"" + repo.name + "\",\n  \"version\": \"1.0.0\",\n  \"build\": \"0\"\n";
        repo.write("component.json", broken);
        Harness.assertOneErrorLine(repo.run(Map.of("BUILD_NUMBER", "42"), "build.java"), 2, "is not valid JSON");
        assertEquals(broken, repo.read("component.json"));

        repo.write("component.json", repo.componentJson("\"0\"", ""));
        Harness.assertOneErrorLine(repo.run(Map.of("BUILD_NUMBER", "4 2"), "build.java"), 2, "BUILD_NUMBER is \"4 2\"");
        assertEquals(repo.componentJson("\"0\"", ""), repo.read("component.json"));
        Harness.assertOneErrorLine(repo.run("build.java", "--no-such-flag"), 2, "--no-such-flag");
        Harness.assertOneErrorLine(repo.run("build.java", "-C", "missing-folder"), 2, "missing-folder");
        assertEquals(List.of(), repo.images());
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aFailingBuildExitsOneAndLeavesNoContainer() throws IOException {
        repo.write("src/main/java/beacons/Broken.java", "package beacons; class Broken { int x = ; }");
        // the failing step names this test, so that its container would be found among the other tests' ones
        repo.write("docker/Dockerfile.build", repo.read("docker/Dockerfile.build").replace("RUN javac ", "RUN echo " + repo.name + " && javac "));
        Harness.assertOneErrorLine(repo.run("build.java"), 1, "docker build failed (exit 1");
        assertEquals(List.of(), Harness.lines(Harness.docker("ps", "-a", "--no-trunc", "--format", "{{.Command}}")).stream()
                .filter(command -> command.contains(repo.name)).toList(), "the failed RUN step left a container");
        assertNothingLeftBehind();
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aFailedBuildThatCopiedTheKeyInLeavesNoImageHoldingIt() throws IOException {
        // the legacy builder keeps each step that succeeded as an untagged image: the COPY's holds the key
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nCOPY docker/id_rsa /root/.ssh/id_rsa\nRUN echo " + repo.name + " && false\n");
        Harness.Result result = repo.run(Map.of("GIT_PRIVATE_KEY", java.util.Base64.getEncoder().encodeToString(SafetyTest.KEY.getBytes())), "build.java");
        Harness.assertOneErrorLine(result, 1, "docker build failed (exit 1");
        // on the legacy builder every layer of this test's build carries its label (see Harness.write); BuildKit keeps no image of a failed build
        assertEquals(List.of(), Harness.lines(Harness.docker("images", "-a", "-q", "--filter", "label=" + Docker.LABEL + ".component=" + repo.name)),
                "an image of the failed build, the key inside, stayed: " + result.all());
        assertFalse(repo.exists("docker/id_rsa"));
    }

    @Test
    void withRetryAFailedBuildRunsOnceMoreAndTheLastAttemptCounts() throws IOException {
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN echo attempt && false\n");
        Harness.Result result = repo.run(Map.of("RETRY", "true"), "build.java");
        assertEquals(1, result.exit(), result.all());
        assertEquals(2, result.err().lines().filter(line -> line.startsWith("[ERROR] docker build failed")).count(), "each attempt says why: " + result.err());
        assertTrue(result.err().contains("the step failed: running it once more (RETRY)"), result.err());
        assertNothingLeftBehind();
    }

    @Test
    void aMissingOutputFailsAndCleansUp() {
        // the other copy still runs when this one fails: nothing may be left writing into the staging folder
        Harness.Result result = repo.run("build.java", "--output", "/app/missing:out", "--output", "/app/lib:dist/lib");
        Harness.assertOneErrorLine(result, 1, "copying /app/missing out of the build image failed");
        assertFalse(repo.exists("out") || repo.exists("dist/lib"));
        assertNothingLeftBehind();
    }

    @Test
    void neverOverwritesAFolderTheKitDidNotCopyOut() throws IOException {
        repo.write("obj/mine.txt", "user's file");
        Harness.assertOneErrorLine(repo.run("build.java"), 2, "obj already exists and was not copied out by an earlier build");
        assertEquals("user's file", repo.read("obj/mine.txt"));
        assertEquals(List.of(), repo.images());
    }

    @Test
    void aCommittedOutputIsReplacedAndGitShowsTheChangeThenClearRemovesIt() throws IOException {
        // a Node service that commits obj/ (its package's main points into it), built the way build.ps1 did
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj:obj\"]"));
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && echo 'module.exports = 2;' > /app/obj/index.js\n");
        repo.write("obj/index.js", "module.exports = 1;\n");
        repo.write("obj/old.js", "gone after the build\n");
        TagTest.git(repo.dir, "init", "--quiet");
        TagTest.git(repo.dir, "add", "--all");
        TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "-m", "obj is committed");
        Harness.Result result = repo.run("build.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("obj is committed to git and unchanged: the build replaces it"), result.err());
        assertEquals("module.exports = 2;\n", repo.read("obj/index.js"));
        assertEquals(List.of("D obj/old.js", "M obj/index.js"), TagTest.git(repo.dir, "status", "--porcelain", "--", "obj").lines().map(String::strip).sorted().toList());
        assertEquals("obj\n", repo.read(".pipkit-outputs"), "now the kit's: the next build and clear treat it so");
        assertEquals(0, repo.run("build.java", "--quiet").exit(), "the next build replaces its own output");
        assertEquals(0, repo.run("clean.java", "--quiet").exit());
        assertFalse(repo.exists("obj"));
        TagTest.git(repo.dir, "checkout", "--", "obj");
        assertEquals("module.exports = 1;\n", repo.read("obj/index.js"), "git gives it back");
    }

    @Test
    void aFailedOrKilledBuildLeavesTheRepositoryAsItWas() throws Exception {
        // a committed obj/, as real Node services have it: the first failure must not leave it deleted (build.ps1 did)
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj:obj\"]"));
        repo.write("obj/index.js", "module.exports = 1;\n");
        TagTest.git(repo.dir, "init", "--quiet");
        TagTest.git(repo.dir, "add", "--all");
        TagTest.git(repo.dir, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "--quiet", "-m", "obj is committed");
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN echo " + repo.name + " && false\n");
        Harness.Result failed = repo.run("build.java");
        assertEquals(1, failed.exit(), failed.all());
        assertTrue(failed.err().contains("the previous outputs are back in place (obj)"), failed.err());
        assertEquals("module.exports = 1;\n", repo.read("obj/index.js"));
        assertEquals("", TagTest.git(repo.dir, "status", "--porcelain", "--", "obj"), "git sees obj as it was");

        // the kit's own outputs of a good build come back after a build whose output is missing
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/obj && echo 'module.exports = 2;' > /app/obj/index.js\n");
        assertEquals(0, repo.run("build.java", "--quiet").exit());
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN mkdir -p /app/elsewhere\n");
        Harness.Result missing = repo.run("build.java");
        Harness.assertOneErrorLine(missing, 1, "copying /app/obj out of the build image failed");
        assertEquals("module.exports = 2;\n", repo.read("obj/index.js"));
        assertEquals("obj\n", repo.read(".pipkit-outputs"));

        // killed while it builds: nothing can run after SIGKILL, so the next build puts them back first
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN echo " + repo.name + "-started && sleep 600\n");
        Harness.Running running = repo.start(Map.of(), "build.java");
        Harness.waitFor(() -> running.output().contains(repo.name + "-started") || !running.process().getProcess().isAlive(), "the build to start");
        running.signal("KILL");
        running.await();
        assertFalse(repo.exists("obj"), "SIGKILL leaves obj set aside");
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nRUN echo " + repo.name + " && false\n");
        Harness.Result next = repo.run("build.java");
        assertEquals(1, next.exit(), next.all());
        assertTrue(next.err().contains("removing what a killed build left behind"), next.err());
        assertEquals("module.exports = 2;\n", repo.read("obj/index.js"));
        try (var files = Files.list(repo.dir)) {
            assertEquals(List.of(), files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(".pipkit-previous")).toList());
        }
        assertNothingLeftBehind();
    }

    @Test
    void withoutALanguageTheBuildImageSaysWhatToCopyAndAMissingDefaultIsOnlyAWarning() throws IOException {
        // a real Node service's component.json has no "language"; build.ps1 copied /app/obj all the same
        repo.write("component.json", repo.componentJson("\"0\"", "\"type\": \"microservice\""));
        repo.write("docker/Dockerfile.build", "FROM node:18-slim\nRUN mkdir -p /app/obj && echo 'module.exports = 1;' > /app/obj/index.js\n");
        Harness.Result result = repo.run("build.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("language node (component.json names none; inferred from docker/Dockerfile.build's FROM node:18-slim)"), result.err());
        assertEquals("module.exports = 1;\n", repo.read("obj/index.js"));
        // the language's usual output is not in this image: a warning, not a failure
        repo.write("docker/Dockerfile.build", "FROM node:18-slim\nRUN mkdir -p /app/lib\n");
        Harness.Result missing = repo.run("build.java");
        assertEquals(0, missing.exit(), missing.all());
        assertTrue(missing.err().contains("[WARN] the build image has no /app/obj"), missing.err());
        assertFalse(repo.exists("obj"));
        assertNothingLeftBehind();
    }

    @Test
    void anInterpretedLanguageCopiesNothing() throws IOException {
        repo.write("component.json", repo.componentJson("\"0\"", "\"language\": \"python\""));
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nWORKDIR /app\nCOPY dependencies.txt ./\n");
        Harness.Result result = repo.run("build.java");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("no outputs to copy"), result.err());
        assertFalse(repo.exists(".pipkit-outputs") && !repo.read(".pipkit-outputs").isBlank());
        assertFalse(repo.exists("obj"));
        assertNothingLeftBehind();
    }

    @org.junit.jupiter.api.Tag(Harness.STACK)
    @Test
    void aPrivateKeyReachesTheBuildAndNothingElse() throws IOException {
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAtestkeymaterialXYZ\n-----END OPENSSH PRIVATE KEY-----\n";
        repo.write(".dockerignore", "*\n!dependencies.txt\n!docker/id_rsa\n");
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nWORKDIR /app\nCOPY docker/id_rsa /tmp/id_rsa\n"
                + "RUN grep -q 'BEGIN OPENSSH' /tmp/id_rsa && rm /tmp/id_rsa\nRUN mkdir -p /app/obj && echo built > /app/obj/out.txt\n");
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj\"]"));
        String encoded = Base64.getEncoder().encodeToString(key.getBytes());
        Harness.Result result = repo.run(Map.of("GIT_PRIVATE_KEY", encoded), "build.java", "--verbose");
        assertEquals(0, result.exit(), result.all());
        assertEquals("built\n", repo.read("obj/out.txt"));
        assertFalse(result.all().contains("testkeymaterialXYZ") || result.all().contains(encoded), "the key was printed");
        assertNothingLeftBehind();

        assertTrue(result.err().contains("removing " + repo.image("1.0.0-0-build") + ": it holds the docker/id_rsa its Dockerfile copied in"), result.err());
        assertFalse(repo.images().contains(repo.image("1.0.0-0-build")), "the image that holds the key is not left behind");

        // a build that fails made no image: nothing to remove, and nothing said about it
        repo.write("docker/Dockerfile.build", repo.read("docker/Dockerfile.build") + "RUN false\n");
        Harness.Result failed = repo.run(Map.of("GIT_PRIVATE_KEY", encoded), "build.java");
        Harness.assertOneErrorLine(failed, 1, "docker build failed");
        assertFalse(failed.err().contains("[WARN]") && failed.err().contains("docker rmi") || failed.err().contains("removing " + repo.image("1.0.0-0-build")), failed.err());
        assertNothingLeftBehind();

        // no key anywhere: one clear line, not a crash
        Harness.Result missing = repo.run(Map.of("HOME", repo.dir.resolve("nohome").toString()), "build.java");
        Harness.assertOneErrorLine(missing, 2, "set GIT_PRIVATE_KEY");
        assertNothingLeftBehind();
    }

}
