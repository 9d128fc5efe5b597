import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A property over hostile repositories, no engine needed: random output destinations, manifest
 * entries and lock-file entries (Unicode, every line terminator, "." and "..", absolute paths,
 * reserved names in any case) in a real temp tree with symbolic links to an outside folder at any
 * depth. The build's planning, its removal of the previous outputs, its moving of new outputs into
 * place, and a killed run's reaping all run for real; whatever they do, nothing outside the
 * repository is created, changed or deleted, and every refusal is the kit's one-line failure.
 */
class PathSafetyTest {
    static final int CASES = 3000;
    static final String[] PARTS = {"obj", "dist", "out", "link", "lib", "LIB", "Lib", ".git", ".GIT", "docker", "Docker", "src", "SRC", "tests",
        "component.json", "COMPONENT.JSON", "jbang", "x.java", "X.JAVA", ".pipkit-outputs", ".PIPKIT-x", "..", ".", "", "...", "a.", "a ",
        "a\nb", "x\r", "y\u0085", "z\u2028", "w\u2029", "\t", "nul\u0000", "C:", "c:\\x", "..\\..", "ünï", "日本", "a b", "%2e%2e", "~", "$HOME"};
    static final String[] TERMINATORS = {"\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029", "\u000b", "\f"};

    static final long SEED = Long.getLong("pipkit.seed", 20261125L);
    /** Where the cases' trees go: memory where the machine has it (each lock syncs its journal to disk, thousands of times here). */
    static final Path SCRATCH = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));
    /** This case's randomness: case N of a seed is the same case on every run. */
    Random random = new Random(SEED);
    int held;

    static final String[] GOOD = {"obj", "dist", "out", "link", "sub", "a b", "ünï", "日本", "lib2"};

    /** A name: half the time a good one (so that many cases get as far as moving outputs), else anything from the hostile list. */
    String part() {
        return random.nextBoolean() ? GOOD[random.nextInt(GOOD.length)] : PARTS[random.nextInt(PARTS.length)];
    }

    /** A destination or manifest entry: one to three parts, joined by / or \, sometimes absolute or with a ./ or trailing slash. */
    String path() {
        StringBuilder path = new StringBuilder(random.nextInt(8) == 0 ? "/" : random.nextInt(8) == 0 ? "./" : "");
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            path.append(i == 0 ? "" : random.nextInt(5) == 0 ? "\\" : "/").append(part());
        }
        return path.append(random.nextInt(8) == 0 ? "/" : "").toString();
    }

    @Test
    void nothingOutsideTheRepositoryIsEverCreatedChangedOrDeleted() throws IOException {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));   // thousands of warnings about refused entries
        int created = 0;
        try {
            // side by side, each case in its own temp tree with its own randomness
            for (int[] one : IntStream.range(0, CASES).parallel().mapToObj(PathSafetyTest::oneCaseOf).toList()) {
                created += one[0];
                held += one[1];
            }
        } finally {
            System.setErr(err);
        }
        System.out.println("path safety: " + CASES + " hostile repositories tried, " + held + " refusals, " + created
                + " outputs moved into place; nothing outside any of them changed");
        assertTrue(held > CASES / 10 && created > CASES / 10, "the cases must exercise both refusals and real moves: " + held + " / " + created);
    }

    /** Case INDEX of the seed: how many outputs arrived, and how many refusals held. */
    static int[] oneCaseOf(int index) {
        PathSafetyTest one = new PathSafetyTest();
        one.random = new Random(SEED * 31 + index);
        try {
            return new int[] {one.oneCase(index), one.held};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One random repository; returns how many outputs arrived. */
    int oneCase(int index) throws IOException {
        Path root = Files.createTempDirectory(SCRATCH, "pipkit-paths-");
        try {
            Path repo = Files.createDirectory(root.resolve("repo"));
            Path outside = Files.createDirectories(root.resolve("outside/dir"));
            Files.writeString(root.resolve("outside/precious"), "precious");
            Files.writeString(outside.resolve("file"), "file");
            Files.writeString(root.resolve("beside"), "beside");
            for (String folder : List.of("lib", "docker", "src", ".git")) {
                Files.createDirectories(repo.resolve(folder));
                Files.writeString(repo.resolve(folder).resolve("keep"), folder);
            }
            Files.writeString(repo.resolve("component.json"), "{\"name\": \"paths\", \"version\": \"1.0.0\"}");
            // links to the outside, absolute or relative, at depth 0 to 2, under names the cases use
            for (int links = random.nextInt(4); links > 0; links--) {
                Path at = repo;
                for (int depth = random.nextInt(3); depth > 0; depth--) {
                    at = at.resolve(List.of("obj", "dist", "out", "sub").get(random.nextInt(4)));
                }
                Path link = at.resolve(List.of("obj", "dist", "out", "link", "lib2", "dist/lib").get(random.nextInt(6)));
                Path target = random.nextBoolean() ? root.resolve("outside") : link.getParent().relativize(root.resolve(random.nextBoolean() ? "outside" : "outside/dir"));
                try {
                    Files.createDirectories(link.getParent());
                    Files.createSymbolicLink(link, target);
                } catch (IOException e) {
                    // there is something there already: this case has links enough
                }
            }
            String manifest = Stream.generate(this::path).limit(random.nextInt(4))
                    .map(line -> line + TERMINATORS[random.nextInt(TERMINATORS.length)]).reduce("", String::concat);
            if (random.nextInt(6) == 0) {
                Files.createSymbolicLink(repo.resolve(Outputs.MANIFEST), root.resolve("outside/precious"));
            } else {
                Files.writeString(repo.resolve(Outputs.MANIFEST), manifest);
            }
            Map<String, String> before = snapshot(root, repo);

            int arrived = 0;
            try (ScriptRun run = Harness.scriptRun(repo, false)) {
                List<String> specs = new ArrayList<>();
                for (int n = 1 + random.nextInt(2); n > 0; n--) {
                    specs.add("/app/" + part() + (random.nextInt(6) == 0 ? "" : ":" + path()));
                }
                Component component = Component.read(repo);
                Outputs outputs = Outputs.plan(run, component, specs, "");
                outputs.checkDestinations();
                run.lock(component, "build");
                outputs.removePrevious();
                Path staging = Files.createDirectory(repo.resolve(".pipkit-staging-" + ScriptRun.newId()));
                for (int n = 0; n < outputs.list.size(); n++) {
                    Files.createDirectories(staging.resolve(n + "/inner"));
                    Files.writeString(staging.resolve(n + "/inner/out.txt"), "from the image");
                }
                try {
                    outputs.moveIntoPlace(staging, java.util.Set.of());
                    arrived = outputs.list.size();
                } finally {
                    Repository.delete(staging);
                }
            } catch (Exit.Failure refused) {
                held++;
            }
            reapALockWrittenBySomeoneElse(repo, root);
            assertEquals(before, snapshot(root, repo), "case " + index + ": something outside the repository changed");
            return arrived;
        } finally {
            deleteWithoutFollowing(root);
        }
    }

    /** A lock file as a killed run would leave it, but forged: file and temp entries that point anywhere; sometimes the lock is a link. */
    void reapALockWrittenBySomeoneElse(Path repo, Path root) throws IOException {
        Path lock = repo.resolve(".pipkit-build.lock");
        if (random.nextInt(5) == 0) {
            Files.deleteIfExists(lock);
            Files.createSymbolicLink(lock, root.resolve("outside/precious"));
        } else {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(4); n > 0; n--) {
                String value = switch (random.nextInt(4)) {
                    case 0 -> path();
                    case 1 -> root.resolve("outside/precious").toString();
                    case 2 -> List.of("docker/id_rsa", "docker/.npmrc", ".pipkit-staging-0123abcd", "out/precious", "dist/lib").get(random.nextInt(5));
                    default -> "pipkit-" + part();
                };
                text.append(List.of("staging ", "credential ", "temp ", "container ").get(random.nextInt(4))).append(value).append('\n');
            }
            Files.writeString(lock, text.toString());
        }
        try (ScriptRun run = Harness.scriptRun(repo, false)) {
            run.lock(Component.read(repo), "build");
        } catch (Exit.Failure refused) {
            held++;
        }
    }

    /** Every path under ROOT but inside SKIP, with what it is: a file's content, a link's target, or "folder". */
    static Map<String, String> snapshot(Path root, Path skip) throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.filter(path -> !path.startsWith(skip)).toList()) {
                String what = Files.isSymbolicLink(path) ? "link " + Files.readSymbolicLink(path)
                        : Files.isDirectory(path) ? "folder" : "file " + new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
                state.put(root.relativize(path).toString(), what);
            }
        }
        return state;
    }

    static void deleteWithoutFollowing(Path root) throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
