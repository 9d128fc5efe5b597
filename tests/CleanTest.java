import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** clean.java next to a foreign container, network, volume and images, which must survive. Alone: it compares the whole engine before and after. */
@org.junit.jupiter.api.parallel.Isolated
@org.junit.jupiter.api.Tag(Harness.ENGINE)
@org.junit.jupiter.api.Tag(Harness.STACK)
class CleanTest {
    Harness repo;
    String foreign;

    @BeforeEach
    void leftoversOfOursAndOfOthers() throws IOException {
        repo = Harness.sample();
        foreign = repo.name + "x";   // a name that starts like ours
        // images of this component built here, and one built in another checkout of it
        image("1.0.0-0-build", repo.dir.toString());
        for (String tag : List.of("1.0.0-0-test", "1.0.0-0-test-store", "1.0.0-0-rc", "latest", "0.9.0-7-build")) {
            Harness.docker("tag", repo.image("1.0.0-0-build"), repo.image(tag));
        }
        image("1.0.0-0-rc-other", "/elsewhere");
        Harness.docker("tag", "busybox:1.36", repo.registry + "/" + foreign + ":1.0.0-0-build");
        // what killed runs of ours left: a build container and a compose project's container, network and volume
        String project = repo.name + "-test-0123abcd";
        Harness.docker("create", "--name", repo.name + "-build-0123abcd", "--label", "pipkit.component=" + repo.name, "--label", "pipkit.folder=" + repo.dir,
                "busybox:1.36", "true");
        Harness.docker("network", "create", "--label", "com.docker.compose.project=" + project, project + "_default");
        Harness.docker("volume", "create", "--label", "com.docker.compose.project=" + project, project + "_data");
        Harness.docker("create", "--name", project + "_test_1", "--label", "com.docker.compose.project=" + project,
                "--label", "com.docker.compose.project.working_dir=" + repo.dir.resolve("docker"), "busybox:1.36", "true");
        // what runs of this component from another checkout left: theirs, unless --all-folders
        Harness.docker("create", "--name", repo.name + "-build-4567cdef", "--label", "pipkit.component=" + repo.name, "--label", "pipkit.folder=/elsewhere",
                "busybox:1.36", "true");
        Harness.docker("create", "--name", repo.name + "-test-4567cdef_test_1", "--label", "com.docker.compose.project=" + repo.name + "-test-4567cdef",
                "--label", "com.docker.compose.project.working_dir=/elsewhere/docker", "busybox:1.36", "true");
        // someone else's: an exited container, a compose project whose name starts like ours, an image
        String other = foreign + "-test-0123abcd";
        Harness.docker("create", "--name", foreign + "-exited", "busybox:1.36", "true");
        Harness.docker("network", "create", "--label", "com.docker.compose.project=" + other, other + "_default");
        Harness.docker("volume", "create", "--label", "com.docker.compose.project=" + other, other + "_data");
        repo.write(".pipkit-outputs", "obj\n");
        repo.write("obj/beacons/A.class", "compiled");
        repo.write("notes/keep.txt", "mine");
    }

    /** An image of this component as the kit labels one FOLDER built, tagged TAG. */
    void image(String tag, String folder) {
        var built = Harness.exec(List.of("sh", "-c", "printf 'FROM busybox:1.36\\n' | docker build -q --label pipkit.component=" + repo.name
                + " --label 'pipkit.folder=" + folder + "' -t " + repo.image(tag) + " -"));
        assertEquals(0, built.getExitValue(), built.outputUTF8());
    }

    @AfterEach
    void removeEverything() throws IOException {
        String other = foreign + "-test-0123abcd";
        Harness.docker("rm", "-f", foreign + "-exited", repo.name + "-build-0123abcd", repo.name + "-test-0123abcd_test_1", repo.name + "-build-4567cdef",
                repo.name + "-test-4567cdef_test_1");
        Harness.docker("network", "rm", other + "_default", repo.name + "-test-0123abcd_default");
        Harness.docker("volume", "rm", other + "_data", repo.name + "-test-0123abcd_data");
        Harness.docker("rmi", repo.registry + "/" + foreign + ":1.0.0-0-build");
        repo.images().forEach(image -> Harness.docker("rmi", image));
        repo.cleanUp();
    }

    @Test
    void removesOnlyThisComponentsLeftovers() throws IOException {
        List<String> engine = Harness.engineState();
        Harness.Result dryRun = repo.run("clean.java", "--dry-run");
        assertEquals(0, dryRun.exit(), dryRun.all());
        assertTrue(dryRun.out().contains("rm -rf obj") && dryRun.out().contains("docker rmi "), dryRun.out());
        assertEquals(engine, Harness.engineState(), "the dry run changed the engine");
        assertTrue(repo.exists("obj/beacons/A.class"));

        Harness.Result result = repo.run("clean.java");
        assertEquals(0, result.exit(), result.all());
        assertEquals(List.of(repo.image("0.9.0-7-build"), repo.image("1.0.0-0-rc-other"), repo.image("latest")), repo.images().stream().sorted().toList(),
                "another build's, the latest, and another folder's image stay");
        assertEquals(List.of(repo.name + "-build-4567cdef"), repo.containers(), "another folder's build container stays");
        assertEquals(List.of("container of " + repo.name + "-test-4567cdef"), repo.composeLeftovers(), "another folder's project stays");
        assertFalse(repo.exists("obj"));
        assertEquals("mine", repo.read("notes/keep.txt"));
        assertTrue(repo.exists("lib/Component.java") && repo.exists("docker/Dockerfile"));
        String survivors = Harness.docker("ps", "-a", "--format", "{{.Names}}") + Harness.docker("network", "ls", "--format", "{{.Name}}")
                + Harness.docker("volume", "ls", "--format", "{{.Name}}") + Harness.docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        for (String survivor : List.of(foreign + "-exited", foreign + "-test-0123abcd_default", foreign + "-test-0123abcd_data",
                repo.registry + "/" + foreign + ":1.0.0-0-build", "busybox:1.36")) {
            assertTrue(survivors.contains(survivor), survivor + " was removed");
        }

        assertEquals(0, repo.run("clean.java", "--latest", "--all-builds", "--all-folders").exit());
        assertEquals(List.of(), repo.images());
        assertEquals(List.of(), repo.containers());
        assertEquals(List.of(), repo.composeLeftovers());
    }
}
