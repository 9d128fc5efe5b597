import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trusted-kit mode and the CI's pins: a kit run from outside the repository gives no credential
 * to what the repository names, and no git the kit starts runs a program the repository's git
 * configuration names. In this JVM, docker recorded, git real.
 */
class TrustTest {
    static final String TOKEN = "ghp_Trust-Secret-Token-0042";
    Harness repo;
    /** A program the repository's configuration names: it leaves a file where it ran. */
    Path marker;
    Path evil;
    Harness.Recorder recorder = new Harness.Recorder().really("git ");

    @BeforeEach
    void aCopyOfTheSample() throws IOException {
        repo = Harness.copy();
        marker = repo.outside().resolve("ran");
        evil = repo.outside().resolve("evil.sh");
        Files.writeString(evil, "#!/bin/sh\ntouch '" + marker + "'\nexit 1\n");
        evil.toFile().setExecutable(true);
    }

    @AfterEach
    void removeIt() throws IOException {
        repo.deleteFolders();
    }

    /** COMMAND on the copy, run as a kit from elsewhere (TRUSTED) or as the copy's own. */
    Harness.Result run(boolean trusted, Object command, Map<String, String> environment, String... args) {
        Map<String, String> all = new HashMap<>(environment);
        all.put(Trust.KIT_FOLDER, trusted ? Harness.ROOT.toString() : repo.dir.toString());
        List<String> arguments = new ArrayList<>(List.of("-C", repo.dir.toString()));
        arguments.addAll(List.of(args));
        return Harness.inProcess(command, all, recorder, arguments.toArray(String[]::new));
    }

    /** The commands that changed something or would have: docker login, push, build; git tag, push. */
    List<String> changes() {
        return recorder.commands.stream().map(command -> String.join(" ", command))
                .filter(line -> line.matches("docker (login|push|build|buildx).*|git .*(tag --annotate|push).*")).toList();
    }

    @Test
    void aTrustedKitRunsItselfAndSaysSoWhenTheRepositoryHoldsAnotherKit() throws IOException {
        Harness.Result same = run(true, new Build(), Map.of(), "--dry-run");
        assertEquals(0, same.exit(), same.all());
        assertFalse(same.all().contains("this kit runs"), "the repository's copy is this kit: nothing to say: " + same.all());
        repo.write("lib/Step.java", "this would not even compile\n");
        repo.write("build.java", "class Build { }\n");
        for (Harness.Result other : List.of(run(true, new Build(), Map.of(), "--dry-run"), run(true, new Build(), Map.of()))) {
            assertTrue(other.err().contains("==> this kit runs, " + Installed.VERSION + " (commit ") && other.err().contains(" from " + Harness.ROOT + "; the repository's own ("
                    + Installed.VERSION + " (no record), 2 files differ) is not read"), other.all());
        }
        assertFalse(run(false, new Build(), Map.of(), "--dry-run").all().contains("this kit runs"), "the repository's own kit says nothing of itself");
        // as install.java leaves a repository: no install.java, a record with a short commit (a hostile one): the same kit, nothing to say, no crash
        repo.write("lib/Step.java", Files.readString(Harness.ROOT.resolve("lib/Step.java")));
        repo.write("build.java", Files.readString(Harness.ROOT.resolve("build.java")));
        Files.delete(repo.dir.resolve("install.java"));
        Harness.Result installed = run(true, new Build(), Map.of(), "--dry-run");
        assertEquals(0, installed.exit(), installed.all());
        assertFalse(installed.all().contains("this kit runs"), installed.all());
        repo.write(Installed.FILE, "{\"version\": \"0.1.0\", \"commit\": \"abcdef1\", \"files\": {}}");
        assertEquals(0, run(true, new Build(), Map.of(), "--dry-run").exit(), "a record the kit cannot read changes nothing of the run");
    }

    @Test
    void withoutTheWrapperAKitRunFromItsOwnFolderOnAnotherIsTrusted() {
        // jbang.cmd (Windows) tells the kit nothing: `cd pipkit`, then `jbang.cmd build.java -C ..\app` (docs/safety.md)
        assertTrue(Trust.of(repo.dir, Map.of()).trustedKit, "the repository is not the current folder");
        assertFalse(Trust.of(Path.of("").toAbsolutePath(), Map.of()).trustedKit, "the current folder's own kit");
        assertFalse(Trust.of(repo.dir, Map.of(Trust.KIT_FOLDER, repo.dir.toString())).trustedKit, "the wrapper says the kit is the repository's");
    }

