import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * install.java adopting existing repositories, in this JVM: fixtures shaped like the Pip.Services
 * repositories of 2018 to 2022 (tests/fixtures/adopt-*), their ps1 scripts read, nothing of theirs
 * changed but the fields and lines the plan names.
 */
class InstallTest {
    Path target;

    @AfterEach
    void removeIt() {
        if (target != null) {
            Repository.delete(target);
        }
    }

    /** A copy of tests/fixtures/NAME to adopt. */
    Path fixture(String name) throws IOException {
        target = Files.createTempDirectory("pipkit-adopt-");
        Harness.exec(List.of("cp", "-r", Harness.ROOT.resolve("tests/fixtures/" + name) + "/.", target.toString()));
        return target;
    }

    static Harness.Result install(String... args) {
        return Harness.inProcess(new Install(), Map.of(), new Harness.Recorder(), args);
    }

    /** Every file under DIR with its content, but the kit's own files (the scripts, lib/, jbang). */
    static Map<String, String> theirs(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path file : tree.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(file).toString();
                if (!Install.KIT_FILES.contains(name) && !name.startsWith("lib/")) {
                    files.put(name, Files.readString(file));
                }
            }
        }
        return files;
    }

    @Test
    void aJavaServiceOf2018KeepsItsDockerSetGetsItsSmokeRouteAndALibThatGitSees() throws IOException {
        Path repo = fixture("adopt-java-2018");
        Map<String, String> before = theirs(repo);
        Harness.Result plan = install("--dry-run", repo.toString());
        assertEquals(0, plan.exit(), plan.all());
        assertEquals(before, theirs(repo), "a dry run changed the repository");
        String out = plan.out();
        assertTrue(out.contains("\"smoke\": [{\"method\": \"POST\", \"route\": \"/v1/greetings/greet\"}]") && out.contains("from package.ps1:11:"), out);
        assertFalse(out.contains("/v1/greetings/list"), "a commented line is no request: " + out);
        assertTrue(out.contains("build.ps1 copied /app/lib into lib/, the kit's own folder: the kit copies it to dist/lib"), out);
        assertTrue(out.contains("build.java copies /app/obj:obj, /app/lib:dist/lib out of the build image (java's defaults)"), out);
        assertTrue(out.contains("publish.ps1 pushed only <version>-<build>-rc: ./jbang publish.java --tags rc"), out);
        assertTrue(out.contains("the password on docker login's command line") && out.contains("a token in the git remote's URL"), out);
        assertTrue(out.contains("test.ps1 ended with exit code 0 whatever the tests did"), out);
        assertTrue(out.contains("build.ps1 named its image <version>-build"), out);

        Harness.Result done = install(repo.toString());
        assertEquals(0, done.exit(), done.all());
        Map<String, String> after = theirs(repo);
        for (String file : List.of("docker/Dockerfile", "docker/Dockerfile.build", "docker/docker-compose.yml", "build.ps1", "package.ps1")) {
            assertEquals(before.get(file), after.get(file), file + " changed");
        }
        assertEquals(before.get("component.json").replace("\"build\": \"0\"\n", "\"build\": \"0\",\n    \"smoke\": [{\"method\": \"POST\", \"route\": \"/v1/greetings/greet\"}]\n"),
                after.get("component.json"), "only the field is added, in the file's own layout");
        List<String> rules = Files.readAllLines(repo.resolve(".gitignore"));
        assertTrue(rules.containsAll(List.of("/lib", "!/lib/", "/.pipkit-*", "/dist/lib/")), rules.toString());
        assertFalse(Migration.ignored(rules, "lib", true) || Migration.ignored(rules, "lib/Kit.java", false), "the kit's lib/ is committed");
        assertTrue(Migration.ignored(rules, "obj", true) && Migration.ignored(rules, "dist/lib", true) && Migration.ignored(rules, ".pipkit-outputs", false));
        assertTrue(Files.isExecutable(repo.resolve("build.java")) && Files.exists(repo.resolve("lib/Kit.java")) && Files.exists(repo.resolve("lib/Migration.java")));
        Component.read(repo);

        Harness.Result again = install("--dry-run", repo.toString());
        assertEquals(0, again.exit(), again.all());
        assertTrue(again.out().contains("# component.json: left as it is") && !again.out().contains("cat >> "), "a second adoption adds nothing: " + again.out());
    }

    @Test
    void aGoServiceOf2020KeepsItsOutputsProbeAndTestRoute() throws IOException {
        Path repo = fixture("adopt-go-2020");
        Harness.Result plan = install("--dry-run", repo.toString());
        assertEquals(0, plan.exit(), plan.all());
        String out = plan.out();
        assertTrue(out.contains("\"outputs\": [\"/go/src/app/app:exe/app\"] (the copies of build.ps1)"), out);
        assertTrue(out.contains("./jbang package.java --port 8081 --route /health probes as package.ps1 did"), out);
        assertTrue(out.contains("package.java POSTs to component.json's \"test_route\""), out);
        assertFalse(out.contains("test.ps1 ended with exit code 0"), "this one passed the code on: " + out);
        assertFalse(out.contains("\"smoke\""), out);
        assertEquals(0, install(repo.toString()).exit());
        assertEquals(List.of(new Outputs.Output("/go/src/app/app", "exe/app")), Outputs.plan(Harness.scriptRun(repo, true), Component.read(repo), null, "").list,
                "build.java copies what build.ps1 copied");
    }

    @Test
    void aNodeServiceOf2022IsTheKitsFormAndItsHazardsAreNamed() throws IOException {
        Path repo = fixture("adopt-node-2022");
        Map<String, String> before = theirs(repo);
        Harness.Result plan = install("--dry-run", repo.toString());
        assertEquals(0, plan.exit(), plan.all());
        String out = plan.out();
        assertTrue(out.contains("package.java builds the release image as <version>-<build> and latest"), out);
        assertTrue(out.contains("package.java waits for GET http://DOCKER_IP:HTTP_PORT/heartbeat"), "the backtick form: " + out);
        assertTrue(out.contains("docker/Dockerfile copies docker/id_rsa into the release image, which is published: package.java refuses it."
                + " The shape of the fix: RUN --mount=type=secret,id=id_rsa"), out);
        assertTrue(out.contains("docker/Dockerfile copies the whole context, docker/ included, and .dockerignore does not leave out docker/id_rsa"), out);
        assertTrue(out.contains("a key or token written into docker/ and left there"), out);
        assertTrue(out.contains("an empty key or .npmrc written when the variable was not set: the kit needs GIT_PRIVATE_KEY or NPM_TOKEN set"), out);
        assertTrue(out.contains("docgen.ps1: no step of the kit does what it does; it stays as it is"), out);
        assertTrue(out.contains("# component.json: left as it is"), out);
        assertEquals(0, install(repo.toString()).exit());
        Map<String, String> after = theirs(repo);
        after.remove(".gitignore");
        before.remove(".gitignore");
        assertEquals(before, after, "nothing of the repository's but .gitignore");
        assertEquals(List.of("wallets:latest", "wallets:1.1.0-7").stream().map(image -> "pipdevs/" + image).toList(), Component.read(repo).releaseImages());
    }

    @Test
    void aRepositoryWhoseLibIsItsOwnOrWhoseFilesAreLinksIsRefusedWithOneLineAndNothingChanges() throws IOException {
        Path repo = fixture("adopt-dart");
        Map<String, String> before = theirs(repo);
        Harness.assertOneErrorLine(install(repo.toString()), 2, "lib/ in " + repo + " holds the repository's own files (lib/notes.dart)");
        assertEquals(before, theirs(repo));
        assertFalse(Files.exists(repo.resolve("build.java")));

        Repository.delete(repo.resolve("lib"));
        Path outside = Files.createTempFile("pipkit-adopt-outside-", "");
        try {
            Files.createSymbolicLink(repo.resolve(".gitignore"), outside);
            Harness.assertOneErrorLine(install(repo.toString()), 2, ".gitignore in " + repo + " is a symbolic link");
            assertEquals(0, Files.size(outside));
        } finally {
            Files.delete(outside);
        }
        Harness.assertOneErrorLine(install(Harness.ROOT.resolve("tests/fixtures/nowhere").toString()), 2, "is not a folder");
        Path empty = Files.createDirectories(repo.resolve("empty"));
        Harness.assertOneErrorLine(install(empty.toString()), 2, "a new repository needs --language");
    }

    @Test
    void theKitsOwnFilesAreNeverOverwrittenWithoutForceAndTheRepositorysNeverAreAtAll() throws IOException {
        target = Files.createTempDirectory("pipkit-adopt-");
        Path dir = Files.createDirectories(target.resolve("My Service"));
        Files.createDirectories(dir.resolve("docker"));
        Files.writeString(dir.resolve("docker/Dockerfile"), "FROM mine\n");
        Files.writeString(dir.resolve("build.java"), "mine\n");
        Harness.assertOneErrorLine(install("--language", "python", dir.toString()), 2, "would be overwritten: build.java (use --force");
        assertFalse(Files.exists(dir.resolve("lib")) || Files.exists(dir.resolve("component.json")), "nothing may be copied when the install is refused");

        Harness.Result dryRun = install("--language", "python", "--force", "--dry-run", dir.toString());
        assertEquals(0, dryRun.exit(), dryRun.all());
        assertTrue(dryRun.out().contains("# adopting " + dir), dryRun.out());
        assertFalse(Files.exists(dir.resolve("lib")) || Files.exists(dir.resolve("component.json")), "the dry run changed files");

        Harness.Result forced = install("--language", "python", "--force", dir.toString());
        assertEquals(0, forced.exit(), forced.all());
        assertEquals("FROM mine\n", Files.readString(dir.resolve("docker/Dockerfile")), "docker/ is the repository's: no template goes over it");
        assertFalse(Files.exists(dir.resolve(".dockerignore")));
        assertTrue(Files.isExecutable(dir.resolve("build.java")) && Files.exists(dir.resolve("lib/Component.java")));
        String component = Files.readString(dir.resolve("component.json"));
        assertTrue(component.contains("\"name\": \"my-service\"") && component.contains("\"language\": \"python\""), "a component.json where there was none: " + component);

        Files.writeString(dir.resolve("component.json"), "{\"name\": \"kept\", \"version\": \"2.0.0\", \"extra\": 1}\n");
        assertEquals(0, install("--language", "go", "--force", dir.toString()).exit());
        assertEquals("{\"name\": \"kept\", \"version\": \"2.0.0\", \"extra\": 1}\n", Files.readString(dir.resolve("component.json")));
        Harness.assertOneErrorLine(install("--language", "cobol", dir.toString()), 2, "--language must be one of");

        // a new repository gets the language's docker/ set too
        Path fresh = Files.createDirectories(target.resolve("fresh"));
        assertEquals(0, install("--language", "node", "--name", "fresh", fresh.toString()).exit());
        assertTrue(Files.readString(fresh.resolve("docker/Dockerfile.build")).contains("FROM node:") && Files.exists(fresh.resolve(".dockerignore")));
    }

    @Test
    void gitignoreRulesAreReadAsGitReadsThem() {
        List<String> rules = List.of("# comment", "/lib", "obj/", "*.log", "build/**/out", "!keep.log", "/docs/*.md");
        assertTrue(Migration.ignored(rules, "lib", true) && Migration.ignored(rules, "lib/Kit.java", false), "/lib and what is under it");
        assertFalse(Migration.ignored(rules, "src/lib", true), "anchored at the root");
        assertTrue(Migration.ignored(rules, "src/obj", true) && !Migration.ignored(rules, "obj", false), "obj/ is a folder anywhere, not a file");
        assertTrue(Migration.ignored(rules, "a/b.log", false) && !Migration.ignored(rules, "keep.log", false), "the last matching rule wins");
        assertTrue(Migration.ignored(rules, "build/x/y/out", false) && Migration.ignored(rules, "docs/a.md", false) && !Migration.ignored(rules, "docs/x/a.md", false));
        assertFalse(Migration.ignored(List.of("/lib", "!/lib/"), "lib/Kit.java", false), "re-included");
    }
}
