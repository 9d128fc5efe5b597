import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The container the outputs are copied out of: NAME-build-RUNID, with the kit's label for the folder. */
    static final ScriptRun.Resource CONTAINER = new ScriptRun.Resource("container", (run, component, value) ->
            value.matches(Pattern.quote(component.name) + "-build-[0-9a-f]{8}")
                    && run.directory.toString().equals(run.commands.ask(Docker.label(value, Docker.LABEL + ".folder"))),
            (run, value) -> run.commands.cleanUp(Docker.remove(value)));
    /** Where the previous outputs wait while a build runs (see {@link #setAsidePrevious}): .pipkit-previous-RUNID, reached through no link. */
    static final ScriptRun.Resource PREVIOUS = new ScriptRun.Resource("previous", (run, component, value) ->
            value.matches("\\.pipkit-previous-[0-9a-f]{8}") && Repository.linkFree(run.directory, value), (run, value) -> putBack(run, run.directory.resolve(value)));
    /** The staging folder the outputs arrive in before they are moved into place: .pipkit-staging-RUNID, reached through no link. */
    static final ScriptRun.Resource STAGING = new ScriptRun.Resource("staging", (run, component, value) ->
            value.matches("\\.pipkit-staging-[0-9a-f]{8}") && Repository.reachable(run.directory, value),
            (run, value) -> Repository.delete(run.directory.resolve(value)));

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
            Language language = Language.named(component.language());
            specs = language == null ? List.of() : language.outputs();
        } else {
            Language.Inferred inferred = Language.infer(run.directory, dockerfile);
            specs = inferred == null ? List.of() : inferred.language().outputs();
            if (inferred != null) {
                run.console.step("language " + inferred.language().name() + " (component.json names none; inferred from " + inferred.from() + ")");
            }
        }
        List<Output> list = new ArrayList<>();
        for (String spec : specs) {
            list.add(parse(spec));
        }
        for (Output a : list) {
            for (Output b : list) {
                if (a != b && (a.to.equals(b.to) || a.to.startsWith(b.to + "/"))) {
                    throw Exit.badInput("outputs " + a.to + " and " + b.to + " overlap: give each output its own folder");
                }
            }
        }
        return new Outputs(run, list, explicit);
    }

    /** "CONTAINER_PATH[:LOCAL_PATH]"; the local path defaults to the last part of the container path. */
    static Output parse(String spec) {
        int colon = spec.indexOf(':');
        String from = colon < 0 ? spec : spec.substring(0, colon);
        String trimmed = from.replaceAll("/+$", "");
        String to = colon < 0 ? trimmed.substring(trimmed.lastIndexOf('/') + 1) : spec.substring(colon + 1);
        if (!from.startsWith("/") || from.equals("/")) {
            throw Exit.badInput("output " + Json.quote(spec) + ": the path in the image must be absolute, e.g. /app/obj");
        }
        return new Output(from, checkDestination(spec, to));
    }

    private static String checkDestination(String spec, String to) {
        String normal = Repository.normal(to);
        if (normal == null) {
            throw Exit.badInput("output " + Json.quote(spec) + ": " + Json.quote(to)
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
                throw Exit.badInput("output " + output.to + " is or passes through a symbolic link: the kit never writes through a link;"
                        + " replace it with a folder, or copy " + output.from + " elsewhere with --output " + output.from + ":OTHER");
            }
            if (Files.exists(directory.resolve(output.to), LinkOption.NOFOLLOW_LINKS) && !previous.contains(output.to)) {
                if (!committed(output.to)) {
                    throw Exit.badInput(output.to + " already exists and was not copied out by an earlier build (nor is it committed to git, unchanged):"
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
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS) || !Repository.kitsOwn(manifest)) {
            run.console.warn(MANIFEST + " is not a plain file (a link or a hard link?), which the kit never writes: ignored");
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
                    run.console.warn(MANIFEST + " lists " + Json.quote(entry) + ", which the kit never writes: left alone");
                } else {
                    previous.add(normal);
                }
            }
        } catch (IOException e) {
            throw Exit.failure("cannot read " + manifest + ": " + e.getMessage());
        }
        return previous;
    }

    /**
     * Copies every output out of COMPONENT's build image: a container of it (removed however the run
     * ends), each output into a staging folder, then each into place.
     */
    void copyOut(Component component) {
        String container = component.name + "-build-" + run.id;
        run.track(CONTAINER, container, () -> run.commands.cleanUp(Docker.remove(container)));
        run.commands.quietly("docker create", Docker.create(container, component.buildImage(), component.labels(run.id, "build")));
        Path staging = directory.resolve(".pipkit-staging-" + run.id);
        if (run.changesFiles()) {
            try {
                Files.createDirectory(staging);
            } catch (IOException e) {
                throw Exit.failure("cannot create " + staging + ": " + e.getMessage());
            }
            run.track(STAGING, staging.getFileName().toString(), () -> Repository.delete(staging));
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
            plain(staging.resolve(Integer.toString(i)), list.get(i).from);
            move(staging.resolve(Integer.toString(i)), to);
            if (!Files.exists(to)) {
                throw Exit.failure("output " + list.get(i).from + " did not arrive at " + list.get(i).to);
            }
        }
    }

    /**
     * What a build image may not hand over with an output (copied out by root in CI): set-user-ID,
     * set-group-ID and sticky bits go, and device nodes, FIFOs and sockets are not copied out.
     */
    private void plain(Path tree, String from) {
        int special = 0;
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.toList()) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isOther()) {
                    Files.delete(path);
                    special++;
                } else if (!attributes.isSymbolicLink() && ((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07000) != 0) {
                    Files.setPosixFilePermissions(path, attributes.permissions());   // the permissions alone: the special bits go
                }
            }
        } catch (IOException e) {
            throw Exit.failure("cannot check the output " + from + " (" + e.getMessage() + ")");
        }
        if (special > 0) {
            run.console.warn(from + " held " + special + " device node(s), FIFO(s) or socket(s): not copied out");
        }
    }

    private void move(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw Exit.failure("cannot move the output into " + directory.relativize(to) + ": " + e.getMessage());
        }
    }

    /** Writes the manifest through TEMP, a file in this run's own staging folder, so it appears whole or not at all. */
    private void writeManifest(Iterable<String> entries, Path temp) {
        Path manifest = directory.resolve(MANIFEST);
        try {
            Files.writeString(temp, String.join("\n", entries) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw Exit.failure("cannot write " + manifest + ": " + e.getMessage());
        }
    }

    /**
     * Before a build: moves the outputs the last build copied out (and the committed ones it
     * replaces) aside with their manifest, into .pipkit-previous-RUNID, listed in its file "paths".
     * They come back when the run ends any other way than after {@link #dropPrevious} (a failed or
     * interrupted build leaves the repository as it was), and a killed run's successor puts them back.
     */
    void setAsidePrevious() {
        Set<String> old = previous();
        old.addAll(committed);
        List<String> moving = new ArrayList<>();
        for (String previous : old) {
            if (!Repository.reachable(directory, previous)) {
                run.console.warn(MANIFEST + " lists " + previous + ", which passes through a symbolic link: left alone");
            } else if (Files.exists(directory.resolve(previous), LinkOption.NOFOLLOW_LINKS)) {
                moving.add(previous);
            }
        }
        boolean manifest = Files.exists(directory.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS);
        if (moving.isEmpty() && !manifest) {
            return;
        }
        Path aside = directory.resolve(".pipkit-previous-" + run.id);
        String name = aside.getFileName().toString();
        if (!run.changesFiles()) {
            run.console.print("mkdir " + name);
            for (int i = 0; i < moving.size(); i++) {
                run.console.print("mv " + Commands.shell(List.of(moving.get(i))) + " " + name + "/" + i);
            }
            if (manifest) {
                run.console.print("mv " + MANIFEST + " " + name + "/manifest");
            }
            return;
        }
        try {
            Files.createDirectory(aside);
            run.track(PREVIOUS, name, () -> putBack(run, aside));
            Files.writeString(aside.resolve("paths"), String.join("\n", moving) + "\n", StandardCharsets.UTF_8);
            for (int i = 0; i < moving.size(); i++) {
                Files.move(directory.resolve(moving.get(i)), aside.resolve(Integer.toString(i)), StandardCopyOption.ATOMIC_MOVE);
            }
            if (manifest) {
                Files.move(directory.resolve(MANIFEST), aside.resolve("manifest"), StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw Exit.failure("cannot move the previous outputs aside into " + name + ": " + e.getMessage());
        }
    }

    /** After a build that copied its outputs into place: the previous ones go for good. */
    void dropPrevious() {
        Path aside = directory.resolve(".pipkit-previous-" + run.id);
        if (run.changesFiles()) {
            Repository.delete(aside);
        } else if (!previous().isEmpty() || !committed.isEmpty() || Files.exists(directory.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
            run.console.print("rm -rf " + aside.getFileName());
        }
    }

    /**
     * Puts back what {@link #setAsidePrevious} moved into ASIDE: what the run copied into place
     * instead (its manifest at the root lists it) goes, each old output and its manifest return,
     * and the folder goes. An entry that fails the path rule, or whose place is taken, stays out.
     */
    static void putBack(ScriptRun run, Path aside) {
        if (!Files.isDirectory(aside, LinkOption.NOFOLLOW_LINKS)) {
            return;   // moved on: the build succeeded
        }
        Path directory = run.directory;
        try {
            List<String> paths = Files.exists(aside.resolve("paths")) ? Files.readAllLines(aside.resolve("paths"), StandardCharsets.UTF_8) : List.of();
            Outputs outputs = new Outputs(run, List.of(), false);
            for (String added : outputs.previous()) {
                if (Repository.reachable(directory, added)) {
                    Repository.delete(directory.resolve(added));
                }
            }
            Repository.delete(directory.resolve(MANIFEST));
            for (int i = 0; i < paths.size(); i++) {
                String path = Repository.normal(paths.get(i));
                Path from = aside.resolve(Integer.toString(i));
                if (path != null && Repository.linkFree(directory, path) && !Files.exists(directory.resolve(path), LinkOption.NOFOLLOW_LINKS)
                        && Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(directory.resolve(path).getParent());
                    Files.move(from, directory.resolve(path), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            if (Files.isRegularFile(aside.resolve("manifest"), LinkOption.NOFOLLOW_LINKS)) {
                Files.move(aside.resolve("manifest"), directory.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE);
            }
            run.console.step("the previous outputs are back in place (" + (paths.isEmpty() ? MANIFEST : String.join(", ", paths)) + ")");
        } catch (IOException e) {
            throw Exit.failure("cannot put the previous outputs back from " + aside.getFileName() + " (" + e.getMessage() + "): they are there");
        }
        Repository.delete(aside);
    }

    /** Removes the outputs the last build copied out, and only those, before a new build. */
    void removePrevious() {
        Set<String> old = previous();
        old.addAll(committed);
        for (String previous : old) {
            if (!Repository.reachable(directory, previous)) {
                run.console.warn(MANIFEST + " lists " + previous + ", which passes through a symbolic link: left alone");
            } else if (run.changesFiles()) {
                Repository.delete(directory.resolve(previous));
            } else {
                run.console.print("rm -rf " + Commands.shell(List.of(previous)));
            }
        }
        if (run.changesFiles()) {
            Repository.delete(directory.resolve(MANIFEST));
        } else {
            run.console.print("rm -f " + MANIFEST);
        }
    }
}
