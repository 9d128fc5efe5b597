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

class Install implements Callable<Integer>, Cli.Declared, Kit.Seamed {
    /** What a repository gets besides lib/: every step's script but this one, the JBang wrapper and the catalog. */
    static final List<String> KIT_FILES = Installed.KIT_FILES;

    final Kit.Usage usage = new Kit.Usage();
    List<Path> targets;
    Path target;
    boolean upgrade;
    String language;
    String name;
    String registry;
    String version;
    boolean force;
    boolean dryRun;
    Kit.Seams seams = Kit.Seams.SYSTEM;

    @Override
    public void declare(Cli cli) {
        cli.usage("install", "Puts the kit (the scripts, lib/, jbang, jbang.cmd, the catalog) into TARGET. Into an existing repository (it has docker/ or "
                + "component.json) the kit alone: its docker/ and .dockerignore are left as they are, and what its ps1 scripts did differently from the kit's "
                + "defaults is carried into component.json (only added fields), or said as a flag for CI; .gitignore gets what keeps the kit's files in "
                + "and its journals out. Into a new repository also the docker/ set of --language and a component.json. Run it from the kit's folder. "
                + "A file of the target's that would change is never overwritten without --force; --dry-run prints the whole plan. lib/kit.json records "
                + "the kit's release, its commit and each file's SHA-256. With --upgrade, each TARGET's kit becomes this one: only the kit's files change, "
                + "and a repository with a kit file edited since it was installed keeps its whole kit (the edit shown as a diff) unless --force.",
                "  none",
                "%nExample:",
                "  ./jbang install.java --dry-run ../pip-services-beacons-node",
                "  ./jbang install.java --language python --registry pipdevs ../beacons-python",
                "  ./jbang install.java --upgrade --dry-run ../*-node");
        cli.mixin("usage", usage);
        cli.parameters("TARGET", "The microservice repository to put the kit into (with --upgrade: one or more).", Path.class, values -> targets = values);
        cli.flag("--upgrade", "Upgrade the kit an earlier release put into each TARGET to this one: add, replace and remove the kit's "
                + "files only, and end with a table (repository, from, to, changed files, refused).", on -> upgrade = on);
        cli.option("-l, --language", "LANGUAGE", "node, go, java, python, dart or dotnet (or another name of one: golang, typescript...): the docker/ set of a new repository (needed there).",
                String.class, value -> language = value);
        cli.option("--name", "NAME", "A new repository's component name (default: the target folder's name, asked on a terminal).", String.class, value -> name = value);
        cli.option("--registry", "REGISTRY", "A new repository's registry or Docker Hub namespace (default: none, asked on a terminal).",
                String.class, value -> registry = value);
        cli.option("--version-number", "VERSION", "A new repository's version (default 1.0.0).", String.class, value -> version = value).defaultValue("1.0.0");
        cli.flag("--force", "Overwrite the target's copies of the kit's files that differ.", on -> force = on);
        cli.flag("--dry-run", "Print the whole plan: what would be copied, added and said; change nothing.", on -> dryRun = on);
    }

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
        if (upgrade) {
            if (language != null || name != null || registry != null) {
                throw Exit.badInput("--upgrade changes only the kit's files: --language, --name and --registry are for a new repository");
            }
            return upgrade(console, kit);
        }
        if (targets.size() > 1) {
            throw Exit.badInput("install.java puts the kit into one TARGET (" + targets.size() + " given): --upgrade takes several");
        }
        target = targets.get(0);
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
        Map<String, Path> kitFiles = kitFiles(kit);
        kitFiles.forEach((file, source) -> copies.put(source, to.resolve(file)));
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
        for (String file : List.of(Component.FILE, ".gitignore", Installed.FILE)) {
            if (Files.isSymbolicLink(to.resolve(file))) {
                throw Exit.badInput(file + " in " + target + " is a symbolic link: the installer never writes through links");
            }
        }
        gitignore(to, target.toString());   // checked now: appended to at the end
        List<String> theirs = theirs(to.resolve("lib"), kitFiles.keySet());
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
            throw Exit.badInput("these files of " + target + " would be overwritten: " + String.join(", ", conflicts)
                    + (Installed.read(to) != null ? " (it has a kit: --upgrade upgrades it; " : " (") + "use --force to overwrite them)");
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
            copy(console, kit, copy.getKey(), copy.getValue());
        }
        record(console, to, kitFiles, Kit.commit(kit, seams.exec()));
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
        if (migration != null) {
            ignore(console, to, migration.gitignore);
        }
        console.step(dryRun ? "dry run: nothing was changed" : (adopting ? "adopted " : "installed the kit (" + known.name() + ") into ") + to
                + "; next: cd " + to + " && ./jbang build.java");
        return Exit.OK;
    }

    /**
     * One repository's upgrade: the kit it has (FROM), this kit's files to COPY in (added or
     * replaced), the earlier kit's files to REMOVE, the kit files EDITED since they were installed
     * (the repository is refused unless --force), and the files in the earlier kit's places that no
     * kit ever shipped, which are the repository's and stay (LEFT).
     */
    private record Plan(String given, Path to, Installed from, Map<String, Path> copy, List<String> remove, List<String> edited, List<String> left,
            List<String> ignore) {
        boolean refused(boolean force) {
            return !edited.isEmpty() && !force;
        }
    }

    /** --upgrade: every TARGET checked and planned before any changes, then each changed but the refused, then the table. */
    private Integer upgrade(Console console, Path kit) throws IOException {
        Map<String, Path> kitFiles = kitFiles(kit);
        String commit = Kit.commit(kit, seams.exec());
        String to = Installed.release(Installed.VERSION, commit);
        List<Plan> plans = new ArrayList<>();
        for (Path given : targets) {
            Path folder = given.toAbsolutePath().normalize();
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(folder.resolve(Component.FILE), LinkOption.NOFOLLOW_LINKS)) {
                throw Exit.badInput(given + " is not a microservice repository (a folder with a component.json): nothing was changed");
            }
            if (folder.equals(kit)) {
                throw Exit.badInput("a target is the kit itself: give the microservice repositories' folders");
            }
            Installed from = Installed.read(folder);
            if (from == null) {
                throw Exit.badInput(given + " has no kit to upgrade (no " + Installed.FILE + ", no lib/Kit.java): put one there with ./jbang install.java " + given);
            }
            if (Installed.older(Installed.VERSION, from.version())) {
                throw Exit.badInput(given + " has kit " + from.version() + ", newer than this one (" + Installed.VERSION + "): upgrade it from that kit or a later one");
            }
            if (plans.stream().noneMatch(plan -> same(plan.to(), folder))) {
                plans.add(plan(kit, given.toString(), folder, from, kitFiles));
            }
        }
        for (Plan plan : plans) {
            console.print("# " + plan.to() + ": kit " + plan.from().describe() + " -> " + to + (plan.refused(force) ? ": refused, a kit file was edited since it was installed" : ""));
            for (String file : plan.edited()) {
                Path source = kitFiles.get(file);
                console.print("# " + file + " was edited since it was installed" + (force ? ", and --force replaces it:" : ", and is kept with the rest of this kit (--force replaces it):"));
                console.print(git(kit, null, "diff", "--no-index", "--no-ext-diff", "--no-textconv", "--no-color", "--",
                        source == null ? "/dev/null" : source.toString(), plan.to().resolve(file).toString()).stripTrailing()
                        .replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "?"));   // the repository's text: no terminal sequence of its own reaches the terminal
            }
            for (String file : plan.left()) {
                console.print("# " + file + " is no file a kit shipped: the repository's, left as it is");
            }
            if (plan.refused(force)) {
                continue;
            }
            for (Map.Entry<String, Path> copy : plan.copy().entrySet()) {
                copy(console, kit, copy.getValue(), plan.to().resolve(copy.getKey()));
            }
            for (String file : plan.remove()) {
                if (dryRun) {
                    console.print("rm " + Commands.shell(List.of(plan.to().resolve(file).toString())));
                } else {
                    Files.delete(plan.to().resolve(file));
                }
            }
            record(console, plan.to(), kitFiles, commit);
            ignore(console, plan.to(), plan.ignore());
        }
        int width = plans.stream().mapToInt(plan -> plan.given().length()).max().orElse(0);
        int fromWidth = plans.stream().mapToInt(plan -> plan.from().describe().length()).max().orElse(0);
        String row = "%-" + Math.max(width, 10) + "s  %-" + Math.max(fromWidth, 4) + "s  %-" + to.length() + "s  %7s  %s";
        console.print(String.format(row, "repository", "from", "to", "changed", "refused"));
        for (Plan plan : plans) {
            console.print(String.format(row, plan.given(), plan.from().describe(), plan.refused(force) ? "-" : to,
                    plan.refused(force) ? 0 : plan.copy().size() + plan.remove().size(), plan.refused(force) ? String.join(", ", plan.edited()) : "-"));
        }
        long refused = plans.stream().filter(plan -> plan.refused(force)).count();
        if (refused > 0) {
            throw Exit.failure(refused + " of " + plans.size() + " repositories kept their kit: a kit file was edited since it was installed (the diffs above); "
                    + "--force replaces them" + (dryRun ? "; dry run: nothing was changed" : ""));
        }
        console.step(dryRun ? "dry run: nothing was changed" : "upgraded " + plans.size() + (plans.size() == 1 ? " repository" : " repositories") + " to kit " + to);
        return Exit.OK;
    }

    /**
     * What upgrading FOLDER (holding kit FROM) to this kit's files changes. A file is the kit's as it
     * was put there when its SHA-256 is the one FROM's record lists, or (a kit from before such a
     * record, or one not in it) when this kit's own git history holds it; anything else was edited.
     */
    private Plan plan(Path kit, String given, Path folder, Installed from, Map<String, Path> kitFiles) throws IOException {
        java.util.Set<String> names = new java.util.TreeSet<>(kitFiles.keySet());
        names.addAll(from.files().keySet());
        if (from.files().isEmpty() && Files.isDirectory(folder.resolve("lib"), LinkOption.NOFOLLOW_LINKS)) {
            list(folder.resolve("lib")).forEach(file -> names.add("lib/" + file.getFileName()));
        }
        names.removeIf(name -> !Installed.NAME.matcher(name).matches());   // only kit-shaped names: never the repository's own files
        if (!Files.isWritable(folder) || Files.isDirectory(folder.resolve("lib")) && !Files.isWritable(folder.resolve("lib"))) {
            throw Exit.badInput(given + " (or its lib/) cannot be written to: nothing was changed");
        }
        Map<String, byte[]> changed = new LinkedHashMap<>();
        for (String name : Kit.join(List.copyOf(names), List.of(Installed.FILE, ".gitignore"))) {
            Path file = folder.resolve(name);
            if (!Repository.linkFree(folder, name)) {
                throw Exit.badInput(name + " in " + given + " is or passes through a symbolic link: the installer never writes through links; nothing was changed");
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > Repository.LARGEST) {
                    throw Exit.badInput(name + " in " + given + " is not a file of the kit's (a regular file of at most 16 MiB): nothing was changed");
                }
                if (names.contains(name) && (!kitFiles.containsKey(name) || Files.mismatch(file, kitFiles.get(name)) != -1)) {
                    changed.put(name, Files.readAllBytes(file));
                }
            }
        }
        List<String> ignore = gitignore(folder, given);
        java.util.Set<String> shipped = shipped(kit, changed.keySet());
        Map<String, Path> copy = new java.util.TreeMap<>();
        List<String> remove = new ArrayList<>();
        List<String> edited = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String name : names) {
            Path source = kitFiles.get(name);
            boolean there = Files.exists(folder.resolve(name), LinkOption.NOFOLLOW_LINKS);
            if (there && !changed.containsKey(name) || !there && source == null) {
                continue;   // as this kit has it, or gone from both
            }
            byte[] content = changed.get(name);
            boolean asInstalled = content == null || Installed.sha256(content).equals(from.files().get(name))
                    || Installed.blobs(content).stream().anyMatch(blob -> shipped.contains(name + " " + blob));
            if (!asInstalled && source == null && !from.files().containsKey(name)) {
                left.add(name);
                continue;
            }
            if (!asInstalled) {
                edited.add(name);
            }
            if (source != null) {
                copy.put(name, source);
            } else {
                remove.add(name);
            }
        }
        return new Plan(given, folder, from, copy, remove, edited, left, ignore);
    }

    /**
     * Every version of the files NAMES that the kit's own git history holds, as "NAME BLOB": a file of
     * a repository is one the kit shipped when its content is a version of the file of that name.
     */
    private java.util.Set<String> shipped(Path kit, java.util.Collection<String> names) {
        java.util.Set<String> versions = new java.util.HashSet<>();
        if (names.isEmpty()) {
            return versions;
        }
        List<String> log = Kit.join(List.of("log", "--all", "--raw", "--no-abbrev", "--no-renames", "--format=", "--"), List.copyOf(names));
        for (String line : git(kit, null, log.toArray(String[]::new)).lines().toList()) {
            String[] change = line.split("\t", 2);   // :100644 100644 OLD NEW M<TAB>lib/Step.java
            String[] fields = change[0].split(" ");
            if (change.length == 2 && fields.length >= 4 && line.startsWith(":")) {
                versions.add(change[1] + " " + fields[2]);
                versions.add(change[1] + " " + fields[3]);
            }
        }
        return versions;
    }

    /** The lines FOLDER's .gitignore needs (what keeps the kit's files in and its journals out), read now: one that is not UTF-8 text is bad input. */
    private static List<String> gitignore(Path folder, String given) throws IOException {
        Path file = folder.resolve(".gitignore");
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)));
            } catch (java.nio.charset.CharacterCodingException e) {
                throw Exit.badInput(".gitignore in " + given + " is not UTF-8 text, and the installer adds lines to it: nothing was changed");
            }
            if ((int) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                throw Exit.badInput(".gitignore in " + given + " is a hard link: the installer never writes through links; nothing was changed");
            }
        }
        return Migration.gitignoreLines(folder, Kit.join(KIT_FILES, List.of("lib")));
    }

    /** The files in LIB (the target's lib/) that are not the kit's (KIT_FILES, lib/kit.json): the repository's own (a Dart package's sources). */
    private static List<String> theirs(Path lib, java.util.Set<String> kitFiles) throws IOException {
        if (!Files.isDirectory(lib, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(lib)) {
            return files.filter(file -> !file.equals(lib)).map(file -> "lib/" + lib.relativize(file)).filter(file -> !kitFiles.contains(file) && !file.equals(Installed.FILE))
                    .sorted().toList();
        }
    }

    /** This kit's files, by their name in a repository: KIT_FILES and the helpers in lib/ (not a lib/kit.json of its own). */
    private static Map<String, Path> kitFiles(Path kit) throws IOException {
        Map<String, Path> files = new java.util.TreeMap<>();
        for (String file : KIT_FILES) {
            files.put(file, kit.resolve(file));
        }
        for (Path helper : list(kit.resolve("lib"))) {
            files.put("lib/" + helper.getFileName(), helper);
        }
        files.remove(Installed.FILE);
        return files;
    }

    /** Writes TO's lib/kit.json: this kit's release, the COMMIT it is checked out at, KIT_FILES' SHA-256 (printed in a dry run). */
    private void record(Console console, Path to, Map<String, Path> kitFiles, String commit) throws IOException {
        Map<String, String> hashes = new java.util.TreeMap<>();
        for (Map.Entry<String, Path> file : kitFiles.entrySet()) {
            hashes.put(file.getKey(), Installed.sha256(file.getValue()));
        }
        String json = new Installed(Installed.VERSION, commit, hashes).json();
        Path file = to.resolve(Installed.FILE);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && java.util.Arrays.equals(Files.readAllBytes(file), json.getBytes(StandardCharsets.UTF_8))) {
            return;   // up to date
        }
        if (dryRun) {
            console.print("# " + to.resolve(Installed.FILE) + ": the kit's record (release, commit, each file's SHA-256)");
        } else {
            replace(file, json);
        }
    }

    /** What git ARGS prints in the kit's folder (INPUT on its standard input), or "" when it fails. */
    private String git(Path kit, String input, String... args) {
        String out = Kit.git(seams.exec(), kit, input, args);
        return out == null ? "" : out;
    }

    /** Copies SOURCE (a file of the KIT) to DESTINATION, over what is there (a file replaced, never written through); printed in a dry run. */
    private void copy(Console console, Path kit, Path source, Path destination) throws IOException {
        if (dryRun) {
            console.print("cp " + Commands.shell(List.of(kit.relativize(source).toString(), destination.toString())));
        } else {
            Files.createDirectories(destination.getParent());
            Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Replaces FILE with TEXT: written beside it, then moved over it, so that a hard link to it elsewhere is never written through. */
    private static void replace(Path file, String text) throws IOException {
        Path aside = Files.createTempFile(file.getParent(), ".pipkit-install-", ".tmp");
        try {
            Files.writeString(aside, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(aside, Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    private static boolean same(Path one, Path other) {
        try {
            return Files.isSameFile(one, other);
        } catch (IOException e) {
            return false;
        }
    }

    /** Appends LINES (what keeps the kit's files in and its journals out) to TO's .gitignore; printed in a dry run. */
    private void ignore(Console console, Path to, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        Path gitignore = to.resolve(".gitignore");
        String existing = Files.exists(gitignore) ? Files.readString(gitignore, StandardCharsets.UTF_8) : "";
        String added = (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + "# pipkit: its files are the repository's, its journals are not (install.java)\n"
                + String.join("\n", lines) + "\n";
        if (dryRun) {
            console.print("cat >> " + Commands.shell(List.of(gitignore.toString())) + " <<'EOF'\n" + added + "EOF");
        } else {
            replace(gitignore, existing + added);
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
