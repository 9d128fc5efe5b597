///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Puts the kit into a microservice repository: into an existing one the kit alone, carrying over what its ps1 scripts did; into a new one a language's docker/ set and a component.json too.
//SOURCES lib/Kit.java lib/Migration.java

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "install",
        description = "Puts the kit (the scripts, lib/, jbang, jbang.cmd, the catalog) into TARGET. Into an existing repository (it has docker/ or "
                + "component.json) the kit alone: its docker/ and .dockerignore are left as they are, and what its ps1 scripts did differently from the kit's "
                + "defaults is carried into component.json (only added fields), or said as a flag for CI; .gitignore gets what keeps the kit's files in "
                + "and its journals out. Into a new repository also the docker/ set of --language and a component.json. Run it from the kit's folder. "
                + "A file of the target's that would change is never overwritten without --force; --dry-run prints the whole plan.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  none",
            "%nExample:",
            "  ./jbang install.java --dry-run ../pip-services-beacons-node",
            "  ./jbang install.java --language python --registry pipdevs ../beacons-python"})
class Install implements Callable<Integer>, Kit.Seamed {
    /** What a repository gets besides lib/: every step's script but this one, the JBang wrapper and the catalog. */
    static final List<String> KIT_FILES = Kit.join(Step.ALL.stream().filter(step -> !step.name().equals("install")).map(Step::script).toList(),
            List.of("jbang", "jbang.cmd", "jbang-catalog.json"));

    @Mixin
    Kit.Usage usage;

    @Parameters(paramLabel = "TARGET", description = "The microservice repository to put the kit into.")
    Path target;

    @Option(names = {"-l", "--language"}, paramLabel = "LANGUAGE",
            description = "node, go, java, python, dart or dotnet (or another name of one: golang, typescript...): the docker/ set of a new repository (needed there).")
    String language;

    @Option(names = "--name", paramLabel = "NAME", description = "A new repository's component name (default: the target folder's name, asked on a terminal).")
    String name;

    @Option(names = "--registry", paramLabel = "REGISTRY", description = "A new repository's registry or Docker Hub namespace (default: none, asked on a terminal).")
    String registry;

    @Option(names = "--version-number", paramLabel = "VERSION", defaultValue = "1.0.0", description = "A new repository's version (default 1.0.0).")
    String version;

    @Option(names = "--force", description = "Overwrite the target's copies of the kit's files that differ.")
    boolean force;

    @Option(names = "--dry-run", description = "Print the whole plan: what would be copied, added and said; change nothing.")
    boolean dryRun;

    Kit.Seams seams = Kit.Seams.SYSTEM;

    public static void main(String... args) {
        System.exit(Kit.run(new Install(), args));
    }

    @Override
    public void use(Kit.Seams seams) {
        this.seams = seams;
    }

    @Override
    public Kit.Seams seams() {
        return seams;
    }

