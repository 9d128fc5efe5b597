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

    /** install.java --upgrade in this JVM from the kit's folder, git real (the kit's commit, its history). */
    static Harness.Result upgrade(String... args) {
        return Harness.inProcess(new Install(), Map.of(), Commands.PROCESSES, Kit.join(List.of("--upgrade"), List.of(args)).toArray(String[]::new));
    }

    /** A repository (a component.json, a docker/ file, a source) with this kit installed as install.java puts it, its record included. */
    Path installed(String name) throws IOException {
        if (target == null) {
            target = Files.createTempDirectory("pipkit-upgrade-");
        }
        Path dir = Files.createDirectories(target.resolve(name));
        Files.writeString(dir.resolve("component.json"), "{\"name\": \"" + name + "\", \"version\": \"1.0.0\", \"build\": \"0\", \"language\": \"node\"}\n");
        Files.createDirectories(dir.resolve("docker"));
        Files.writeString(dir.resolve("docker/Dockerfile"), "FROM node:20\n");
        Files.writeString(dir.resolve("index.js"), "console.log('hi')\n");
        Harness.Result result = install(dir.toString());
        assertEquals(0, result.exit(), result.all());
        return dir;
    }

    /** Every file under DIR with its content. */
    static Map<String, String> everything(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path file : tree.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }

    /** DIR's lib/kit.json as an earlier kit would have written it: release VERSION, FILE's hash as it is now (as installed), DROPPED left out. */
    static void earlierRecord(Path dir, String version, String file, String dropped) throws IOException {
        Installed now = Installed.read(dir);
        Map<String, String> files = new TreeMap<>(now.files());
        if (file != null) {
            files.put(file, Installed.sha256(dir.resolve(file)));
        }
        if (dropped != null) {
            files.remove(dropped);
        }
        Files.writeString(dir.resolve(Installed.FILE), new Installed(version, "", files).json());
    }

    @Test
    void anInstallRecordsTheKitAndAnUpgradeAddsReplacesAndRemovesOnlyTheKitsFiles() throws IOException {
        Path dir = installed("svc");
        Installed record = Installed.read(dir);
        assertEquals(Installed.VERSION, record.version());
        assertEquals(Installed.sha256(Harness.ROOT.resolve("lib/Kit.java")), record.files().get("lib/Kit.java"));
        assertTrue(record.files().containsKey("build.java") && !record.files().containsKey("install.java") && !record.files().containsKey(Installed.FILE));

        // as an earlier kit left it: an older lib/Step.java, a helper it had and this one has not, none of lib/Probe.java yet
        Files.writeString(dir.resolve("lib/Step.java"), "// the earlier kit's Step\n");
        Files.writeString(dir.resolve("lib/Gone.java"), "// a helper of the earlier kit\n");
        Files.delete(dir.resolve("lib/Probe.java"));
        earlierRecord(dir, "0.1.0", "lib/Step.java", "lib/Probe.java");
        Files.writeString(dir.resolve(Installed.FILE), Files.readString(dir.resolve(Installed.FILE)).replace("\"files\": {",
                "\"files\": {\n        \"lib/Gone.java\": \"" + Installed.sha256("// a helper of the earlier kit\n".getBytes()) + "\","));
        Files.writeString(dir.resolve("lib/notes.txt"), "the repository's own\n");
        Map<String, String> before = everything(dir);

        Harness.Result plan = upgrade("--dry-run", dir.toString());
        assertEquals(0, plan.exit(), plan.all());
        assertEquals(before, everything(dir), "a dry run changes nothing");
        assertTrue(plan.out().contains("cp lib/Step.java " + dir.resolve("lib/Step.java")) && plan.out().contains("cp lib/Probe.java ")
                && plan.out().contains("rm " + dir.resolve("lib/Gone.java")), plan.out());

        Harness.Result done = upgrade(dir.toString());
        assertEquals(0, done.exit(), done.all());
        assertTrue(done.out().matches("(?s).*\\n" + java.util.regex.Pattern.quote(dir.toString()) + " +0\\.1\\.0 \\(commit unknown\\) +" + java.util.regex.Pattern.quote(Installed.VERSION)
                + " \\(commit [0-9a-z]+\\) +3 +-\\n.*"), "the table: repository, from, to, changed, refused: " + done.out());
        for (String file : List.of("lib/Step.java", "lib/Probe.java", "lib/Kit.java", "build.java", "jbang")) {
            assertEquals(-1, Files.mismatch(Harness.ROOT.resolve(file), dir.resolve(file)), file);
        }
        assertFalse(Files.exists(dir.resolve("lib/Gone.java")), "what this kit no longer has goes");
        Map<String, String> after = everything(dir);
        for (String file : List.of("component.json", "docker/Dockerfile", "index.js", "lib/notes.txt")) {
            assertEquals(before.get(file), after.get(file), file + " is the repository's");
        }
        assertEquals(Installed.VERSION, Installed.read(dir).version());
        assertEquals(Installed.sha256(Harness.ROOT.resolve("lib/Step.java")), Installed.read(dir).files().get("lib/Step.java"), "the record follows");

        Harness.Result again = upgrade(dir.toString());
        assertEquals(0, again.exit(), again.all());
        assertEquals(after, everything(dir), "an upgraded repository is left as it is");
    }

    /** The kit as commit 502911d had it (release 0.1.0, before lib/kit.json), installed by its own install.java, upgraded by this one, then built. */
    @Test
    @org.junit.jupiter.api.Tag(Harness.ENGINE)
    void aRepositoryWithTheKitOfAnEarlierCommitIsUpgradedAndBuilds() throws IOException {
        Harness repo = Harness.tiny();
        Path earlier = Files.createTempDirectory("pipkit-earlier-kit-");
        try {
            var archive = Harness.exec(List.of("sh", "-c", "git -C \"$1\" archive 502911d | tar -x -C \"$2\"", "sh", Harness.ROOT.toString(), earlier.toString()));
            assertEquals(0, archive.getExitValue(), "this kit's history holds commit 502911d (a clone with its history): " + archive.outputUTF8());
            for (String file : Kit.join(Install.KIT_FILES, List.of("lib", "install.java"))) {
                Repository.delete(repo.dir.resolve(file));
            }
            var installed = Harness.exec(List.of("sh", "-c", "cd \"$1\" && ./jbang install.java \"$2\"", "sh", earlier.toString(), repo.dir.toString()));
            assertEquals(0, installed.getExitValue(), installed.outputUTF8());
            assertEquals("pipkit 0.1.0", repo.run("build.java", "--version").out().strip(), "the earlier kit is in place");

            Harness.Result upgraded = upgrade(repo.dir.toString());
            assertEquals(0, upgraded.exit(), upgraded.all());
            assertTrue(upgraded.out().contains("kit 0.1.0 (no record) -> " + Installed.VERSION), upgraded.out());
            for (String file : Kit.join(Install.KIT_FILES, List.of("lib/Kit.java", "lib/Installed.java", "lib/Trust.java"))) {
                assertEquals(-1, Files.mismatch(Harness.ROOT.resolve(file), repo.dir.resolve(file)), file);
            }
            Harness.assertVersion(repo.run("build.java", "--version").out().strip());
            Harness.Result built = repo.run("build.java");
            assertEquals(0, built.exit(), built.all());
        } finally {
            repo.cleanUp();
            Repository.delete(earlier);
        }
    }

    @Test
    void aKitFileEditedSinceItWasInstalledIsShownAndKeptWithItsWholeKitUnlessForced() throws IOException {
        Path edited = installed("edited");
        Path plain = installed("plain");
        Files.writeString(edited.resolve("build.java"), Files.readString(edited.resolve("build.java")) + "// a local change\n");
        Files.writeString(edited.resolve("lib/Step.java"), "// the earlier kit's Step\n");
        earlierRecord(edited, "0.1.0", "lib/Step.java", null);
        Files.writeString(plain.resolve("lib/Step.java"), "// the earlier kit's Step\n");
        earlierRecord(plain, "0.1.0", "lib/Step.java", null);
        Map<String, String> before = everything(edited);

        Harness.Result refused = upgrade(edited.toString(), plain.toString());
        assertEquals(1, refused.exit(), refused.all());
        assertTrue(refused.out().contains("+// a local change"), "the edit, as a diff: " + refused.out());
        assertTrue(refused.out().matches("(?s).*\\n" + java.util.regex.Pattern.quote(edited.toString()) + " +0\\.1\\.0 \\(commit unknown\\) +- +0 +build\\.java\\n.*"), refused.out());
        assertTrue(refused.err().contains("1 of 2 repositories kept their kit") && refused.err().contains("--force"), refused.err());
        assertEquals(before, everything(edited), "the edited repository keeps its whole kit, the older lib/Step.java too");
        assertEquals(-1, Files.mismatch(Harness.ROOT.resolve("lib/Step.java"), plain.resolve("lib/Step.java")), "the other one is upgraded");

        Harness.Result forced = upgrade("--force", edited.toString());
        assertEquals(0, forced.exit(), forced.all());
        assertEquals(-1, Files.mismatch(Harness.ROOT.resolve("build.java"), edited.resolve("build.java")));
    }

    @Test
    void aKitFromBeforeTheRecordIsKnownByTheKitsOwnHistory() throws IOException {
        Path dir = installed("old");
        Files.delete(dir.resolve(Installed.FILE));
        // lib/Step.java as a commit of this kit had it: a file the kit shipped, whatever its age
        String earlier = Harness.exec(List.of("git", "-C", Harness.ROOT.toString(), "show", "0219dbd:lib/Step.java")).outputUTF8();
        assertTrue(earlier.contains("record Step"), "this kit's history holds commit 0219dbd (a clone with its history): " + earlier);
        Files.writeString(dir.resolve("lib/Step.java"), earlier);
        Files.writeString(dir.resolve("lib/Kit.java"), Files.readString(dir.resolve("lib/Kit.java")).replace("\"pipkit \" + Installed.VERSION", "\"pipkit 0.1.0\""));
        Files.writeString(dir.resolve("lib/Mine.java"), "// the repository's own, in lib/\n");
        Files.delete(dir.resolve("lib/Installed.java"));   // which came with the record

        Harness.Result done = upgrade(dir.toString());
        assertEquals(1, done.exit(), done.all());
        assertTrue(done.out().contains("0.1.0 (no record)"), done.out());
        assertTrue(done.out().matches("(?s).*\\n" + java.util.regex.Pattern.quote(dir.toString()) + " .* lib/Kit\\.java\\n.*"),
                "lib/Kit.java with its version changed by hand is no file the kit shipped: " + done.out());
        Files.writeString(dir.resolve("lib/Kit.java"), Files.readString(Harness.ROOT.resolve("lib/Kit.java")));
        Harness.Result upgraded = upgrade(dir.toString());
        assertEquals(0, upgraded.exit(), upgraded.all());
        assertTrue(upgraded.out().contains("lib/Mine.java is no file a kit shipped: the repository's, left as it is"), upgraded.out());
        assertEquals(-1, Files.mismatch(Harness.ROOT.resolve("lib/Step.java"), dir.resolve("lib/Step.java")), "a version the kit shipped is replaced");
        assertTrue(Files.exists(dir.resolve("lib/Installed.java")), "and what the earlier kit did not have is added");
        assertEquals("// the repository's own, in lib/\n", Files.readString(dir.resolve("lib/Mine.java")));
        assertEquals(Installed.VERSION, Installed.read(dir).version());
    }

    @Test
    void aGitignoreThatHidesLibIsPutRightAndTwentyRepositoriesGoInOneCall() throws IOException {
        List<String> dirs = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path dir = installed("svc-" + i);
            Files.writeString(dir.resolve("lib/Step.java"), "// the earlier kit's Step\n");
            earlierRecord(dir, "0.1.0", "lib/Step.java", null);
            dirs.add(dir.toString());
        }
        Path hiding = Path.of(dirs.get(7));
        Files.writeString(hiding.resolve(".gitignore"), "node_modules\n/lib\n");
        Harness.Result done = upgrade(dirs.toArray(String[]::new));
        assertEquals(0, done.exit(), done.all());
        assertEquals(21, done.out().lines().filter(line -> line.startsWith("repository ") || line.startsWith(target.toString())).count(), done.out());
        for (String dir : dirs) {
            assertEquals(-1, Files.mismatch(Harness.ROOT.resolve("lib/Step.java"), Path.of(dir, "lib/Step.java")), dir);
        }
        List<String> rules = Files.readAllLines(hiding.resolve(".gitignore"));
        assertTrue(rules.contains("!/lib/") && !Migration.ignored(rules, "lib/Kit.java", false), "git sees the kit's lib/ again: " + rules);
        assertTrue(done.err().contains("upgraded 20 repositories") && !done.err().contains("[ERROR]"), done.err());
    }

    @Test
    void notARepositoryNoKitANewerKitOrALinkIsBadInputAndNothingChanges() throws IOException {
        Path good = installed("good");
        Files.writeString(good.resolve("lib/Step.java"), "// the earlier kit's Step\n");
        earlierRecord(good, "0.1.0", "lib/Step.java", null);
        Map<String, String> before = everything(good);
        Path empty = Files.createDirectories(target.resolve("empty"));
        Harness.assertOneErrorLine(upgrade(good.toString(), empty.toString()), 2, "is not a microservice repository (a folder with a component.json)");
        Files.writeString(empty.resolve("component.json"), "{\"name\": \"bare\", \"version\": \"1.0.0\"}\n");
        Harness.assertOneErrorLine(upgrade(good.toString(), empty.toString()), 2, "has no kit to upgrade");
        Path newer = installed("newer");
        earlierRecord(newer, "9.0.0", null, null);
        Harness.assertOneErrorLine(upgrade(good.toString(), newer.toString()), 2, "has kit 9.0.0, newer than this one (" + Installed.VERSION + ")");
        Path linked = installed("linked");
        Files.delete(linked.resolve("lib/Step.java"));
        Files.createSymbolicLink(linked.resolve("lib/Step.java"), good.resolve("index.js"));
        Harness.assertOneErrorLine(upgrade(good.toString(), linked.toString()), 2, "lib/Step.java in " + linked + " is or passes through a symbolic link");
        Files.writeString(newer.resolve(Installed.FILE), "{\"version\": \"1.0\", \"files\": {\"../../outside\": \"" + "0".repeat(64) + "\"}}");
        Harness.assertOneErrorLine(upgrade(good.toString(), newer.toString()), 2, "is not the kit's record");
        assertEquals(before, everything(good), "no repository changed, the good one neither");
        Harness.assertOneErrorLine(upgrade("--language", "go", good.toString()), 2, "--upgrade changes only the kit's files");
        Harness.assertOneErrorLine(install(), 2, "Missing required parameter: 'TARGET' (see --help)");
        Harness.assertOneErrorLine(install(good.toString(), newer.toString()), 2, "--upgrade takes several");
    }

    @Test
    void anUpgradeNeverRemovesOrWritesThroughWhatIsNotTheKits() throws IOException {
        // a record that names the repository's own files: not the kit's record
        Path named = installed("named");
        Map<String, String> files = new TreeMap<>(Installed.read(named).files());
        files.put("component.json", Installed.sha256(named.resolve("component.json")));
        Files.writeString(named.resolve(Installed.FILE), new Installed("0.1.0", "", files).json());
        Harness.assertOneErrorLine(upgrade(named.toString()), 2, "is not the kit's record");
        // a record whose commit is short: the same
        Files.writeString(named.resolve(Installed.FILE), new Installed("0.1.0", "abcdef1", Installed.read(installed("short")).files()).json());
        Harness.assertOneErrorLine(upgrade(named.toString()), 2, "is not the kit's record");
        assertTrue(Files.exists(named.resolve("component.json")));

        // a kit from before the record: what lib/ holds besides the kit's shapes, or a content the kit shipped under another name, stays
        Path old = installed("old");
        Files.delete(old.resolve(Installed.FILE));
        Files.writeString(old.resolve("lib/.gitkeep"), "");
        Files.writeString(old.resolve("lib/notes.txt"), Files.readString(Harness.ROOT.resolve("templates/node/.dockerignore")));
        Files.writeString(old.resolve("lib/Other.java"), Harness.exec(List.of("git", "-C", Harness.ROOT.toString(), "show", "0219dbd:lib/Step.java")).outputUTF8());
        Harness.Result done = upgrade(old.toString());
        assertEquals(0, done.exit(), done.all());
        assertTrue(Files.exists(old.resolve("lib/.gitkeep")) && Files.exists(old.resolve("lib/notes.txt")) && Files.exists(old.resolve("lib/Other.java")), done.out());
        assertTrue(done.out().contains("lib/Other.java is no file a kit shipped"), done.out());

        // a .gitignore that is not UTF-8, or a hard link, is bad input before anything changes; a hard-linked record is replaced, never written through
        Path plain = installed("plain");
        earlierRecord(plain, "0.1.0", null, null);
        Map<String, String> before = everything(plain);
        Path latin = installed("latin");
        Files.write(latin.resolve(".gitignore"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        Harness.assertOneErrorLine(upgrade(plain.toString(), latin.toString()), 2, ".gitignore in " + latin + " is not UTF-8 text");
        Path outside = Files.writeString(target.resolve("outside.txt"), "not the repository's\n");
        Files.delete(latin.resolve(".gitignore"));
        Files.createLink(latin.resolve(".gitignore"), outside);
        Harness.assertOneErrorLine(upgrade(plain.toString(), latin.toString()), 2, ".gitignore in " + latin + " is a hard link");
        assertEquals(before, everything(plain), "nothing changed in the other repository either");
        Files.delete(latin.resolve(".gitignore"));
        Files.delete(latin.resolve(Installed.FILE));
        Files.createLink(latin.resolve(Installed.FILE), outside);
        Files.writeString(outside, new Installed("0.1.0", "", Map.of()).json().replace("\"files\": {\n    }", "\"files\": {}"));
        String outsideBefore = Files.readString(outside);
        Harness.Result linked = upgrade(latin.toString());
        assertEquals(0, linked.exit(), linked.all());
        assertEquals(outsideBefore, Files.readString(outside), "the record was replaced, not written through its hard link");
        assertEquals(Installed.VERSION, Installed.read(latin).version());
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
