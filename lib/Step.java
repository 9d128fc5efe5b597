import java.util.List;
import java.util.Set;

/**
 * A script of the kit, in one table: its file (NAME.java) and class, the ps1 script it replaces, the
 * catalog's other names for it and its description there, and the kinds of things its runs make
 * (the words of {@link Kit#RESOURCES}), which a killed run leaves. The catalog (jbang-catalog.json)
 * and the tests are checked against it; the installer, clean and the compose project names read it.
 */
record Step(String name, String className, String replaces, List<String> aliases, String description, Set<String> makes) {
    static final List<Step> ALL = List.of(
            new Step("build", "Build", "build.ps1", List.of(), "Build the build image and copy the compiled outputs out (build.ps1)",
                    Set.of("container", "staging", "previous", "credential", "temp")),
            new Step("test", "Test", "test.ps1", List.of(), "Run the tests with docker/docker-compose.test.yml (test.ps1)",
                    Set.of("project", "credential", "temp")),
            new Step("package", "Package", "package.ps1", List.of(), "Build the release image, start it and check it answers (package.ps1)",
                    Set.of("project", "temp")),
            new Step("publish", "Publish", "publish.ps1", List.of(), "Push the release image (publish.ps1)", Set.of("temp")),
            new Step("run", "Run", "run.ps1", List.of(), "Run the release image in the foreground (run.ps1)", Set.of("project", "temp")),
            new Step("clean", "Clean", "clean.ps1", List.of("clear"), "Remove this component's outputs, images and leftovers (clean.ps1)", Set.of()),
            new Step("tag", "Tag", "tag.ps1", List.of(), "Tag the release in git and push the tag (tag.ps1)", Set.of()),
            new Step("release", "Release", "release.ps1", List.of(),
                    "Publish the component's library packages: npm, Maven, NuGet, PyPI, pub (release.ps1)", Set.of("temp")),
            new Step("pipeline", "Pipeline", null, List.of(), "build, test, package (and publish) in one go", Set.of()),
            new Step("install", "Install", null, List.of(), "Put the kit and a language's docker/ set into a microservice repository", Set.of()));

    /** The script's file name: build.java. */
    String script() {
        return name + ".java";
    }

    /** The steps whose runs make things of the kind WORD ("project": test, package, run). */
    static List<Step> making(String word) {
        return ALL.stream().filter(step -> step.makes.contains(word)).toList();
    }
}