    @Override
    public Integer call() throws IOException {
        Console console = new Console(seams.out(), seams.err(), false, false, seams.environment());
        Path kit = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(kit.resolve("templates")) || !Files.exists(kit.resolve("lib/Component.java"))) {
            throw Exit.badInput("run install.java from the kit's folder (the one with templates/ and lib/)");
        }
        Language known = language == null ? null : Language.named(language);
        if (language != null && known == null) {
            throw Exit.badInput("--language must be one of " + Language.names() + ", not " + language);
        }
        Path to = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(to)) {
            throw Exit.badInput("target " + target + " is not a folder: create the repository first");
        }
        if (to.equals(kit)) {
            throw Exit.badInput("the target is the kit itself: give the microservice repository's folder");
        }
        Path componentJson = to.resolve(Component.FILE);
        boolean adopting = Files.exists(to.resolve("docker"), LinkOption.NOFOLLOW_LINKS) || Files.exists(componentJson, LinkOption.NOFOLLOW_LINKS);
        if (!adopting && known == null) {
            throw Exit.badInput("a new repository needs --language (" + Language.names() + "): its docker/ set comes from that language's template");
        }

        Map<Path, Path> copies = new LinkedHashMap<>();
        for (String file : KIT_FILES) {
            copies.put(kit.resolve(file), to.resolve(file));
        }
        List<Path> helpers = list(kit.resolve("lib"));
        for (Path source : helpers) {
            copies.put(source, to.resolve("lib").resolve(source.getFileName()));
        }
        if (!adopting) {
            Path template = kit.resolve("templates").resolve(known.name());
            for (Path source : list(template.resolve("docker"))) {
                copies.put(source, to.resolve("docker").resolve(source.getFileName()));
            }
            copies.put(template.resolve(".dockerignore"), to.resolve(".dockerignore"));
        }
        for (Path destination : copies.values()) {
            if (!Repository.linkFree(to, to.relativize(destination).toString())) {
                throw Exit.badInput(to.relativize(destination) + " in " + target + " is or passes through a symbolic link: the installer never writes through links");
            }
        }
        for (String file : List.of(Component.FILE, ".gitignore")) {
            if (Files.isSymbolicLink(to.resolve(file))) {
                throw Exit.badInput(file + " in " + target + " is a symbolic link: the installer never writes through links");
            }
        }
        List<String> theirs = theirs(to.resolve("lib"), helpers);
        if (!theirs.isEmpty()) {
            throw Exit.badInput("lib/ in " + target + " holds the repository's own files (" + String.join(", ", theirs.subList(0, Math.min(3, theirs.size())))
                    + (theirs.size() > 3 ? ", ..." : "") + "), and lib/ is where the kit's helpers go: move them, or keep this repository on its ps1 scripts");
        }
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<Path, Path> copy : copies.entrySet()) {
            if (Files.exists(copy.getValue()) && Files.mismatch(copy.getKey(), copy.getValue()) != -1) {
                conflicts.add(to.relativize(copy.getValue()).toString());
            }
        }
        if (!conflicts.isEmpty() && !force) {
            throw Exit.badInput("these files of " + target + " would be overwritten: " + String.join(", ", conflicts) + " (use --force to overwrite them)");
        }
        String json = Files.exists(componentJson) ? null : newComponentJson(to, known);
        Component component = json != null ? Component.parse(componentJson, json) : Component.read(to);   // the same checks every script makes
        Migration migration = null;
        String updated = json;
        if (adopting) {
            Language spoken = known != null ? known : Language.named(component.language());
            if (spoken == null) {
                Path build = to.resolve("docker/Dockerfile.build");
                Language.Inferred inferred = Language.infer(to, Files.isRegularFile(build, LinkOption.NOFOLLOW_LINKS) ? Files.readString(build) : "");
                spoken = inferred == null ? null : inferred.language();
            }
            List<String> kitPaths = Kit.join(KIT_FILES, List.of("lib"));
            migration = Migration.read(to, component, spoken, kitPaths);
            String text = json != null ? json : Files.readString(componentJson, StandardCharsets.UTF_8);
            for (Map.Entry<String, String> field : migration.fields.entrySet()) {
                text = Component.withField(text, field.getKey(), field.getValue());
            }
            Component.parse(componentJson, text);
            updated = json == null && text.equals(Files.readString(componentJson, StandardCharsets.UTF_8)) ? null : text;
        }

        console.print("# " + (adopting ? "adopting " + to + ", an existing repository: its docker/ and .dockerignore stay as they are"
                : "installing the kit and the " + known.name() + " docker/ set into " + to));
        for (Map.Entry<Path, Path> copy : copies.entrySet()) {
            if (dryRun) {
                console.print("cp " + Commands.shell(List.of(kit.relativize(copy.getKey()).toString(), copy.getValue().toString())));
            } else {
                Files.createDirectories(copy.getValue().getParent());
                Files.copy(copy.getKey(), copy.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        if (migration != null) {
            for (Migration.Kind kind : Migration.Kind.values()) {
                List<Migration.Finding> found = migration.findings.stream().filter(finding -> finding.kind() == kind).toList();
                if (!found.isEmpty()) {
                    console.print("# " + kind.heading + ":");
                    for (Migration.Finding finding : found) {
                        List<String> sources = finding.source().isEmpty() ? List.of() : List.of(finding.source().split("\n"));
                        console.print("#   " + finding.message() + (sources.isEmpty() ? "" : "\n#       from " + String.join("\n#        and ", sources.subList(0, Math.min(3, sources.size())))
                                + (sources.size() > 3 ? "\n#        and " + (sources.size() - 3) + " more lines" : "")));
                    }
                }
            }
        }
        if (updated != null) {
            if (dryRun) {
                console.print("# " + componentJson + (json != null ? " (new)" : " (fields added)") + ":\n" + updated);
            } else if (json != null) {
                Files.writeString(componentJson, updated);
            } else {
                Component.write(componentJson, updated);
            }
        } else {
            console.print("# " + Component.FILE + ": left as it is");
        }
        if (migration != null && !migration.gitignore.isEmpty()) {
            Path gitignore = to.resolve(".gitignore");
            String existing = Files.exists(gitignore) ? Files.readString(gitignore, StandardCharsets.UTF_8) : "";
            String added = (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + "# pipkit: its files are the repository's, its journals are not (install.java)\n"
                    + String.join("\n", migration.gitignore) + "\n";
            if (dryRun) {
                console.print("cat >> " + Commands.shell(List.of(gitignore.toString())) + " <<'EOF'\n" + added + "EOF");
            } else {
                Files.writeString(gitignore, existing + added, StandardCharsets.UTF_8);
            }
        }
        console.step(dryRun ? "dry run: nothing was changed" : (adopting ? "adopted " : "installed the kit (" + known.name() + ") into ") + to
                + "; next: cd " + to + " && ./jbang build.java");
        return Exit.OK;
    }

    /** The files in LIB (the target's lib/) that are not the kit's HELPERS: the repository's own (a Dart package's sources). */
    private static List<String> theirs(Path lib, List<Path> helpers) throws IOException {
        if (!Files.isDirectory(lib, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> kit = helpers.stream().map(helper -> helper.getFileName().toString()).toList();
        try (Stream<Path> files = Files.walk(lib)) {
            return files.filter(file -> !file.equals(lib)).map(file -> lib.relativize(file).toString())
                    .filter(file -> !kit.contains(file)).sorted().map(file -> "lib/" + file).toList();
        }
    }

    private String newComponentJson(Path to, Language known) {
        String folder = to.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        String component = name != null ? name : ask("component name", folder);
        String where = registry != null ? registry : ask("registry or Docker Hub namespace (empty for local images)", "");
        return "{\n    \"name\": \"" + component + "\",\n"
                + (where.isEmpty() ? "" : "    \"registry\": \"" + where + "\",\n")
                + "    \"version\": \"" + version + "\",\n    \"build\": \"0\"" + (known == null ? "" : ",\n    \"language\": \"" + known.name() + "\"") + "\n}\n";
    }

    /** Asks on a terminal; without one (CI, a pipe) takes the default, asking nothing. */
    private static String ask(String what, String fallback) {
        if (System.console() == null) {
            return fallback;
        }
        String answer = System.console().readLine("%s [%s]: ", what, fallback);
        return answer == null || answer.isBlank() ? fallback : answer.strip();
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
