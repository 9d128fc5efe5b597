import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A language the kit knows, in one place: the names component.json may give it, the base images and
 * manifests that show it when component.json names none, what its Dockerfile.build leaves to copy out
 * (the originals' build.ps1), its docker/ set under templates/NAME, and the library package
 * release.java publishes for it (none for go).
 */
record Language(String name, List<String> aliases, List<String> images, List<String> manifests, List<String> outputs, String packageType) {
    /** In the order the manifests are looked for: a repository with both package.json and pom.xml is node's. */
    static final List<Language> ALL = List.of(
            new Language("node", List.of("nodejs", "javascript", "typescript"), List.of("node"), List.of("package.json"), List.of("/app/obj:obj"), "npm"),
            new Language("go", List.of("golang"), List.of("golang"), List.of("go.mod"), List.of("/app/run:dist/run"), null),
            // Java's lib goes to dist/lib, not lib/ as the originals had it: lib/ holds the kit
            new Language("java", List.of(), List.of("openjdk", "eclipse-temurin", "maven", "gradle", "amazoncorretto"),
                    List.of("pom.xml", "build.gradle", "dependencies.txt"), List.of("/app/obj:obj", "/app/lib:dist/lib"), "maven"),
            new Language("python", List.of(), List.of("python"), List.of("requirements.txt", "setup.py", "pyproject.toml"), List.of(), "pypi"),
            new Language("dart", List.of(), List.of("dart", "google/dart"), List.of("pubspec.yaml"), List.of(), "pub"),
            new Language("dotnet", List.of(".net", "csharp", "c#"), List.of("mcr.microsoft.com/dotnet", "microsoft/dotnet", "dotnet"), List.of("*.csproj"),
                    List.of("/obj:obj", "/dist:dist"), "nuget"));

    private static final Pattern FROM = Pattern.compile("(?im)^\\s*FROM\\s+(?:--\\S+\\s+)*(\\S+)");

    /** A language as inferred, with where it was seen ("docker/Dockerfile.build's FROM node:14", "go.mod"). */
    record Inferred(Language language, String from) {
    }

    /** The language of NAME or one of its aliases, in any case; null for one the kit does not know. */
    static Language named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(language -> language.name.equals(lower) || language.aliases.contains(lower)).findFirst().orElse(null);
    }

    /** The names, for messages: "node, go, java, ...". */
    static String names() {
        return String.join(", ", ALL.stream().map(Language::name).toList());
    }

    /** The language the first FROM of DOCKERFILE (Dockerfile.build's text) names, else the first manifest in DIRECTORY; null when neither says. */
    static Inferred infer(Path directory, String dockerfile) {
        Matcher from = FROM.matcher(dockerfile);
        if (from.find()) {
            String image = from.group(1).toLowerCase(Locale.ROOT).replaceFirst("^docker\\.io/(library/)?", "");
            for (Language language : ALL) {
                for (String known : language.images) {
                    if (image.equals(known) || image.startsWith(known + ":") || image.startsWith(known + "/") || image.startsWith(known + "@")) {
                        return new Inferred(language, "docker/Dockerfile.build's FROM " + from.group(1));
                    }
                }
            }
        }
        for (Language language : ALL) {
            for (String manifest : language.manifests) {
                if (manifest.startsWith("*") ? anyEndsWith(directory, manifest.substring(1)) : Files.isRegularFile(directory.resolve(manifest))) {
                    return new Inferred(language, manifest.startsWith("*") ? "a " + manifest.substring(1) + " file" : manifest);
                }
            }
        }
        return null;
    }

    private static boolean anyEndsWith(Path directory, String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(suffix));
        } catch (IOException e) {
            return false;   // an unreadable folder names no language
        }
    }
}
