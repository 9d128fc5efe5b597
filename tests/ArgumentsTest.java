import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The docker argument lists, their shell quoting, masking, and the outputs plan. */
class ArgumentsTest {
    static Component component(String extra) {
        return Component.parse(Path.of("component.json"),
                "{\"name\": \"beacons\", \"registry\": \"pipdevs\", \"version\": \"1.0.0\", \"build\": \"3\"" + extra + "}");
    }

    @Test
    void buildCommand() {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("pipkit.component", "beacons"));
        assertEquals(List.of("docker", "build", "--force-rm", "-f", "docker/Dockerfile.build", "-t", "pipdevs/beacons:1.0.0-3-build",
                        "--label", "pipkit.component=beacons", "."),
                Docker.build("docker/Dockerfile.build", List.of("pipdevs/beacons:1.0.0-3-build"), labels));
    }

    @Test
    void createCopyAndRemoveCommands() {
        Component component = component("");
        assertEquals(List.of("docker", "create", "--name", "beacons-build-ab12", "--label", "pipkit.component=beacons",
                        "--label", "pipkit.run=ab12", "--label", "pipkit.step=build", "pipdevs/beacons:1.0.0-3-build", "true"),
                Docker.create("beacons-build-ab12", component.buildImage(), component.labels("ab12", "build")));
        assertEquals(List.of("docker", "cp", "c1:/app/obj", ".pipkit-staging-ab12/0"), Docker.copy("c1", "/app/obj", ".pipkit-staging-ab12/0"));
        assertEquals(List.of("docker", "rm", "--force", "--volumes", "c1"), Docker.remove("c1"));
    }

    @Test
    void shellQuotingPastesBack() {
        assertEquals("docker build -t a/b:1 .", Docker.shell(List.of("docker", "build", "-t", "a/b:1", ".")));
        assertEquals("echo 'two words' 'it'\\''s' '$HOME'", Docker.shell(List.of("echo", "two words", "it's", "$HOME")));
    }

    @Test
    void secretsAreMasked() {
        Kit.secret("s3cr3t-Value-123");
        assertEquals("login with **** done", Kit.mask("login with s3cr3t-Value-123 done"));
    }

    @Test
    void outputsFollowTheLanguageWhenComponentJsonSaysNothing() {
        assertEquals(List.of(new Outputs.Output("/app/obj", "obj"), new Outputs.Output("/app/lib", "dist/lib")),
                Outputs.plan(Path.of("."), component(", \"language\": \"Java\""), null).list);
        assertEquals(List.of(new Outputs.Output("/app/run", "dist/run")), Outputs.plan(Path.of("."), component(", \"language\": \"go\""), null).list);
        assertEquals(List.of(), Outputs.plan(Path.of("."), component(", \"language\": \"python\""), null).list);
        assertEquals(List.of(), Outputs.plan(Path.of("."), component(""), null).list);
    }

    @Test
    void theFieldAndTheFlagOverrideTheDefaults() {
        Component component = component(", \"language\": \"java\", \"outputs\": [\"/out/app.jar:dist/app.jar\", \"/app/bin/\"]");
        assertEquals(List.of(new Outputs.Output("/out/app.jar", "dist/app.jar"), new Outputs.Output("/app/bin/", "bin")),
                Outputs.plan(Path.of("."), component, null).list);
        assertEquals(List.of(new Outputs.Output("/x", "y")), Outputs.plan(Path.of("."), component, List.of("/x:y")).list);
        assertEquals(List.of(), Outputs.plan(Path.of("."), component(", \"outputs\": []"), null).list);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/lib:lib", "/app/lib", "/x:docker/x", "/x:.", "/x:..", "/x:../up", "/x:a/../../b", "/x:/etc",
        "/x:src", "/x:.git", "/x:build.java", "/x:component.json", "/x:.pipkit-outputs", "relative:obj", "/:obj"})
    void refusesDestinationsTheKitMustNotTouch(String spec) {
        Kit.Failure failure = assertThrows(Kit.Failure.class, () -> Outputs.parse(spec));
        assertEquals(Kit.BAD_INPUT, failure.exitCode);
    }

    @Test
    void refusesOverlappingDestinations() {
        assertThrows(Kit.Failure.class, () -> Outputs.plan(Path.of("."), component(""), List.of("/a:dist", "/b:dist/lib")));
    }
}
