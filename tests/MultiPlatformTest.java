import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * publish --platform, end to end: one image per tag for linux/amd64 and linux/arm64 in a real
 * registry, the arm64 one built (its RUN step) under QEMU user emulation and run the same way.
 * Pushing an image index needs an engine with the containerd image store (the default of fresh
 * Docker 29 installs), so the test starts one of its own beside the suite's engine, whichever stack
 * that is: the current stack's dockerd 28 with its own socket, folders, containerd namespace and
 * bridge (no NAT: nothing of the machine's network changes). Its base image is busybox for both
 * platforms (Debian's static arm64 build, fetched through the signed archive chain), pushed as one index.
 */
@Tag(Harness.ENGINE)
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)   // one dockerd for the class
class MultiPlatformTest {
    static final String USER = "pipkit";
    static final String PASSWORD = "multi-platform-password-4711";
    static final Path CURRENT = Path.of("/opt/pipkit-docker-current");
    static final String BRIDGE = "pipkit-mp0";

    static Path home;
    static Process dockerd;
    static Harness.Registry registry;
    /** What the kit and docker see: the test's engine, and a docker config with buildx and the registry login. */
    static Map<String, String> environment;
    static String base;
    Harness repo;

    @BeforeAll
    static void anEngineWithTheContainerdStoreAndATwoPlatformBase() throws Exception {
        assertTrue(Files.isExecutable(CURRENT.resolve("usr/sbin/dockerd")), "the current stack's dockerd is needed: bash tests/docker-stack.sh unpack (bash .ci/run does)");
        assertTrue(Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64")),
                "QEMU user emulation for arm64 is needed: apt-get install qemu-user-static binfmt-support, with binfmt_misc mounted (bash .ci/run does)");
        home = Files.createTempDirectory("pipkit-mp-");
        Path config = Files.createDirectories(home.resolve("config/cli-plugins"));
        Files.createSymbolicLink(config.resolve("docker-buildx"), CURRENT.resolve("usr/libexec/docker/cli-plugins/docker-buildx"));
        Harness.exec(List.of("ip", "link", "del", BRIDGE));   // a killed run's, if any
        for (List<String> step : List.of(List.of("ip", "link", "add", BRIDGE, "type", "bridge"), List.of("ip", "addr", "add", "10.199.0.1/24", "dev", BRIDGE),
                List.of("ip", "link", "set", BRIDGE, "up"))) {
            assertEquals(0, Harness.exec(step).getExitValue(), step.toString());
        }
        environment = Map.of("DOCKER_HOST", "unix://" + home.resolve("docker.sock"), "DOCKER_CONFIG", home.resolve("config").toString());
        ProcessBuilder builder = new ProcessBuilder(CURRENT.resolve("usr/sbin/dockerd").toString(), "--feature", "containerd-snapshotter=true",
                "-H", environment.get("DOCKER_HOST"), "--data-root", home.resolve("data").toString(), "--exec-root", home.resolve("exec").toString(),
                // a bridge of its own, never --bridge none: dockerd then deletes docker0, the suite engine's bridge
                "--pidfile", home.resolve("docker.pid").toString(), "-b", BRIDGE, "--iptables=false", "--ip6tables=false",
                "--containerd-namespace", "pipkit-mp", "--containerd-plugins-namespace", "pipkit-mp-plugins")
                .redirectErrorStream(true).redirectOutput(home.resolve("dockerd.log").toFile());
        builder.environment().put("PATH", CURRENT.resolve("usr/sbin") + ":" + CURRENT.resolve("usr/bin") + ":" + System.getenv("PATH"));
        dockerd = builder.start();
        for (int i = 0; docker("info").exit() != 0; i++) {
            assertTrue(i < 150 && dockerd.isAlive(), "the test's dockerd did not start: " + Files.readString(home.resolve("dockerd.log")));
            Thread.sleep(200);
        }
        assertTrue(docker("info", "--format", "{{json .DriverStatus}}").out().contains("io.containerd.snapshotter"), "the containerd image store");

        registry = new Harness.Registry(USER, PASSWORD);
        Harness.Result login = run(List.of("sh", "-c", "printf '%s\\n' \"$P\" | docker login " + registry.address() + " -u " + USER + " --password-stdin"), Map.of("P", PASSWORD));
        assertEquals(0, login.exit(), login.out());
        Harness.Result busybox = run(List.of("bash", Harness.ROOT.resolve("tests/base-images.sh").toString(), "busybox-arm64"), Map.of());
        assertEquals(0, busybox.exit(), busybox.out());
        Path context = home.resolve("base");
        for (String arch : List.of("amd64", "arm64")) {
            Path bin = Files.createDirectories(context.resolve("rootfs-" + arch + "/bin"));
            Files.copy(arch.equals("amd64") ? Path.of("/bin/busybox") : Path.of(busybox.out().strip().lines().reduce((a, b) -> b).orElseThrow()), bin.resolve("busybox"));
            bin.resolve("busybox").toFile().setExecutable(true);
            for (String tool : List.of("sh", "uname", "cat", "echo", "mkdir", "httpd")) {
                Files.createSymbolicLink(bin.resolve(tool), Path.of("busybox"));
            }
        }
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nENV PATH=/bin\n");
        base = registry.address() + "/pipkit-base:busybox";
        Harness.Result built = docker("build", "--platform", "linux/amd64,linux/arm64", "--provenance=false", "--push", "-t", base, context.toString());
        assertEquals(0, built.exit(), built.out());
    }

    @AfterAll
    static void removeTheEngineAndItsImages() throws Exception {
        if (dockerd != null) {
            docker("system", "prune", "--all", "--force", "--volumes");   // the images live in the machine's containerd: they go with the engine
            docker("builder", "prune", "--all", "--force");
            dockerd.destroy();
            dockerd.waitFor(30, TimeUnit.SECONDS);
        }
        Harness.exec(List.of("ip", "link", "del", BRIDGE));
        if (registry != null) {
            registry.close();
        }
        if (home != null) {
            Harness.exec(List.of("rm", "-rf", home.toString()));
        }
    }

    @BeforeEach
    void aServiceBuiltOnTheTwoPlatformBase() throws IOException {
        repo = Harness.tiny();
        repo.registry = registry.address();
        repo.write("component.json", repo.componentJson("\"0\"", "\"outputs\": [\"/app/obj\"]"));
        repo.write("docker/Dockerfile", "FROM " + base + "\nRUN mkdir -p /www && uname -m > /www/arch\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n");
    }

    @AfterEach
    void removeTheRepository() throws IOException {
        repo.deleteFolders();
    }

    @Test
    void publishPushesOneImageForEveryPlatformPerTagAndEachRunsOnItsOwn() throws Exception {
        Map<String, String> login = new HashMap<>(environment);
        login.putAll(Map.of("DOCKER_USER", USER, "DOCKER_PASS", PASSWORD));   // a throwaway login: buildx must still be found
        Harness.Result published = repo.run(login, "publish.java", "--platform", "linux/amd64,linux/arm64");
        assertEquals(0, published.exit(), published.all());
        assertFalse(published.all().contains(PASSWORD), "the password never shows");
        for (String tag : List.of("1.0.0-0-rc", "latest")) {
            String index = docker("buildx", "imagetools", "inspect", "--raw", repo.image(tag)).out();
            assertTrue(index.contains("\"architecture\": \"amd64\"") && index.contains("\"architecture\": \"arm64\""), tag + ": " + index);
            assertFalse(index.contains("unknown"), "no attestation manifests unless asked: " + index);
        }
        for (String platform : List.of("linux/amd64:x86_64", "linux/arm64:aarch64")) {
            String[] parts = platform.split(":");
            Harness.Result arch = docker("run", "--rm", "--platform", parts[0], repo.image("latest"), "cat", "/www/arch");
            assertEquals(parts[1], arch.out().strip(), "the " + parts[0] + " image was built and runs as one: " + arch.out());
        }
    }

    @Test
    void provenanceIsAttachedWhenAskedAndTheBuilderMustBeAbleTo() throws Exception {
        repo.write("component.json", repo.componentJson("\"0\"", "\"platforms\": \"linux/arm64\""));
        Harness.Result published = repo.run(environment, "publish.java", "--provenance", "mode=max", "--tags", "rc");
        assertEquals(0, published.exit(), published.all());
        String index = docker("buildx", "imagetools", "inspect", "--raw", repo.image("1.0.0-0-rc")).out();
        assertTrue(index.contains("\"architecture\": \"arm64\"") && index.contains("attestation-manifest"), "the provenance travels with the image: " + index);

        // the suite's own engine keeps the classic image store (legacy) or has no BuildKit: said before anything is pushed
        Harness.Result refused = repo.run(Map.of("DOCKER_CONFIG", environment.get("DOCKER_CONFIG")), "publish.java", "--platform", "linux/amd64,linux/arm64");
        Harness.assertOneErrorLine(refused, 2, "images for several platforms (--platform)");
    }

    static Harness.Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /** COMMAND with the test engine's environment and EXTRA; output and errors together. */
    static Harness.Result run(List<String> command, Map<String, String> extra) {
        List<String> all = new ArrayList<>(List.of("env"));
        environment.forEach((key, value) -> all.add(key + "=" + value));
        extra.forEach((key, value) -> all.add(key + "=" + value));
        all.addAll(command);
        var result = Harness.exec(all);
        return new Harness.Result(result.getExitValue(), result.outputUTF8(), "");
    }
}