    @Test
    void aTrustedKitLogsInAndPushesOnlyWhereTheCiPinned() {
        Map<String, String> login = Map.of("DOCKER_USER", "ci", "DOCKER_PASS", "pass-0042");
        Harness.Result unpinned = run(true, new Publish(), login, "--tags", "rc");
        Harness.assertOneErrorLine(unpinned, 2, "PIPKIT_REGISTRY is not set: publish.java pushes nothing");
        Harness.Result elsewhere = run(true, new Publish(), Map.of("DOCKER_USER", "ci", "DOCKER_PASS", "pass-0042", "PIPKIT_REGISTRY", "ghcr.io/acme"), "--tags", "rc");
        Harness.assertOneErrorLine(elsewhere, 2, repo.registry + "/" + repo.name + " is not under PIPKIT_REGISTRY=ghcr.io/acme");
        // the same in the repository's own kit: a pin, once set, holds there too
        Harness.assertOneErrorLine(run(false, new Publish(), Map.of("PIPKIT_REGISTRY", "ghcr.io/acme"), "--tags", "rc"), 2, "is not under PIPKIT_REGISTRY");
        assertEquals(List.of(), changes(), "nothing was logged in to, built or pushed");

        Harness.Result pinned = run(true, new Publish(), Map.of("DOCKER_USER", "ci", "DOCKER_PASS", "pass-0042", "PIPKIT_REGISTRY", repo.registry), "--tags", "rc");
        assertEquals(0, pinned.exit(), pinned.all());
        assertEquals(List.of("docker login " + repo.registry + " --username ci --password-stdin", "docker push " + repo.image("1.0.0-0-rc")), changes());
    }

    @Test
    void aForksCacheSettingPushesNothingUnpinned() throws IOException {
        repo.write("component.json", repo.componentJson("\"0\"", "\"cache\": true"));
        Harness.Result unpinned = run(true, new Build(), Map.of(), "--dry-run");
        assertEquals(0, unpinned.exit(), unpinned.all());
        assertTrue(unpinned.all().contains("PIPKIT_REGISTRY is not set: the build cache is off, nothing is pushed"), unpinned.all());
        assertFalse(unpinned.out().contains("cache"), unpinned.out());

        Harness.Result own = run(false, new Build(), Map.of(), "--dry-run");
        assertTrue(own.out().contains(":cache-build"), "the repository's own kit keeps its cache: " + own.out());
        Harness.Result pinned = run(true, new Build(), Map.of("PIPKIT_REGISTRY", repo.registry), "--dry-run");
        assertTrue(pinned.out().contains(":cache-build"), pinned.out());
    }

    // ---- git ------------------------------------------------------------------------------------

    /** The copy as a git repository with one commit, its user set. */
    void aGitRepository() {
        TagTest.git(repo.dir, "init", "--quiet");
        TagTest.git(repo.dir, "config", "user.email", "t@t");
        TagTest.git(repo.dir, "config", "user.name", "t");
        TagTest.git(repo.dir, "add", "--all");
        TagTest.git(repo.dir, "commit", "--quiet", "-m", "first");
    }

