///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Puts the kit into an existing microservice repository: the scripts, lib/, a language's docker/ set and a component.json.
//SOURCES lib/Kit.java

import java.io.IOException;
import java.nio.file.Files;
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
        description = "Copies the kit (the scripts, lib/, jbang, jbang.cmd) and the docker/ set of one language into TARGET, and writes its "
                + "component.json. Run it from the kit's folder. A file of the target's that would change is never overwritten without --force; an existing component.json never is.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  none",
            "%nExample:",
            "  ./jbang install.java --language python --registry pipdevs ../beacons-python"})
class Install implements Callable<Integer> {
    /** What a repository gets besides lib/: every step's script but this one, the JBang wrapper and the catalog. */
    static final List<String> KIT_FILES = Kit.join(Step.ALL.stream().filter(step -> !step.name().equals("install")).map(Step::script).toList(),
            List.of("jbang", "jbang.cmd", "jbang-catalog.json"));

    @Mixin
    Kit.Usage usage;

    @Parameters(paramLabel = "TARGET", description = "The microservice repository to put the kit into.")
    Path target;

    @Option(names = {"-l", "--language"}, required = true, paramLabel = "LANGUAGE", description = "node, go, java, python, dart or dotnet (or another name of one: golang, typescript...).")
    String language;

    @Option(names = "--name", paramLabel = "NAME", description = "The component's name (default: the target folder's name, asked on a terminal).")
    String name;

    @Option(names = "--registry", paramLabel = "REGISTRY", description = "Registry or Docker Hub namespace (default: none, asked on a terminal).")
    String registry;

    @Option(names = "--version-number", paramLabel = "VERSION", defaultValue = "1.0.0", description = "The component's version (default 1.0.0).")
    String version;

    @Option(names = "--force", description = "Overwrite files of the target that differ.")
    boolean force;

    @Option(names = "--dry-run", description = "Print what would be copied and written; change nothing.")
    boolean dryRun;

    public static void main(String... args) {
        System.exit(Kit.run(new Install(), args));
    }

    @Override
    public Integer call() throws IOException {
        Console console = new Console(System.out, System.err, false, false, System.getenv());
        Path kit = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(kit.resolve("templates")) || !Files.exists(kit.resolve("lib/Component.java"))) {
            throw Exit.badInput("run install.java from the kit's folder (the one with templates/ and lib/)");
        }
        Language known = Language.named(language);
        if (known == null) {
            throw Exit.badInput("--language must be one of " + Language.names() + ", not " + language);
        }
        language = known.name();
        Path to = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(to)) {
            throw Exit.badInput("target " + target + " is not a folder: create the repository first");
        }
        if (to.equals(kit)) {
            throw Exit.badInput("the target is the kit itself: give the microservice repository's folder");
        }

        Map<Path, Path> copies = new LinkedHashMap<>();
        for (String file : KIT_FILES) {
            copies.put(kit.resolve(file), to.resolve(file));
        }
        for (Path source : list(kit.resolve("lib"))) {
            copies.put(source, to.resolve("lib").resolve(source.getFileName()));
        }
        Path template = kit.resolve("templates").resolve(language);
        for (Path source : list(template.resolve("docker"))) {
            copies.put(source, to.resolve("docker").resolve(source.getFileName()));
        }
        copies.put(template.resolve(".dockerignore"), to.resolve(".dockerignore"));

        for (Path destination : copies.values()) {
            if (!Repository.linkFree(to, to.relativize(destination).toString())) {
                throw Exit.badInput(to.relativize(destination) + " in " + target + " is or passes through a symbolic link: the installer never writes through links");
            }
        }
        if (Files.isSymbolicLink(to.resolve(Component.FILE))) {
            throw Exit.badInput(Component.FILE + " in " + target + " is a symbolic link: the installer never writes through links");
        }
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<Path, Path> copy : copies.entrySet()) {
            if (Files.exists(copy.getValue()) && Files.mismatch(copy.getKey(), copy.getValue()) != -1) {
                conflicts.add(to.relativize(copy.getValue()).toString());
            }
        }
        Path componentJson = to.resolve(Component.FILE);
        if (!conflicts.isEmpty() && !force) {
            throw Exit.badInput("these files of " + target + " would be overwritten: " + String.join(", ", conflicts) + " (use --force to overwrite them)");
        }

        for (Map.Entry<Path, Path> copy : copies.entrySet()) {
            if (dryRun) {
                console.print("cp " + Commands.shell(List.of(kit.relativize(copy.getKey()).toString(), copy.getValue().toString())));
            } else {
                Files.createDirectories(copy.getValue().getParent());
                Files.copy(copy.getKey(), copy.getValue(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        if (Files.exists(componentJson)) {
            console.step(Component.FILE + " exists: left as it is (it is the repository's own, never overwritten)");
        } else {
            String json = componentJson(to);
            Component.parse(componentJson, json);   // the same checks every script makes
            if (dryRun) {
                console.print("# " + componentJson + ":\n" + json);
            } else {
                Files.writeString(componentJson, json);
            }
        }
        console.step(dryRun ? "dry run: nothing was changed" : "installed the kit (" + language + ") into " + to + "; next: cd " + to + " && ./jbang build.java");
        return Exit.OK;
    }

    private String componentJson(Path to) {
        String folder = to.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        String component = name != null ? name : ask("component name", folder);
        String where = registry != null ? registry : ask("registry or Docker Hub namespace (empty for local images)", "");
        return "{\n    \"name\": \"" + component + "\",\n"
                + (where.isEmpty() ? "" : "    \"registry\": \"" + where + "\",\n")
                + "    \"version\": \"" + version + "\",\n    \"build\": \"0\",\n    \"language\": \"" + language + "\"\n}\n";
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
