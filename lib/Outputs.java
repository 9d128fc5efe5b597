import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The compiled outputs the build copies out of its image. The kit records what it copied in
 * {@value #MANIFEST}, and "remove the previous outputs" removes only what that file lists, so it
 * cannot delete anything the kit did not put there itself.
 */
final class Outputs {
    static final String MANIFEST = ".pipkit-outputs";

    record Output(String from, String to) {
    }

    private final ScriptRun run;
    private final Path directory;
    final List<Output> list;
    /** Whether every output must be in the image: those asked for by --output or "outputs"; a language's defaults need not. */
    private final boolean required;
    /** Destinations the kit did not copy out but may replace: committed to git, unchanged (see {@link #committed}). */
    private final Set<String> committed = new LinkedHashSet<>();

    private Outputs(ScriptRun run, List<Output> list, boolean required) {
        this.run = run;
        this.directory = run.directory;
        this.list = list;
        this.required = required;
    }

    /** What each language's Dockerfile.build leaves where (the originals' build.ps1); Java's lib goes to dist/lib. */
    static List<String> defaults(String language) {
        return switch (language(language)) {
            case "java" -> List.of("/app/obj:obj", "/app/lib:dist/lib");
            case "node" -> List.of("/app/obj:obj");
            case "dotnet" -> List.of("/obj:obj", "/dist:dist");
            case "go" -> List.of("/app/run:dist/run");
            default -> List.of();
        };
    }

    /** A language by the name the kit uses for it: java, node, dotnet, go, python, dart (or the name as it is). */
    static String language(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "node", "nodejs", "javascript", "typescript" -> "node";
            case "dotnet", ".net", "csharp", "c#" -> "dotnet";
            case "go", "golang" -> "go";
            default -> name.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * The outputs from the flag, else component.json's "outputs", else the defaults of the language:
     * component.json's "language", else the one DOCKERFILE (Dockerfile.build's text) and the
     * repository's manifests show (many real component.json files have no "language").
     */
    static Outputs plan(ScriptRun run, Component component, List<String> flag, String dockerfile) {
        boolean explicit = flag != null && !flag.isEmpty() || component.outputs() != null;
        List<String> specs;
        if (flag != null && !flag.isEmpty()) {
            specs = flag;
        } else if (component.outputs() != null) {
            specs = component.outputs();
        } else if (!component.language().isEmpty()) {
            specs = defaults(component.language());
        } else {
            Map.Entry<String, String> inferred = inferLanguage(run.directory, dockerfile);
            specs = inferred == null ? List.of() : defaults(inferred.getKey());
            if (inferred != null) {
                run.console.step("language " + inferred.getKey() + " (component.json names none; inferred from " + inferred.getValue() + ")");
            }
        }
        List<Output> list = new ArrayList<>();
        for (String spec : specs) {
            list.add(parse(spec));
        }
        for (Output a : list) {
            for (Output b : list) {
                if (a != b && (a.to.equals(b.to) || a.to.startsWith(b.to + "/"))) {
                    throw Kit.badInput("outputs " + a.to + " and " + b.to + " overlap: give each output its own folder");
                }
            }
        }
        return new Outputs(run, list, explicit);
    }

    /** The images that name a language in their FROM, as the Pip.Services templates use them: repository name's start. */
    private static final List<Map.Entry<String, String>> IMAGES = List.of(Map.entry("node", "node"), Map.entry("golang", "go"),
            Map.entry("mcr.microsoft.com/dotnet", "dotnet"), Map.entry("microsoft/dotnet", "dotnet"), Map.entry("dotnet", "dotnet"),
            Map.entry("openjdk", "java"), Map.entry("eclipse-temurin", "java"), Map.entry("maven", "java"), Map.entry("gradle", "java"),
            Map.entry("amazoncorretto", "java"), Map.entry("python", "python"), Map.entry("dart", "dart"), Map.entry("google/dart", "dart"));
    /** The manifests that name a language, in the repository's root. */
    private static final List<Map.Entry<String, String>> MANIFESTS = List.of(Map.entry("package.json", "node"), Map.entry("go.mod", "go"),
            Map.entry("pom.xml", "java"), Map.entry("build.gradle", "java"), Map.entry("dependencies.txt", "java"), Map.entry("requirements.txt", "python"),
            Map.entry("setup.py", "python"), Map.entry("pyproject.toml", "python"), Map.entry("pubspec.yaml", "dart"));

    /** The language DOCKERFILE's first FROM names, else the first manifest in DIRECTORY, with where it was seen; null when neither says. */
    static Map.Entry<String, String> inferLanguage(Path directory, String dockerfile) {
        Matcher from = Pattern.compile("(?im)^\\s*FROM\\s+(?:--\\S+\\s+)*(\\S+)").matcher(dockerfile);
        if (from.find()) {
            String image = from.group(1).toLowerCase(Locale.ROOT).replaceFirst("^docker\\.io/(library/)?", "");
            for (Map.Entry<String, String> known : IMAGES) {
                if (image.startsWith(known.getKey() + ":") || image.startsWith(known.getKey() + "/") || image.startsWith(known.getKey() + "@")
                        || image.equals(known.getKey())) {
                    return Map.entry(known.getValue(), "docker/Dockerfile.build's FROM " + from.group(1));
                }
            }
        }
        for (Map.Entry<String, String> manifest : MANIFESTS) {
            if (Files.isRegularFile(directory.resolve(manifest.getKey()))) {
                return Map.entry(manifest.getValue(), manifest.getKey());
            }
        }
        try (Stream<Path> files = Files.list(directory)) {
            if (files.anyMatch(file -> file.getFileName().toString().endsWith(".csproj"))) {
                return Map.entry("dotnet", "a .csproj file");
            }
        } catch (IOException e) {
            // an unreadable folder names no language
        }
        return null;
    }

    /** "CONTAINER_PATH[:LOCAL_PATH]"; the local path defaults to the last part of the container path. */
    static Output parse(String spec) {
        int colon = spec.indexOf(':');
        String from = colon < 0 ? spec : spec.substring(0, colon);
        String trimmed = from.replaceAll("/+$", "");
        String to = colon < 0 ? trimmed.substring(trimmed.lastIndexOf('/') + 1) : spec.substring(colon + 1);
        if (!from.startsWith("/") || from.equals("/")) {
            throw Kit.badInput("output " + Component.quote(spec) + ": the path in the image must be absolute, e.g. /app/obj");
        }
        return new Output(from, checkDestination(spec, to));
    }

    private static String checkDestination(String spec, String to) {
        String normal = Repository.normal(to);
        if (normal == null) {
            throw Kit.badInput("output " + Component.quote(spec) + ": " + Component.quote(to)
                    + " is not a place the kit may write: pick a folder inside the repository such as obj or dist/lib"
                    + " (not lib, docker, src, tests, .git or the kit's files)");
        }
        return normal;
    }

    /** Stops before the build when a destination holds something the kit did not copy there. */
    void checkDestinations() {
        Set<String> previous = previous();
        for (Output output : list) {
            if (!Repository.linkFree(directory, output.to) && !(previous.contains(output.to) && Repository.reachable(directory, output.to))) {
                throw Kit.badInput("output " + output.to + " is or passes through a symbolic link: the kit never writes through a link;"
                        + " replace it with a folder, or copy " + output.from + " elsewhere with --output " + output.from + ":OTHER");
            }
            if (Files.exists(directory.resolve(output.to), LinkOption.NOFOLLOW_LINKS) && !previous.contains(output.to)) {
                if (!committed(output.to)) {
                    throw Kit.badInput(output.to + " already exists and was not copied out by an earlier build (nor is it committed to git, unchanged):"
                            + " move it away, or copy " + output.from + " elsewhere with --output " + output.from + ":OTHER");
                }
                committed.add(output.to);
                run.console.step(output.to + " is committed to git and unchanged: the build replaces it (git checkout -- " + output.to + " brings it back)");
            }
        }
    }

    /**
     * Whether git can give DESTINATION back exactly as it is: every file in it is tracked, its content
     * is the index's, and the index is HEAD's. Git only lists what it has (ls-files, diff-index
     * --cached: neither runs a filter, hook or fsmonitor the repository may configure); the kit hashes
     * the files itself. Anything else (an edit, an untracked or ignored file, a link, no git) is no.
     */
    private boolean committed(String to) {
        String staged = run.commands.ask(Git.staged(to));
        if (staged == null || staged.isEmpty() || run.commands.ask(Git.sameAsHead(to)) == null) {
            return false;
        }
        Map<String, String> index = new HashMap<>();   // path -> "mode hash"
        for (String entry : staged.split("\0")) {
            String[] fields = entry.split("[ \t]", 4);
            if (fields.length == 4) {
                index.put(fields[3], fields[0] + " " + fields[1]);
            }
        }
        try (Stream<Path> tree = Files.walk(directory.resolve(to))) {
            int files = 0;
            for (Path path : tree.filter(path -> !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)).toList()) {
                String entry = index.get(directory.relativize(path).toString());
                if (entry == null || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || !entry.startsWith("1006")
                        && !entry.startsWith("1007") || !entry.endsWith(" " + blobHash(path, entry.length() - 7))) {
                    return false;
                }
                files++;
            }
            return files == index.size();
        } catch (IOException e) {
            return false;
        }
    }

    /** Git's name for a file's content: SHA-1 (40 hex digits) or SHA-256 (64) of "blob SIZE\0" and the bytes. */
    private static String blobHash(Path file, int digits) throws IOException {
        byte[] content = Files.readAllBytes(file);
        try {
            MessageDigest digest = MessageDigest.getInstance(digits == 64 ? "SHA-256" : "SHA-1");
            digest.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the last build copied out, as listed in the manifest (entries that fail the checks are ignored). */
    Set<String> previous() {
        Set<String> previous = new LinkedHashSet<>();
        Path manifest = directory.resolve(MANIFEST);
        if (!Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return previous;
        }
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            run.console.warn(MANIFEST + " is not a plain file (a link?), which the kit never writes: ignored");
            return previous;
        }
        try {
            // lines end at \n only: a name with any other line break is refused below, not split into two
            for (String line : Files.readString(manifest, StandardCharsets.UTF_8).split("\n")) {
                String entry = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (entry.isBlank()) {
                    continue;
                }
                String normal = Repository.normal(entry);
                if (normal == null) {
                    run.console.warn(MANIFEST + " lists " + Component.quote(entry) + ", which the kit never writes: left alone");
                } else {
                    previous.add(normal);
                }
            }
        } catch (IOException e) {
            throw Kit.failure("cannot read " + manifest + ": " + e.getMessage());
        }
        return previous;
    }

    /** Copies every output out of the container into a staging folder, then moves each into place. */
    void copyOut(String container, String runId) {
        Path staging = directory.resolve(".pipkit-staging-" + runId);
        if (run.changesFiles()) {
            try {
                Files.createDirectory(staging);
            } catch (IOException e) {
                throw Kit.failure("cannot create " + staging + ": " + e.getMessage());
            }
            run.track("file", staging.getFileName().toString(), () -> delete(staging));
        } else {
            run.console.print("mkdir " + staging.getFileName());
        }
        for (Output output : list) {
            run.console.step("copying " + output.from + " to " + output.to);
        }
        // Each copy goes to its own staging folder, so they run side by side (in a dry run one by one, in order).
        Set<Integer> missing = ConcurrentHashMap.newKeySet();
        IntStream indexes = IntStream.range(0, list.size());
        // every copy ends before a failure is reported: nothing may still be writing into the staging folder when it goes
        List<Commands.Outcome> copies = (run.dryRun ? indexes : indexes.parallel()).mapToObj(i -> run.commands.attemptQuietly(Docker.copy(container,
                list.get(i).from, directory.relativize(staging.resolve(Integer.toString(i))).toString()), Map.of(), null)).toList();
        for (int i = 0; i < list.size(); i++) {
            Commands.Outcome copied = copies.get(i);
            if (copied.exit() != 0 && !required && copied.tail().text().contains("Could not find the file")) {
                missing.add(i);
                run.console.warn("the build image has no " + list.get(i).from + ", this language's usual output: nothing copied to " + list.get(i).to
                        + " (name \"outputs\" in component.json to require one)");
            } else {
                copied.orFail("copying " + list.get(i).from + " out of the build image", run.console);
            }
        }
        if (!run.dryRun) {
            moveIntoPlace(staging, missing);
        } else {
            printMoves(staging.getFileName().toString());
        }
    }

    /** In a dry run, the shell commands that do what {@link #moveIntoPlace} does, so the dry run pastes into a shell whole. */
    private void printMoves(String staging) {
        run.console.print("printf '%s\\n' " + Commands.shell(list.stream().map(Output::to).toList()) + " > " + MANIFEST);
        for (int i = 0; i < list.size(); i++) {
            String to = list.get(i).to;
            if (to.contains("/")) {
                run.console.print("mkdir -p " + Commands.shell(List.of(to.substring(0, to.lastIndexOf('/')))));
            }
            run.console.print("mv " + staging + "/" + i + " " + Commands.shell(List.of(to)));
        }
        run.console.print("rm -rf " + staging);
    }

    /** Moves the outputs copied into STAGING/0, STAGING/1, ... (but the MISSING ones) into place, each through the one path rule. */
    void moveIntoPlace(Path staging, Set<Integer> missing) {
        // Listed before they arrive: an interrupted move leaves nothing the next build would refuse.
        writeManifest(IntStream.range(0, list.size()).filter(i -> !missing.contains(i)).mapToObj(i -> list.get(i).to).toList(), staging.resolve("manifest"));
        for (int i = 0; i < list.size(); i++) {
            if (missing.contains(i)) {
                continue;
            }
            Path to = Repository.resolve(directory, list.get(i).to, "output");
            move(staging.resolve(Integer.toString(i)), to);
            if (!Files.exists(to)) {
                throw Kit.failure("output " + list.get(i).from + " did not arrive at " + list.get(i).to);
            }
        }
    }

    private void move(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw Kit.failure("cannot move the output into " + directory.relativize(to) + ": " + e.getMessage());
        }
    }

    /** Writes the manifest through TEMP, a file in this run's own staging folder, so it appears whole or not at all. */
    private void writeManifest(Iterable<String> entries, Path temp) {
        Path manifest = directory.resolve(MANIFEST);
        try {
            Files.writeString(temp, String.join("\n", entries) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw Kit.failure("cannot write " + manifest + ": " + e.getMessage());
        }
    }

    /** Removes the outputs the last build copied out, and only those, before a new build. */
    void removePrevious() {
        Set<String> old = previous();
        old.addAll(committed);
        for (String previous : old) {
            if (!Repository.reachable(directory, previous)) {
                run.console.warn(MANIFEST + " lists " + previous + ", which passes through a symbolic link: left alone");
            } else if (run.changesFiles()) {
                delete(directory.resolve(previous));
            } else {
                run.console.print("rm -rf " + Commands.shell(List.of(previous)));
            }
        }
        if (run.changesFiles()) {
            delete(directory.resolve(MANIFEST));
        } else {
            run.console.print("rm -f " + MANIFEST);
        }
    }

    /** Deletes a file or a folder tree without following links out of it. */
    static void delete(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (DirectoryNotEmptyException e) {
            throw Kit.failure("cannot delete " + path + ": something is writing into it");
        } catch (IOException e) {
            throw Kit.failure("cannot delete " + path + ": " + e.getMessage());
        }
    }
}