    @Test
    void aPartialClonesLazyFetchStartsNoProgramOfTheRepositorys() throws IOException {
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj:obj\"]"));
        repo.write("obj/index.js", "module.exports = 1;\n");
        aGitRepository();
        // obj/'s tree "not fetched yet" from a promisor remote whose upload-pack is the repository's program
        String tree = TagTest.git(repo.dir, "rev-parse", "HEAD:obj");
        repo.write("obj/new.js", "2\n");
        TagTest.git(repo.dir, "add", "obj/new.js");
        Files.delete(repo.dir.resolve(".git/objects/" + tree.substring(0, 2) + "/" + tree.substring(2)));
        for (String setting : List.of("core.repositoryformatversion=1", "extensions.partialClone=origin", "remote.origin.promisor=true",
                "remote.origin.url=" + repo.outside(), "remote.origin.uploadpack=" + evil, "protocol.file.allow=always", "core.sshCommand=" + evil)) {
            TagTest.git(repo.dir, "config", setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        Harness.Result result = run(false, new Build(), Map.of(), "--dry-run");
        Harness.assertOneErrorLine(result, 2, "obj already exists and was not copied out by an earlier build");
        assertFalse(Files.exists(marker), "git ran the repository's upload-pack");
    }

    @Test
    void theTokenGoesToThePinnedRemoteOnlyAndNoProgramOfTheRepositorysSeesIt() throws IOException {
        aGitRepository();
        Path pinned = repo.outside().resolve("pinned.git");
        Path redirected = repo.outside().resolve("redirected.git");
        TagTest.git(repo.outside(), "init", "--bare", "--quiet", pinned.toString());
        TagTest.git(repo.outside(), "init", "--bare", "--quiet", redirected.toString());
        Path hooks = repo.dir.resolve("hooks");
        Files.createDirectories(hooks);
        Files.copy(evil, hooks.resolve("pre-push"));
        Files.copy(evil, repo.dir.resolve(".git/hooks/pre-push"));
        for (String setting : List.of("core.hooksPath=" + hooks, "url." + redirected + ".pushInsteadOf=" + pinned, "url." + redirected + ".insteadOf=" + pinned,
                "tag.gpgSign=true", "tag.forceSignAnnotated=true", "gpg.program=" + evil, "remote.origin.url=" + redirected, "core.sshCommand=" + evil)) {
            TagTest.git(repo.dir, "config", setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        Map<String, String> ci = Map.of("GIT_TOKEN", TOKEN, "PIPKIT_GIT_REMOTE", "file://" + pinned);

        Harness.Result unpinned = run(true, new Tag(), Map.of("GIT_TOKEN", TOKEN));
        Harness.assertOneErrorLine(unpinned, 2, "PIPKIT_GIT_REMOTE is not set: tag.java pushes nothing");
        assertEquals("", TagTest.git(repo.dir, "tag", "--list"), "nothing was tagged");

        Harness.Result result = run(true, new Tag(), ci);
        assertEquals(0, result.exit(), result.all());
        assertEquals("v1.0.0-0", TagTest.git(pinned, "tag", "--list"), "the pinned remote has the tag");
        assertEquals("", TagTest.git(redirected, "tag", "--list"), "the repository's rewriting sent it elsewhere");
        assertFalse(Files.exists(marker), "a hook or gpg.program of the repository's ran");
        assertFalse(result.all().contains(TOKEN), result.all());
        assertTrue(recorder.commands.stream().filter(command -> command.contains("push")).allMatch(command -> command.get(1).startsWith("--git-dir=")),
                "the push runs in the kit's own git folder: " + recorder.commands);
    }

    @Test
    void theSummaryIsNeverWrittenThroughALinkOfTheRepositorys() throws IOException {
        Path target = repo.outside().resolve("runner-file");
        Files.writeString(target, "the runner's\n");
        Files.createSymbolicLink(repo.dir.resolve("pipeline.json"), target);
        Files.createSymbolicLink(repo.dir.resolve("reports"), repo.outside());
        for (String json : List.of("pipeline.json", "reports/runner-file")) {
            Harness.Result result = run(false, new Pipeline(), Map.of(), "--json", repo.dir.resolve(json).toString());
            Harness.assertOneErrorLine(result, 2, "--json " + json + " is or passes through a symbolic link");
        }
        assertEquals("the runner's\n", Files.readString(target));
        assertEquals(List.of(), changes(), "no step ran");
    }

    @Test
    void aProgramMissingOnceTheRunChangedSomethingIsAFailureNotBadInput() throws IOException {
        Commands.Exec noDocker = (command, environment, directory, out, err, input) -> {
            if (command.get(0).equals("docker")) {
                throw new IOException("docker not found");
            }
            return recorder.run(command, environment, directory, out, err, input);
        };
        Harness.Result result = Harness.inProcess(new Build(), Map.of(Trust.KIT_FOLDER, repo.dir.toString()), noDocker, "-C", repo.dir.toString());
        Harness.assertOneErrorLine(result, 1, "cannot run docker: is it installed and on PATH?");
    }

    @Test
    void aTrustedKitNeverTakesTheUsersKeyAndNoBuildGetsTheHostsNetwork() throws IOException {
        Path home = repo.outside().resolve("home");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), SafetyTest.KEY);
        repo.write("docker/Dockerfile.build", "FROM busybox:1.36\nARG PIPKIT_SECRET_URL\nRUN wget -qO /tmp/k \"$PIPKIT_SECRET_URL/id_rsa\" && rm /tmp/k\n");
        Harness.Result trusted = run(true, new Build(), Map.of("HOME", home.toString()), "--dry-run");
        Harness.assertOneErrorLine(trusted, 2, "GIT_PRIVATE_KEY is not set: a kit run from outside the repository never takes ~/.ssh/id_rsa");

        Harness.Result own = run(false, new Build(), Map.of("HOME", home.toString()), "--dry-run");
        assertEquals(0, own.exit(), own.all());
        assertTrue(own.out().contains("--build-arg PIPKIT_SECRET_URL") && !own.out().contains("--network"), own.out());
    }

    @Test
    void anOutputKeepsNoSetUserIdBitDeviceNodeOrFifo() throws Exception {
        Commands.Exec build = (command, environment, directory, out, err, input) -> {
            if (command.subList(0, 2).equals(List.of("docker", "cp"))) {
                Path to = directory.resolve(command.get(3));
                Files.createDirectories(to);
                var made = Harness.exec(List.of("sh", "-c", "cd '" + to + "' && mkdir bin && printf '#!/bin/sh\\n' > bin/tool && echo 1 > index.js"
                        + " && chmod 4755 bin/tool && chmod 2775 bin && mkfifo pipe && mknod null c 1 3"));
                assertEquals(0, made.getExitValue(), made.outputUTF8());
            }
            return recorder.run(command, environment, directory, out, err, input);
        };
        Harness.Result result = Harness.inProcess(new Build(), Map.of(Trust.KIT_FOLDER, repo.dir.toString()), build, "-C", repo.dir.toString(),
                "--output", "/app/obj:obj");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains("/app/obj held 2 device node(s), FIFO(s) or socket(s): not copied out"), result.err());
        assertEquals("1\n", repo.read("obj/index.js"));
        assertEquals(List.of("obj/bin/tool 755", "obj/bin 775"), List.of("obj/bin/tool", "obj/bin").stream()
                .map(path -> path + " " + Integer.toOctalString((int) uncheckedMode(repo.dir.resolve(path)) & 07777)).toList());
        assertFalse(Files.exists(repo.dir.resolve("obj/pipe"), java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.exists(repo.dir.resolve("obj/null"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    static int uncheckedMode(Path path) {
        try {
            return (int) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHardLinkedManifestIsNeitherPrintedNorEmptied() throws IOException {
        Path runners = repo.outside().resolve("runners-file");
        Files.writeString(runners, "runner-secret-line\n");
        Files.createLink(repo.dir.resolve(".pipkit-outputs"), runners);
        Commands.Exec build = (command, environment, directory, out, err, input) -> {
            if (command.subList(0, 2).equals(List.of("docker", "cp"))) {
                Files.createDirectories(directory.resolve(command.get(3)));
            }
            return recorder.run(command, environment, directory, out, err, input);
        };
        Harness.Result result = Harness.inProcess(new Build(), Map.of(Trust.KIT_FOLDER, repo.dir.toString()), build, "-C", repo.dir.toString(),
                "--output", "/app/obj:obj");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.err().contains(".pipkit-outputs is not a plain file (a link or a hard link?)"), result.err());
        assertFalse(result.all().contains("runner-secret-line"), result.all());
        assertEquals("runner-secret-line\n", Files.readString(runners));
    }

    @Test
    void thePathRuleKnowsTheAliasesOtherFileSystemsGiveReservedNames() {
        for (String alias : List.of("GIT~1/hooks/pre-commit", "COMPON~1.JSO", ".g\u200Cit/config", "\uFEFFlib/Kit.java", "\u017Frc/main", "\uFF4Cib/x", "DOCKER/Dockerfile")) {
            assertEquals(null, Repository.normal(alias), alias);
        }
        for (String fine : List.of("obj", "dist/lib", "caf\u00E9/out", "node_modules/~tilde")) {
            assertEquals(fine, Repository.normal(fine));
        }
    }

    @Test
    void cleanLeavesTheImagesAnotherFolderBuilt() {
        // tags the engine has: one built here, one by compose (no label), one built in another checkout
        String images = "docker images --format '{{.Tag}}' ";
        String repository = repo.registry + "/" + repo.name;
        recorder.answer(images + repository, "1.0.0-0-build\n1.0.0-0-test\n1.0.0-0-rc\n");
        recorder.answer(images + "--filter label=pipkit.folder " + repository, "1.0.0-0-build\n1.0.0-0-rc\n");
        recorder.answer(images + "--filter label=pipkit.folder=" + repo.dir + " " + repository, "1.0.0-0-build\n");
        Harness.Result result = run(false, new Clean(), Map.of(), "--dry-run");
        assertEquals(0, result.exit(), result.all());
        assertTrue(result.out().contains("docker rmi " + repo.image("1.0.0-0-build") + " " + repo.image("1.0.0-0-test") + "\n"), result.out());
    }

    /** Windows is not in this suite's reach: what jbang.cmd starts is checked as text. cmd.exe runs a bare name from the current folder first. */
    @Test
    void jbangCmdStartsNoProgramByABareName() throws IOException {
        String script = Files.readString(Harness.ROOT.resolve("jbang.cmd"));
        assertTrue(script.contains("set \"NoDefaultCurrentDirectoryInExePath=1\""), "cmd.exe still looks in the current folder");
        List<String> bare = script.lines().filter(line -> !line.startsWith("rem ")).filter(line -> line.matches("(?i)(\\s*|.*\\(')(where|powershell|java)(\\.exe)?\\s.*")).toList();
        assertEquals(List.of(), bare, "programs started by a bare name");
    }

    // ---- the property: random hostile repositories against every script, in both modes ---------

    static final int REPOSITORIES = 12;
    static final Map<String, String> SECRETS = Map.of("DOCKER_USER", "ci", "DOCKER_PASS", "hostile-docker-pass-4711", "GIT_TOKEN", "hostile-git-token-0815",
            "NPM_TOKEN", "hostile-npm-token-2342");

    /**
     * A repository a fork could send, built at random from what the audit found: links out (to a
     * runner's file, a device), hard links onto the kit's own files, a FIFO, a git configuration that
     * names programs (hooks, fsmonitor, upload-pack, ssh, gpg) and rewrites URLs, JBang settings, a
     * compose file that names another project's volume and network, a component.json that names
     * another registry, the cache, an output out of the repository. MARKER appears if a program of
     * its runs.
     */
    void hostile(java.util.Random random) throws IOException {
        Path precious = repo.outside().resolve("precious");
        List<String> extra = new ArrayList<>();
        if (random.nextBoolean()) {
            extra.add("\"cache\": true");
        }
        if (random.nextBoolean()) {
            extra.add("\"outputs\": [\"/app/obj:" + List.of("obj", "../escape", "reports/x", ".git/hooks").get(random.nextInt(4)) + "\"]");
        }
        String registry = random.nextBoolean() ? repo.registry : "ghcr.io/evil";
        repo.write("component.json", repo.componentJson("\"0\"", String.join(", ", extra)).replace(repo.registry, registry));
        Files.createSymbolicLink(repo.dir.resolve("reports"), repo.outside());
        if (random.nextBoolean()) {
            Files.createSymbolicLink(repo.dir.resolve("pipeline.json"), precious);
        }
        if (random.nextBoolean()) {
            Files.delete(repo.dir.resolve(".dockerignore"));
            Files.createSymbolicLink(repo.dir.resolve(".dockerignore"), random.nextBoolean() ? precious : Path.of("/dev/zero"));
        }
        String lock = List.of(".pipkit-build.lock", ".pipkit-test.lock", ".pipkit-clean.lock", ".pipkit-outputs").get(random.nextInt(4));
        if (random.nextBoolean()) {
            Files.createLink(repo.dir.resolve(lock), precious);
        } else if (random.nextBoolean()) {
            assertEquals(0, Harness.exec(List.of("mkfifo", repo.dir.resolve(lock).toString())).getExitValue());
        }
        repo.write("jbang.properties", "run.javaagent=" + evil + "\n");
        if (random.nextBoolean()) {
            repo.write("docker/docker-compose.test.yml", repo.read("docker/docker-compose.test.yml")
                    + "volumes:\n  data:\n    name: victim_data\nnetworks:\n  net:\n    name: victim_net\n");
        }
        aGitRepository();
        Files.createDirectories(repo.dir.resolve("hooks"));
        for (String hook : List.of("pre-push", "post-index-change", "reference-transaction", "post-checkout")) {
            Files.copy(evil, repo.dir.resolve("hooks/" + hook));
        }
        List<String> settings = new ArrayList<>(List.of("core.hooksPath=" + repo.dir.resolve("hooks"), "core.fsmonitor=" + evil, "core.sshCommand=" + evil,
                "remote.origin.uploadpack=" + evil, "remote.origin.receivepack=" + evil, "remote.origin.url=" + repo.outside().resolve("elsewhere.git"),
                "protocol.file.allow=always", "protocol.ext.allow=always", "tag.gpgSign=true", "gpg.program=" + evil, "core.pager=" + evil,
                "credential.helper=!" + evil, "core.askPass=" + evil, "diff.external=" + evil));
        java.util.Collections.shuffle(settings, random);
        for (String setting : settings.subList(0, 6 + random.nextInt(settings.size() - 6))) {
            TagTest.git(repo.dir, "config", setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
    }

    @Test
    void randomHostileRepositoriesAgainstEveryScriptInBothModes() throws Exception {
        java.util.Random random = new java.util.Random(Long.getLong("pipkit.seed", System.nanoTime()));
        long seed = random.nextLong();
        random.setSeed(seed);
        int runs = 0;
        int refused = 0;
        for (int i = 0; i < REPOSITORIES; i++) {
            repo.deleteFolders();
            repo = Harness.copy();
            marker = repo.outside().resolve("ran");
            evil = repo.outside().resolve("evil.sh");
            Files.writeString(evil, "#!/bin/sh\ntouch '" + marker + "'\nexit 1\n");
            evil.toFile().setExecutable(true);
            hostile(random);
            Map<String, String> outside = repo.outsideState();
            for (String script : List.of("build.java", "test.java", "package.java", "publish.java", "run.java", "clean.java", "tag.java", "pipeline.java")) {
                for (boolean trusted : List.of(true, false)) {
                    recorder = new Harness.Recorder().really("git ");
                    Map<String, String> environment = new HashMap<>(SECRETS);
                    if (random.nextBoolean()) {
                        environment.put("PIPKIT_REGISTRY", random.nextBoolean() ? repo.registry : "ghcr.io/acme");
                    }
                    // a real run of the steps that wait for a service would wait out their probe here, with nothing answering
                    boolean waits = List.of("package.java", "run.java", "pipeline.java").contains(script);
                    List<String> args = new ArrayList<>(waits || random.nextBoolean() ? List.of("--dry-run") : List.of());
                    if (script.equals("pipeline.java")) {
                        args.addAll(List.of("--publish", "--json", repo.dir.resolve("pipeline.json").toString()));
                    }
                    Object command = ScriptTest.SCRIPTS.get(script).get();
                    Harness.Result result = run(trusted, command, environment, args.toArray(String[]::new));
                    String what = "seed " + seed + ", repository " + i + ", " + script + (trusted ? " (trusted kit)" : "") + " " + args + ": ";
                    runs++;
                    refused += result.exit() == Exit.BAD_INPUT ? 1 : 0;
                    assertEquals("", result.stray(), what + "printed past the console");
                    assertFalse(result.all().contains("Exception") || result.all().contains("\tat "), what + result.all());
                    SECRETS.values().stream().filter(secret -> secret.length() > 6).forEach(secret -> assertFalse(result.all().contains(secret), what + "a secret in the output"));
                    assertEquals(outside, repo.outsideState(), what + "something outside the repository changed");
                    assertFalse(Files.exists(marker), what + "a program the repository named ran");
                    for (List<String> started : recorder.commands) {
                        String line = String.join(" ", started);
                        assertFalse(line.matches("docker (login|push).*") && !line.contains(environment.getOrDefault("PIPKIT_REGISTRY", trusted ? "\u0000" : "")),
                                what + "a credential went where no pin says: " + line);
                        assertFalse(line.matches("docker (rm|rmi|volume rm|network rm) .*") && !line.contains(repo.name), what + "removed what is not this component's: " + line);
                        assertFalse(line.matches("git .*push.*") && trusted, what + "pushed with no pinned remote: " + line);
                    }
                }
            }
        }
        System.out.println("trust property: " + REPOSITORIES + " random hostile repositories (seed " + seed + "), " + runs + " runs of every script in both modes, "
                + refused + " refused as bad input; nothing outside changed, no program of theirs ran, no secret shown, no credential unpinned");
    }
}
