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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ./jbang wrapper's fast path: JBang's answer kept per script content, and the class-data
 * sharing archive beside it, written by a first run, checked by the next, never used torn.
 */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class WrapperTest {
    Harness repo;
    /** This test's JBANG_KIT_HOME: JBang itself linked in (no download), the kept files its own. */
    Path kit;

    @BeforeEach
    void aTinyRepositoryAndAnEmptyKitFolder() throws IOException {
        repo = Harness.tiny();
        kit = Harness.kitFolder(Files.createTempDirectory("pipkit-kit-"));
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        settle();   // a JVM the last run started in the background may still be making an archive in the kit folder
        repo.cleanUp();
        Repository.delete(kit); // the links go, not what they point at
    }

    Harness.Result run(String... args) {
        return run(Map.of(), args);
    }

    Harness.Result run(Map<String, String> extra, String... args) {
        Map<String, String> environment = new HashMap<>(extra);
        environment.put("JBANG_KIT_HOME", kit.toString());
        environment.put("JBANG_KIT_PINNED", "1");
        Harness.Result result = repo.run(environment, "build.java", args);
        assertEquals(0, result.exit(), result.all());
        assertFalse(result.all().contains("cds") || result.all().contains("AOT"), "the JVM's archive messages reach nobody: " + result.all());
        return result;
    }

    /** The script's files in the wrapper's fast folder, with the key (40 hex digits) shown as KEY. */
    List<String> kept() throws IOException {
        return kept("KEY");
    }

    /** The names in the wrapper's fast folder that start with WHO (KEY: the script's, JBANG: JBang's own archive). */
    List<String> kept(String who) throws IOException {
        Path fast = kit.resolve("fast");
        if (!Files.isDirectory(fast)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fast)) {
            return files.map(each -> each.getFileName().toString().replaceFirst("^[0-9a-f]{40}", "KEY").replaceFirst("^jbang-[^/]*?\\.jsa", "JBANG.jsa")
                    .replaceFirst("\\.[0-9]+\\.(part|record)$", ".PID.$1")).filter(name -> name.startsWith(who)).sorted().toList();
        }
    }

    /** The one file of the script's that ends with SUFFIX. */
    Path only(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(kit.resolve("fast"))) {
            List<Path> matching = files.filter(each -> each.getFileName().toString().matches("[0-9a-f]{40}.*") && each.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, matching.size(), "one " + suffix + " in " + kept());
            return matching.get(0);
        }
    }

    /** Waits for the background JVMs that make archives from records (a minute at most). */
    void settle() throws Exception {
        for (int i = 0; i < 600 && Harness.archiving(kit); i++) {
            Thread.sleep(100);
        }
    }

    /** The suite's runs keep their answers and archives in the suite's kit folder, which goes when the suite ends, never in ~/.jbang/kit. */
    @Test
    void theSuitesRunsKeepWhatTheyMakeInTheSuitesKitFolder() throws Exception {
        repo.write("lib/Kit.java", Files.readString(repo.dir.resolve("lib/Kit.java")) + "// " + repo.name + "\n");   // a kit no other run has
        Path suite = Harness.suiteKit().resolve("fast");
        List<String> before = answers(suite);
        Harness.Result result = repo.run("build.java", "--version");
        Harness.assertVersion(result.out().strip(), result.all());
        List<String> made = new ArrayList<>(answers(suite));
        made.removeAll(before);
        assertFalse(made.isEmpty(), "the answer for this kit is kept in " + suite);
        Path shared = Path.of(System.getProperty("user.home"), ".jbang", "kit", "fast");
        assertTrue(made.stream().noneMatch(key -> Files.exists(shared.resolve(key))), "nothing of this run in " + shared + ": " + made);
    }

    /** The kept answers in FAST: their keys. */
    static List<String> answers(Path fast) throws IOException {
        if (!Files.isDirectory(fast)) {
            return List.of();
        }
        try (Stream<Path> kept = Files.list(fast)) {
            return kept.map(file -> file.getFileName().toString()).filter(name -> name.matches("[0-9a-f]{40}")).toList();
        }
    }

    @Test
    void theFirstRealRunRecordsTheNextMakesAnArchiveAsideAndLaterRunsMapIt() throws Exception {
        run(Map.of("DOCKER_PASS", "archived-password-4711", "GIT_TOKEN", "archived-token-0815"), "-q");
        assertEquals(List.of("KEY", "KEY.jsa.PID.record"), kept(), "the run listed the classes it loaded");
        run("-q");
        settle();
        assertEquals(List.of("KEY", "KEY.jsa.PID.part"), kept(), "made aside from that list, in the background, not yet trusted");
        run("-q");
        assertEquals(List.of("KEY", "KEY.jsa"), kept(), "checked end to end, then moved into place");
        String archive = Files.readString(only(".jsa"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(archive.contains("archived-password-4711") || archive.contains("archived-token-0815"), "classes only, no values");
        Path log = repo.dir.resolve("classes.log");
        run(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + log), "-q");
        String classes = Files.readString(log);
        Files.delete(log);
        assertTrue(classes.matches("(?s).*\\bKit source: shared objects file.*"), "the kit's classes come from the archive");
        assertTrue(classes.matches("(?s).*\\bComponent source: shared objects file.*"));
        assertTrue(classes.matches("(?s).*\\bpicocli\\.CommandLine\\$Model\\$CommandSpec source: shared objects file.*"), "picocli's too (Java 5 class files)");
        assertTrue(classes.matches("(?s).*\\bKit\\$\\$Lambda\\S* source: shared objects file.*"), "and the kit's lambdas");
    }

    @Test
    void onJdk25TheFirstRealRunRecordsTheNextMakesAnAotCacheAsideAndLaterRunsMapIt() throws Exception {
        Map<String, String> jdk25 = Map.of("JAVA_HOME", jdk25().toString());
        run(jdk25, "-q");
        assertEquals(List.of("KEY", "KEY.aot.PID.record"), kept(), "the run recorded what it loaded, and said nothing of it");
        run(jdk25, "-q");
        for (int i = 0; i < 600 && (kept().stream().anyMatch(name -> name.endsWith(".record")) || Harness.archiving(kit)); i++) {
            Thread.sleep(100);   // a JVM of its own assembles the cache from the record, in the background
        }
        assertEquals(List.of("KEY", "KEY.aot.PID.part"), kept(), "assembled aside, not yet trusted");
        run(jdk25, "-q");
        assertEquals(List.of("KEY", "KEY.aot"), kept(), "checked end to end, then moved into place");
        Path log = repo.dir.resolve("classes.log");
        run(Map.of("JAVA_HOME", jdk25.get("JAVA_HOME"), "JDK_JAVA_OPTIONS", "-Xlog:class+load:file=" + log), "-q");
        String classes = Files.readString(log);
        Files.delete(log);
        assertTrue(classes.matches("(?s).*\\bKit source: shared objects file.*"), "the kit's classes come from the AOT cache");
        assertTrue(classes.matches("(?s).*\\bComponent source: shared objects file.*"));
    }

    @Test
    void aTornAnswerOrAnEmptyRecordIsNoProblemAndWarningsStayOffTheOutputWithoutTheFastPathToo() throws Exception {
        run("--version");
        Path command = only("");
        for (String torn : List.of("", "\n")) {
            Files.writeString(command, torn);
            Harness.assertVersion(run("--version").out().strip(), "a kept answer torn to " + Json.quote(torn) + " is asked for again");
        }
        Path record = command.resolveSibling(command.getFileName() + ".jsa.999999999.record");   // a run long gone, killed as it began
        Files.writeString(record, "");
        run("-q");
        settle();
        run("-q");
        assertTrue(kept().equals(List.of("KEY", "KEY.jsa")) || kept().equals(List.of("KEY", "KEY.jsa.off")), "the empty record was taken and done with: " + kept());
        assertTrue(kept("").stream().noneMatch(name -> name.endsWith(".list")), "no list left behind: " + kept(""));
        Harness.assertVersion(run(Map.of("JBANG_KIT_NO_FAST", "1", "JDK_JAVA_OPTIONS", "-Xlog:gc"), "--version").out().strip());
    }

    @Test
    void jbangKeepsAnArchiveOfItsOwnPerJdkSoSwitchingJdksKeepsBoth() throws Exception {
        Map<String, String> jdk25 = Map.of("JAVA_HOME", jdk25().toString());
        List<Map<String, String>> jdks = List.of(Map.of(), Map.of(), Map.of(), jdk25, jdk25, jdk25, Map.of());
        for (int i = 0; i < jdks.size(); i++) {
            repo.write("lib/Repository.java", repo.read("lib/Repository.java") + "// changed " + i + "\n");   // a new content: JBang is asked
            run(jdks.get(i), "--version");
            settle();
        }
        try (Stream<Path> files = Files.list(kit.resolve("fast"))) {
            List<String> jbang = files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("jbang-")).sorted().toList();
            assertEquals(2, jbang.stream().filter(name -> name.endsWith(".jsa")).count(), "JDK 17's and JDK 25's, each checked and in place: " + jbang);
            assertTrue(jbang.stream().noneMatch(name -> name.endsWith(".off")), "neither turned off by the other JDK: " + jbang);
        }
    }

    @Test
    void startUpSaysWhereItWentWhenAsked() throws IOException {
        String said = run(Map.of("PIPKIT_STARTUP", "1"), "-q").err();
        assertTrue(said.matches("(?s)(.*\\n)?startup: wrapper \\d+\\.\\d{3} s, JVM to main \\d+\\.\\d{3} s, picocli model \\d+\\.\\d{3} s, "
                + "kit to first command \\d+\\.\\d{3} s, first command \\d+\\.\\d{3} s; whole run \\d+\\.\\d{3} s\\n"), said);
        assertFalse(run("-q").err().contains("startup:"), "only when asked");
    }

    /** Whether the process named in a .part or .record file's name (its writer, or the background JVM's shell that took it) is still running. */
    /** A JDK 25 or later on this machine (these machines have Temurin's beside the default JDK 17). */
    static Path jdk25() throws IOException {
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                String version = Files.isRegularFile(release) ? Files.readString(release).replaceFirst("(?s).*JAVA_VERSION=\"(\\d+).*", "$1") : "0";
                if (version.matches("\\d+") && Integer.parseInt(version) >= 25 && Files.isExecutable(home.resolve("bin/java"))) {
                    return home;
                }
            }
        }
        throw new AssertionError("no JDK 25 or later under /usr/lib/jvm: the AOT cache cannot be tried here");
    }

    @Test
    void aTornArchiveIsThrownAwayAndNeverMapped() throws Exception {
        run("-q");
        run("-q");
        settle();
        Path part = only(".part");
        byte[] whole = Files.readAllBytes(part);
        part.toFile().setWritable(true);
        Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 2)); // as if the run was killed while writing it
        Harness.Result next = run("-q");
        assertEquals("", next.err().strip(), "a torn archive costs nothing but the check");
        assertEquals(List.of("KEY", "KEY.jsa.off"), kept(), "thrown away, and no more attempts for this script");
        run("-q");
        assertEquals(List.of("KEY", "KEY.jsa.off"), kept());
        assertTrue(Files.exists(repo.dir.resolve("obj/out.txt")), "the build still did its work");
        assertFalse(repo.files().keySet().stream().anyMatch(file -> file.contains("hs_err")), "no crash report left in the repository");
    }

    @Test
    void anArchiveStillBeingWrittenIsLeftAlone() throws IOException {
        run("--version");
        Path command = only("");
        Path writing = command.resolveSibling(command.getFileName() + ".jsa." + ProcessHandle.current().pid() + ".part");
        Files.writeString(writing, "a live run is writing this");
        run("-q");
        assertEquals(List.of("KEY", "KEY.jsa.PID.part"), kept());
        assertEquals("a live run is writing this", Files.readString(writing));
        Files.delete(writing);   // it names this JVM, alive: settle() would wait its whole minute for it
    }

    @Test
    void helpVersionAndDryRunsWriteNoArchive() throws IOException {
        run("--help");
        run("--version");
        run("--dry-run");
        assertEquals(List.of("KEY"), kept());
    }

    @Test
    void aChangeToAnySourcedFileIsNoticedAndJBangKeepsAnArchiveToo() throws Exception {
        Harness.assertVersion(run("--version").out().strip());
        assertEquals(List.of("JBANG.jsa.PID.record"), kept("JBANG"), "JBang's JVM listed the classes it loaded");
        String kitSource = repo.read("lib/Kit.java");
        repo.write("lib/Kit.java", kitSource.replace("\"pipkit \" + Installed.VERSION", "\"pipkit 9.9.9-changed\""));
        assertEquals("pipkit 9.9.9-changed (commit unknown)", run("--version").out().strip());
        assertEquals(List.of("KEY", "KEY"), kept(), "one kept command per content");
        settle();
        assertEquals(List.of("JBANG.jsa.PID.part"), kept("JBANG"), "JBang's next start made its archive aside");
        // a file the script reaches only through lib/Kit.java's own //SOURCES counts too
        repo.write("lib/Repository.java", repo.read("lib/Repository.java") + "// changed\n");
        run("--version");
        assertEquals(List.of("KEY", "KEY", "KEY"), kept(), "a change two //SOURCES levels down is a new content");
        assertEquals(List.of("JBANG.jsa"), kept("JBANG"), "and the start after checked that archive and took it");
    }
    /** ./jbang ARGS in the repository, with this test's kit folder and ENVIRONMENT; any exit code. */
    Harness.Result wrapper(Map<String, String> environment, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("env"));
        environment.forEach((key, value) -> command.add(value == null ? "-u" + key : key + "=" + value));
        command.addAll(List.of("JBANG_KIT_PINNED=1", "NO_COLOR=1", repo.dir.resolve("jbang").toString()));
        command.addAll(List.of(args));
        var result = Harness.exec(command);
        return new Harness.Result(result.getExitValue(), result.outputUTF8(), "");
    }

    @Test
    void aJarThatFailsItsChecksumOrItsDownloadIsNeverInstalledOrRun() throws IOException {
        Path mirror = Files.createTempDirectory("pipkit-mirror-");
        Path empty = Files.createTempDirectory("pipkit-kit-empty-");
        try {
            Path installed;
            try (Stream<Path> homes = Files.list(kit)) {
                installed = homes.filter(home -> home.getFileName().toString().startsWith("jbang-")).findFirst()
                        .orElseThrow(() -> new AssertionError("no JBang installed under ~/.jbang/kit to mirror"));
            }
            List<String> jars = Files.readAllLines(repo.dir.resolve("jbang")).stream().filter(line -> line.startsWith("#jar ")).map(line -> line.split(" ")[2]).toList();
            for (String jar : jars) {
                Files.createDirectories(mirror.resolve(jar).getParent());
                Files.copy(installed.resolve(Path.of(jar).getFileName()), mirror.resolve(jar));
            }
            Map<String, String> environment = Map.of("JBANG_KIT_HOME", empty.toString(), "MAVEN_CENTRAL", "file://" + mirror);
            Path tampered = mirror.resolve(jars.get(jars.size() / 2));
            byte[] original = Files.readAllBytes(tampered);
            Files.write(tampered, "tampered".getBytes(), java.nio.file.StandardOpenOption.APPEND);
            Harness.Result result = wrapper(environment, "--version");
            assertTrue(result.exit() != 0, result.all());
            assertTrue(result.all().contains("checksum mismatch for " + tampered.getFileName()), result.all());
            assertEquals(List.of(), kitFolders(empty), "nothing installed");
            Files.delete(tampered);
            result = wrapper(environment, "--version");
            assertTrue(result.exit() != 0 && result.all().contains("could not download"), result.all());
            assertEquals(List.of(), kitFolders(empty), "nothing installed");
            Files.write(tampered, original);
            result = wrapper(environment, "--version");
            assertEquals(0, result.exit(), "the mirror itself is good: " + result.all());
            assertEquals(1, kitFolders(empty).size());
        } finally {
            Repository.delete(mirror);
            Repository.delete(empty);
        }
    }

    static List<String> kitFolders(Path kit) throws IOException {
        try (Stream<Path> files = Files.list(kit)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("jbang-")).toList();
        }
    }

    @Test
    void aGlobInSourcesIsReadFromTheScriptsFolderNotTheCurrentOne() throws IOException {
        repo.write("parts/Greeting.java", "class Greeting { static final String TEXT = \"hello 1\"; }\n");
        repo.write("hello.java", "///usr/bin/env true; exec jbang \"$0\" \"$@\"\n//SOURCES parts/*.java\n"
                + "class hello { public static void main(String... args) { System.out.println(Greeting.TEXT); } }\n");
        Files.createDirectories(repo.dir.resolve("elsewhere/parts"));
        String run = "cd " + repo.dir.resolve("elsewhere") + " && JBANG_KIT_HOME=" + kit + " JBANG_KIT_PINNED=1 ../jbang ../hello.java";
        assertEquals("hello 1", Harness.exec(List.of("sh", "-c", run)).outputUTF8().lines().reduce((a, b) -> b).orElse(""));
        repo.write("parts/Greeting.java", "class Greeting { static final String TEXT = \"hello 2\"; }\n");
        assertEquals("hello 2", Harness.exec(List.of("sh", "-c", run)).outputUTF8().lines().reduce((a, b) -> b).orElse(""), "the change is seen");
    }

    @Test
    void noHomeAndAJdkRemovedSinceAreNoProblem() throws IOException {
        Harness.Result noHome = wrapper(java.util.Collections.singletonMap("HOME", null), "build.java", "--version");
        assertEquals(0, noHome.exit(), noHome.all());
        Harness.assertVersion(noHome.out().strip().lines().reduce((a, b) -> b).orElse(""));
        assertFalse(Files.exists(Path.of("~")), "JBang went to the user's home, not to a folder named ~ here");
        run("--version");
        Path command = only("");
        Files.writeString(command, Files.readString(command).replaceFirst("^\\S+", "/no/such/jdk/bin/java"));
        Harness.assertVersion(run("--version").out().strip(), "a kept command whose java is gone is asked for again");
        assertFalse(Files.readString(command).startsWith("/no/such"));
    }

    @Test
    void whatTheJvmsSayOnTheirOutputIsNeverTakenForJBangsAnswerOrTheScripts() throws IOException {
        // both JVMs, JBang's and the script's, log a line on their standard output as they start
        Map<String, String> chatty = Map.of("JDK_JAVA_OPTIONS", "-Xlog:gc");
        for (int i = 0; i < 2; i++) {   // JBang asked, then its kept answer
            Harness.assertVersion(run(chatty, "--version").out().strip());
        }
        assertTrue(Harness.exec(List.of("env", "JDK_JAVA_OPTIONS=-Xlog:gc", "java", "-version")).outputUTF8().contains("[gc]"), "the JVM does say it");
        Path command = only("");
        Files.writeString(command, "[0.002s][warning][os,thread] Failed to start thread (EAGAIN)\njsa\n");
        Harness.assertVersion(run("--version").out().strip(), "a kept answer that is no command line is asked for again");
        assertFalse(Files.readString(command).contains("EAGAIN"));
    }

    @Test
    void aSpaceInJBangsFolderKeepsTheFastPath() throws Exception {
        Path spaced = Files.createTempDirectory("pipkit jbang dir ");
        try {
            Map<String, String> environment = Map.of("JBANG_DIR", spaced.toString());
            run(environment, "-q");
            run(environment, "-q");
            settle();
            run(environment, "-q");
            assertEquals(List.of("KEY", "KEY.jsa"), kept(), "the archive, which only the fast path writes and adopts");
        } finally {
            Repository.delete(spaced);
        }
    }

    @Test
    void aKitRunFromOutsideReadsNoJBangSettingOfTheCheckoutAndRunsNoProgramFromIt() throws IOException {
        Harness checkout = Harness.copy();
        try {
            Path marker = checkout.outside().resolve("ran");
            Path agent = checkout.dir.resolve("agent.jar");
            checkout.write("jbang.properties", "run.javaagent=" + agent + "\n");
            checkout.write(".jbang/jbang.properties", "run.javaagent=" + agent + "\n");
            checkout.write("jbang-catalog.json", "{\"aliases\": {}}\n");
            checkout.write("lib/Kit.java", checkout.read("lib/Kit.java").replace("static int run(Cli.Declared command, String... args) {",
                    "static int run(Cli.Declared command, String... args) { try { java.nio.file.Files.createFile(java.nio.file.Path.of(\"" + marker + "\")); }"
                    + " catch (java.io.IOException e) { }"));
            // and its own "kit": a trusted kit never runs the checkout's scripts, lib/ or wrapper
            for (String program : List.of("java", "git", "jbang", "sha256sum", "bin/docker", "bin/git", "build.java", "pipeline.java")) {
                checkout.write(program, "#!/bin/sh\ntouch '" + marker + "'\nexit 3\n");
                checkout.dir.resolve(program).toFile().setExecutable(true);
            }
            String command = "cd '" + checkout.dir + "' && PATH=:.:bin:$PATH JBANG_KIT_HOME='" + kit + "' JBANG_KIT_PINNED=1 NO_COLOR=1 exec '"
                    + repo.dir.resolve("jbang") + "' '" + repo.dir.resolve("build.java") + "' --dry-run -C .";
            for (String time : List.of("JBang asked", "the fast path")) {
                var result = Harness.exec(List.of("sh", "-c", command));
                assertEquals(0, result.getExitValue(), time + ": " + result.outputUTF8());
                assertTrue(result.outputUTF8().contains("dry run: nothing was changed"), result.outputUTF8());
                assertFalse(Files.exists(marker), time + ": a program of the checkout's ran");
            }
        } finally {
            checkout.cleanUp();
        }
    }
}
