import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One home per concept: the Step and Language tables, and everything derived from them or checked
 * against them. Each test is an item of CONTRIBUTING.md's checklists, for every step or language.
 */
class TablesTest {
    /** The script's command object, as its main makes it: the class the row names. */
    static Object command(Step step) {
        try {
            return Class.forName(step.className()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(step.script() + ": no class " + step.className() + " the tests can see: list the script in tests/RunTests.java's //SOURCES", e);
        }
    }

    @Test
    void everyStepIsAScriptAsTheChecklistSaysAndEveryScriptIsAStep() throws IOException {
        List<String> scripts;
        try (Stream<Path> files = Files.list(Harness.ROOT)) {
            scripts = files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".java")).sorted().toList();
        }
        assertEquals(scripts, Step.ALL.stream().map(Step::script).sorted().toList(), "every script at the root is a row of lib/Step.java");
        for (Step step : Step.ALL) {
            Path file = Harness.ROOT.resolve(step.script());
            String text = Files.readString(file);
            assertTrue(text.startsWith("///usr/bin/env true; exec jbang \"$0\" \"$@\"\n") && text.contains("\n//DESCRIPTION ")
                    && text.contains("\n//SOURCES lib/Kit.java"), step.script() + ": its first line, //DESCRIPTION and //SOURCES lib/Kit.java");
            assertTrue(Files.isExecutable(file), step.script() + " has no run bit: chmod +x " + step.script());
            assertTrue(text.contains("\nclass " + step.className() + " ") && text.contains("System.exit(Kit.run(new " + step.className() + "(), args))"),
                    step.script() + ": class " + step.className() + " and its main");
            command(step);
            assertTrue(step.replaces() == null || step.replaces().equals(step.name() + ".ps1"), step + " replaces its own ps1");
        }
    }

    @Test
    void theCatalogIsTheTable() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (Step step : Step.ALL) {
            expected.put(step.name(), step.script() + " " + step.description());
            for (String alias : step.aliases()) {
                expected.put(alias, step.script() + " The same as " + step.name());
            }
        }
        Map<String, String> catalog = new LinkedHashMap<>();
        new ObjectMapper().readTree(Files.readString(Harness.ROOT.resolve("jbang-catalog.json"))).path("aliases").fields()
                .forEachRemaining(alias -> catalog.put(alias.getKey(), alias.getValue().path("script-ref").asText() + " " + alias.getValue().path("description").asText()));
        StringBuilder lines = new StringBuilder();
        expected.forEach((name, entry) -> lines.append(String.format("    \"%s\": {\"script-ref\": \"%s\", \"description\": \"%s\"},%n", name,
                entry.substring(0, entry.indexOf(' ')), entry.substring(entry.indexOf(' ') + 1))));
        assertEquals(expected, catalog, "jbang-catalog.json's aliases, as lib/Step.java has them:\n" + lines);
    }

    @Test
    void whatStepsMakeIsWhatTheRegistryKnowsAndWhatCleanAndComposeRead() {
        Set<String> words = new TreeSet<>(Kit.RESOURCES.stream().map(ScriptRun.Resource::word).toList());
        assertEquals(Kit.RESOURCES.size(), words.size(), "one word per kind");
        Set<String> made = new TreeSet<>();
        Step.ALL.forEach(step -> made.addAll(step.makes()));
        assertEquals(words, made, "every kind in Kit.RESOURCES is made by a step, and every step makes only kinds it lists");
        Component component = Component.parse(Path.of("component.json"), "{\"name\": \"beacons\", \"version\": \"1.0.0\"}");
        for (Step step : Step.ALL) {
            boolean project = Compose.projects(component).matcher(Compose.project(component, step.name(), "0123abcd")).matches();
            assertEquals(step.makes().contains("project"), project, step.name() + "'s compose projects are known to clean and to a killed run's successor");
        }
    }

    @Test
    void theInstallerCopiesEveryStepButItself() {
        for (Step step : Step.ALL) {
            assertEquals(!step.name().equals("install"), Install.KIT_FILES.contains(step.script()), step.script());
        }
    }

    @Test
    void theReadmeShowsEveryStep() throws IOException {
        String readme = Files.readString(Harness.ROOT.resolve("README.md"));
        for (Step step : Step.ALL) {
            assertTrue(readme.contains("\n    ./jbang " + step.script()), "README's \"The scripts\" has no usage line of " + step.script());
        }
    }

    @Test
    void theCiExamplesCallScriptsAndOptionsThatExist() throws IOException {
        // README's and those the docs it links to hold
        String readme = Files.readString(Harness.ROOT.resolve("README.md")) + Files.readString(Harness.ROOT.resolve("docs/build-cache.md"))
                + Files.readString(Harness.ROOT.resolve("docs/safety.md"));
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        Map<String, String> helps = new LinkedHashMap<>();
        int commands = 0;
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            JsonNode pipeline = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(blocks.group(1));
            assertTrue(pipeline.isObject() && pipeline.size() > 0, blocks.group(1));
            found.add(pipeline.has("jobs") ? "github" : "gitlab");
            List<String> lines = new ArrayList<>();
            pipeline.findValues("run").forEach(node -> lines.add(node.asText()));
            for (String key : List.of("script", "after_script")) {
                pipeline.findValues(key).forEach(node -> node.forEach(line -> lines.add(line.asText())));
            }
            for (String line : lines) {
                Matcher command = Pattern.compile("(?:\\.|pipkit)/jbang (?:pipkit/)?(\\S+\\.java)((?: [^;&|]*)?)").matcher(line);
                while (command.find()) {
                    String script = command.group(1);
                    Step step = Step.ALL.stream().filter(each -> each.script().equals(script)).findFirst()
                            .orElseThrow(() -> new AssertionError("the CI example calls " + script + ", which is no step"));
                    String help = helps.computeIfAbsent(script, name -> Harness.inProcess(command(step), Map.of(), new Harness.Recorder(), "--help").out());
                    for (String option : command.group(2).strip().split("\\s+")) {
                        if (option.startsWith("-")) {
                            assertTrue(help.contains(option.split("=")[0]), script + " has no option " + option);
                        }
                    }
                    commands++;
                }
            }
        }
        assertEquals(List.of("github", "gitlab"), found.stream().distinct().sorted().toList(), "both CI's examples");
        assertTrue(commands >= 6, "too few commands found in the CI examples: " + commands);
    }

    @Test
    void everyLanguageHasItsTemplateAndIsKnownByItsNamesImagesAndPackage() throws IOException {
        for (Language language : Language.ALL) {
            Path template = Harness.ROOT.resolve("templates/" + language.name());
            for (String file : List.of("docker/Dockerfile.build", "docker/Dockerfile.test", "docker/docker-compose.test.yml", "docker/Dockerfile",
                    "docker/docker-compose.yml", ".dockerignore")) {
                assertTrue(Files.isRegularFile(template.resolve(file)), language.name() + ": templates/" + language.name() + "/" + file);
            }
            for (String compose : List.of("docker/docker-compose.test.yml", "docker/docker-compose.yml")) {
                assertEquals(services(Files.readString(template.resolve(compose))), inits(Files.readString(template.resolve(compose))),
                        language.name() + "'s " + compose + ": init: true in every service");
            }
            Language.Inferred inferred = Language.infer(template, Files.readString(template.resolve("docker/Dockerfile.build")));
            assertNotNull(inferred, language.name());
            assertEquals(language, inferred.language(), language.name() + "'s Dockerfile.build starts FROM one of its images");
            for (String name : Stream.concat(Stream.of(language.name()), language.aliases().stream()).toList()) {
                assertEquals(language, Language.named(name.toUpperCase(java.util.Locale.ROOT)), name);
            }
            assertTrue(language.packageType() == null || Release.TYPES.contains(language.packageType()), language.name());
            for (String output : language.outputs()) {
                Outputs.parse(output);
            }
            assertTrue(Files.readString(Harness.ROOT.resolve("docs/templates.md")).contains(language.name()), "docs/templates.md names " + language.name());
        }
        assertEquals(new TreeSet<>(Language.ALL.stream().map(Language::name).toList()), new TreeSet<>(List.of(Harness.ROOT.resolve("templates").toFile().list())),
                "every folder of templates/ is a language's");
    }

    @Test
    void contributingNamesFilesAndNamesThatExist() throws IOException {
        String guide = Files.readString(Harness.ROOT.resolve("CONTRIBUTING.md"));
        Matcher code = Pattern.compile("`([A-Za-z./]+)`").matcher(guide);
        List<String> checked = new ArrayList<>();
        while (code.find()) {
            String name = code.group(1);
            if (name.startsWith("/")) {
                continue;   // a directive: //SOURCES
            }
            if (name.contains("/") || name.matches("[a-z-]+\\.(java|json|md)") && !name.equals("scan.java")) {
                assertTrue(Files.exists(Harness.ROOT.resolve(name.replace("NAME", "java"))), "CONTRIBUTING.md names " + name + ", which is not there");
                checked.add(name);
            } else if (name.matches("[A-Z][A-Za-z]+\\.[A-Z_a-z]+")) {
                // a lib/ class's member (Kit.RESOURCES), or a file of a template's docker/ set (Dockerfile.build)
                Path lib = Harness.ROOT.resolve("lib/" + name.substring(0, name.indexOf('.')) + ".java");
                assertTrue(Files.exists(lib) && Files.readString(lib).contains(name.substring(name.indexOf('.') + 1))
                        || Files.exists(Harness.ROOT.resolve("templates/java/docker/" + name)), "CONTRIBUTING.md names " + name + ", which is not there");
                checked.add(name);
            }
        }
        assertTrue(checked.size() >= 8, "too few names checked: " + checked);
    }

    /** The services of a compose file, in its `services:` block, by their indented names. */
    static List<String> services(String compose) {
        List<String> services = new ArrayList<>();
        Matcher service = Pattern.compile("(?m)^  ([A-Za-z0-9_.-]+):\\s*$").matcher(compose.substring(compose.indexOf("services:")));
        while (service.find()) {
            services.add(service.group(1));
        }
        return services;
    }

    /** The services that say init: true. */
    static List<String> inits(String compose) {
        List<String> services = new ArrayList<>();
        String current = null;
        for (String line : compose.substring(compose.indexOf("services:")).split("\n")) {
            Matcher service = Pattern.compile("^  ([A-Za-z0-9_.-]+):\\s*$").matcher(line);
            if (service.matches()) {
                current = service.group(1);
            } else if (line.matches("^    init: true\\s*$") && current != null) {
                services.add(current);
            }
        }
        return services;
    }
}
