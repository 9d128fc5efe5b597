import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** component.json: validation, image names, the CI build number and the text written back. */
class ComponentTest {
    static final Path FILE = Path.of("component.json");

    static Component parse(String text) {
        return Component.parse(FILE, text);
    }

    static String json(String registry, String build) {
        return "{\"name\": \"beacons\", \"registry\": \"" + registry + "\", \"version\": \"1.0.0\", \"build\": " + build + "}";
    }

    @Test
    void readsWhatPowerShellWritesAndRefusesWhatIsAmbiguous() {
        // Set-Content -Encoding UTF8 writes a byte order mark; it stays when the build number is written back
        Component bom = parse("\uFEFF" + json("pipdevs", "\"7\"")).withBuild("8");
        assertEquals("pipdevs/beacons:1.0.0-8-build", bom.buildImage());
        assertEquals("\uFEFF" + json("pipdevs", "\"8\""), bom.updatedText());
        String twice = "{\"name\": \"beacons\", \"version\": \"1\", \"build\": \"1\", \"build\": \"2\"}";
        assertTrue(assertThrows(Exit.Failure.class, () -> parse(twice)).getMessage().contains("a field is there twice"));
        assertTrue(assertThrows(Exit.Failure.class, () -> parse(json("pipdevs", "1") + " {}")).getMessage().contains("text after its end"));
        String deep = "{\"name\": \"beacons\", \"version\": \"1\", \"x\": " + "[".repeat(1000) + "]".repeat(1000) + "}";
        Exit.Failure failure = assertThrows(Exit.Failure.class, () -> parse(deep));
        assertEquals(Exit.BAD_INPUT, failure.exitCode);
        assertTrue(failure.getMessage().contains("nested too deep"), failure.getMessage());
    }

    @Test
    void dockerArtifactsNameTheReleaseImagesAsTheRepositoriesSince2022Do() {
        String artifacts = "{\"name\": \"beacons\", \"registry\": \"pipdevs\", \"version\": \"1.2.0\", \"build\": \"7\", \"artifacts\": ["
                + "{\"name\": \"beacons\", \"tag\": \"latest\", \"type\": \"docker\"}, {\"name\": \"beacons\", \"tag\": \"<version>-<build>\", \"type\": \"docker\"},"
                + " {\"name\": \"pip-services-beacons-node\", \"type\": \"npm\"}]}";
        Component component = parse(artifacts);
        assertEquals(java.util.List.of("pipdevs/beacons:latest", "pipdevs/beacons:1.2.0-7"), component.releaseImages());
        assertEquals("pipdevs/beacons:1.2.0-7", component.releaseImage());
        assertEquals(java.util.List.of("pipdevs/beacons:1.0.0-7-rc", "pipdevs/beacons:latest"), parse(json("pipdevs", "\"7\"")).releaseImages(), "no artifacts: the originals' tags");
        assertThrows(Exit.Failure.class, () -> parse(artifacts.replace("<version>-<build>", "<version> <build>")));
        assertThrows(Exit.Failure.class, () -> parse(json("pipdevs", "\"7\"").replace("}", ", \"artifacts\": \"docker\"}")));
        // the 2022 form as the repositories write it: <name> is a placeholder too, in the name and the tag
        Component placeholders = parse(artifacts.replace("\"name\": \"beacons\", \"tag\"", "\"name\": \"<name>\", \"tag\"")
                .replace("<version>-<build>", "<name>-<version>-<build>"));
        assertEquals(java.util.List.of("pipdevs/beacons:latest", "pipdevs/beacons:beacons-1.2.0-7"), placeholders.releaseImages());
        assertThrows(Exit.Failure.class, () -> parse(artifacts.replace("\"name\": \"beacons\", \"tag\": \"latest\"", "\"name\": \"<nom>\", \"tag\": \"latest\"")));
    }

    @Test
    void namesTheImagesAndTheTagAsTheOriginalsDo() {
        Component component = parse(json("pipdevs", "\"7\""));
        assertEquals("pipdevs/beacons:1.0.0-7-build", component.buildImage());
        assertEquals("pipdevs/beacons:1.0.0-7-test", component.testImage());
        assertEquals("pipdevs/beacons:1.0.0-7-rc", component.releaseImage());
        assertEquals("pipdevs/beacons:latest", component.latestImage());
        assertEquals("v1.0.0-7", component.gitTag());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pipdevs", "myregistry:5000", "docker.pkg.github.com/org/repo", "localhost:5000", "ghcr.io/my-org", "10.0.0.1:5000/team"})
    void acceptsTheRegistriesRealFilesUse(String registry) {
        assertEquals(registry + "/beacons:1.0.0-1-rc", parse(json(registry, "1")).releaseImage());
    }

    @Test
    void theLoginServerIsDecidedAsDockerDecidesIt() {
        assertNull(parse(json("pipdevs", "1")).loginServer(), "a namespace lives on Docker Hub");
        assertNull(parse(json("pipdevs/team", "1")).loginServer());
        assertEquals("myregistry:5000", parse(json("myregistry:5000", "1")).loginServer());
        assertEquals("docker.pkg.github.com", parse(json("docker.pkg.github.com/org/repo", "1")).loginServer());
        assertEquals("localhost", parse(json("localhost", "1")).loginServer());
        assertEquals("ghcr.io", parse(json("ghcr.io", "1")).loginServer());
        assertEquals("MyHost", parse(json("MyHost/team", "1")).loginServer(), "uppercase only fits a host name");
    }

    @Test
    void noRegistryMeansALocalName() {
        assertEquals("beacons:1.0.0-0-build", parse("{\"name\": \"beacons\", \"version\": \"1.0.0\"}").buildImage());
    }

    @Test
    void aNumericBuildIsReadAsItsDigits() {
        assertEquals("12", parse(json("pipdevs", "12")).build);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "[]", "\"text\"", "{", "{\"name\": \"beacons\"", "not json",
        "{\"registry\": \"pipdevs\", \"version\": \"1.0.0\"}",
        "{\"name\": \"Beacons\", \"version\": \"1.0.0\"}",
        "{\"name\": \"bea cons\", \"version\": \"1.0.0\"}",
        "{\"name\": \"-beacons\", \"version\": \"1.0.0\"}",
        "{\"name\": 5, \"version\": \"1.0.0\"}",
        "{\"name\": \"beacons\"}",
        "{\"name\": \"beacons\", \"version\": \"\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0 beta\"}",
        "{\"name\": \"beacons\", \"version\": 1.0}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"build\": 1.5}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"build\": true}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"build\": \"4 2\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"build\": {}}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"registry\": \"https://myregistry:5000\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"registry\": \"my registry\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"registry\": \"Pipdevs/Team\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"registry\": \"host:port\"}",
        "{\"name\": \"beacons\", \"version\": \"1.0.0\", \"outputs\": \"/app/obj\"}",
    })
    void rejectsWhatDockerOrTheStepsWouldRejectWithOneLine(String text) {
        Exit.Failure failure = assertThrows(Exit.Failure.class, () -> {
            Component component = parse(text);
            component.outputs();
        });
        assertEquals(Exit.BAD_INPUT, failure.exitCode);
        assertTrue(failure.getMessage().startsWith("component.json"), failure.getMessage());
        assertTrue(!failure.getMessage().contains("\n"), failure.getMessage());
    }

    @Test
    void takesTheFirstCiBuildNumberInTheDocumentedOrder() {
        assertNull(Component.ciBuildNumber(Map.of()));
        assertNull(Component.ciBuildNumber(Map.of("BUILD_NUMBER", "")));
        assertEquals("42", Component.ciBuildNumber(Map.of("BUILD_NUMBER", "42", "GITHUB_RUN_NUMBER", "7")).getValue());
        assertEquals("GITHUB_RUN_NUMBER", Component.ciBuildNumber(Map.of("GITHUB_RUN_NUMBER", "7", "CIRCLE_BUILD_NUM", "9")).getKey());
        assertEquals("20240101.3", Component.ciBuildNumber(Map.of("BUILD_BUILDID", "20240101.3")).getValue());
        Exit.Failure failure = assertThrows(Exit.Failure.class, () -> Component.ciBuildNumber(Map.of("BUILD_NUMBER", "4 2")));
        assertTrue(failure.getMessage().startsWith("BUILD_NUMBER is \"4 2\""), failure.getMessage());
    }

    @Test
    void writesTheBuildNumberKeepingLayoutOrderUnknownFieldsAndType() {
        String text = "{\r\n\t\"name\":  \"beacons\",\r\n\t\"build\":  \"3\",\r\n\t\"artifacts\": [{\"name\": \"x\", \"type\": \"maven\"}],\r\n\t\"registry\": \"pipdevs\",\r\n\t\"version\":  \"1.0.0\"\r\n}\r\n";
        assertEquals(text.replace("\"3\"", "\"42\""), parse(text).withBuild("42").updatedText());
    }

    @Test
    void aNumberStaysANumberAndAStringAString() {
        assertEquals(json("pipdevs", "42"), parse(json("pipdevs", "7")).withBuild("42").updatedText());
        assertEquals(json("pipdevs", "\"42\""), parse(json("pipdevs", "\"7\"")).withBuild("42").updatedText());
        // a number field that gets a value no JSON number can hold becomes a string
        assertEquals(json("pipdevs", "\"20240101.3\""), parse(json("pipdevs", "7")).withBuild("20240101.3").updatedText());
    }

    @Test
    void nullOrMissingBuildIsNeverWrittenAsNull() {
        assertEquals(json("pipdevs", "\"5\""), parse(json("pipdevs", "null")).withBuild("5").updatedText());
        String missing = "{\n  \"name\": \"beacons\",\n  \"version\": \"1.0.0\"\n}\n";
        assertEquals("{\n  \"name\": \"beacons\",\n  \"version\": \"1.0.0\",\n  \"build\": \"5\"\n}\n", parse(missing).withBuild("5").updatedText());
        String oneLine = "{\"name\": \"beacons\", \"version\": \"1.0.0\"}";
        assertEquals("{\"name\": \"beacons\", \"version\": \"1.0.0\", \"build\": \"5\"}", parse(oneLine).withBuild("5").updatedText());
    }

    @Test
    void onlyTheTopLevelBuildChanges() {
        String text = "{\"name\": \"beacons\", \"meta\": {\"build\": \"inner\"}, \"version\": \"1.0.0\", \"build\": \"1\", \"note\": \"build\"}";
        assertEquals(text.replace("\"build\": \"1\"", "\"build\": \"9\""), parse(text).withBuild("9").updatedText());
    }

    @Test
    void aBadBuildNumberFlagIsRejected() {
        Exit.Failure failure = assertThrows(Exit.Failure.class, () -> parse(json("pipdevs", "1")).withBuild("a/b"));
        assertEquals(Exit.BAD_INPUT, failure.exitCode);
    }
}
