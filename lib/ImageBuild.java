import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * How a step's image is built beyond its Dockerfile: the buildx builder, a layer cache kept in the
 * registry, and, for the published image, its platforms and attestations. {@link #plan} decides and
 * checks all of it before the step changes anything, asking the engine only what a setting needs.
 * <p>
 * The registry cache (off by default) takes the form the builder allows:
 * <ul>
 * <li>the legacy builder: the cache image is pulled, the build reads it with --cache-from, and the
 *     new image is pushed as the next cache (only the last stage's layers are in it);</li>
 * <li>BuildKit's docker driver: --cache-from the cache image, and an inline cache in the new image,
 *     which is pushed as the next cache (again the last stage);</li>
 * <li>any other driver (docker-container, remote, kubernetes): type=registry with mode=max, every
 *     stage's layers.</li>
 * </ul>
 * A cache that cannot be read or written is a warning: the build goes on without it.
 */
final class ImageBuild {
    static final String LEGACY = "legacy builder";
    enum Cache { OFF, PULLED, INLINE, REGISTRY }

    /** --cache and --builder (a mixin of build, test, package and publish). */
    static final class Options implements Cli.Declared {
        String cache;
        String builder;

        @Override
        public void declare(Cli cli) {
            cli.option("--cache", "REF", "Read and write the layer cache through the registry (env BUILD_CACHE, component.json \"cache\"; default off): "
                    + "true keeps it as <registry>/<name>:cache-<step>, a repository REF as REF:cache-<step>; false turns it off.", String.class, ref -> cache = ref)
                    .arity("0..1").fallbackValue("true");
            cli.option("--builder", "NAME", "The buildx builder to build with (env BUILDX_BUILDER; default: the docker context's own, as for docker build).",
                    String.class, name -> builder = name);
        }
    }

    /** --platform, --provenance and --sbom: how publish builds the image it pushes (a mixin). */
    static final class Release implements Cli.Declared {
        String platforms;
        String provenance;
        String sbom;

        @Override
        public void declare(Cli cli) {
            cli.option("--platform", "LIST", "Publish one image for these platforms per tag, e.g. linux/amd64,linux/arm64 "
                    + "(env BUILD_PLATFORMS, component.json \"platforms\"); built and pushed by buildx. package tests the native one.", String.class, list -> platforms = list);
            cli.option("--provenance", "VALUE", "BuildKit's provenance attestation, e.g. mode=max (default false: some registries refuse attestation manifests).",
                    String.class, value -> provenance = value);
            cli.option("--sbom", "VALUE", "BuildKit's SBOM attestation, e.g. true (default false).", String.class, value -> sbom = value);
        }

        boolean any() {
            return platforms != null || provenance != null || sbom != null;
        }
    }

    private final ScriptRun run;
    /** The builder named by --builder or BUILDX_BUILDER, or null for the one docker build takes. */
    final String builder;
    /** The builder's driver (docker, docker-container, remote, kubernetes), or {@link #LEGACY}. */
    final String driver;
    /** The cache image of this step, or null. */
    final String cacheImage;
    final Cache cache;

    private ImageBuild(ScriptRun run, String builder, String driver, String cacheImage, Cache cache) {
        this.run = run;
        this.builder = builder;
        this.driver = driver;
        this.cacheImage = cacheImage;
        this.cache = cache;
    }

    /** The plan for STEP's image (build, test or release); bad settings are bad input. Changes nothing. */
    static ImageBuild plan(ScriptRun run, Component component, Options options, String step) {
        String variable = run.environment.getOrDefault("BUILDX_BUILDER", "");
        String builder = options.builder != null ? options.builder : variable.isEmpty() ? null : variable;   // an empty one names none, as docker has it
        if (builder != null && !builder.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw Exit.badInput("--builder/BUILDX_BUILDER " + Json.quote(builder) + " is not a builder name: docker buildx ls lists them");
        }
        String cacheImage = cacheImage(component, cacheSetting(run, component, options.cache), step);
        if (cacheImage != null && !run.trust.mayPush(cacheImage, "the build cache")) {
            run.console.step(Trust.unpinned("the build cache is off, nothing is pushed", Trust.REGISTRY));
            cacheImage = null;
        }
        if (builder == null && cacheImage == null) {
            return new ImageBuild(run, null, null, null, Cache.OFF);
        }
        String driver = driver(run, builder);
        if (builder != null && driver.equals(LEGACY)) {
            throw Exit.badInput("--builder " + builder + " needs BuildKit: install docker buildx (and leave DOCKER_BUILDKIT unset)");
        }
        Cache cache = cacheImage == null ? Cache.OFF : driver.equals(LEGACY) ? Cache.PULLED : driver.equals("docker") ? Cache.INLINE : Cache.REGISTRY;
        return new ImageBuild(run, builder, driver, cacheImage, cache);
    }

    /** --cache, else BUILD_CACHE, else component.json's "cache": "true", "false" or a repository. */
    static String cacheSetting(ScriptRun run, Component component, String flag) {
        String environment = run.environment.get("BUILD_CACHE");
        if (flag != null) {
            return flag.strip();
        }
        if (environment != null && !environment.isBlank()) {
            return environment.strip();
        }
        JsonNode field = component.fields.path("cache");
        if (field.isMissingNode() || field.isNull()) {
            return "false";
        }
        if (!field.isBoolean() && !field.isTextual()) {
            throw Exit.badInput(component.file + ": \"cache\" must be true, false or a repository such as \"myregistry:5000/beacons-cache\", not " + field);
        }
        return field.asText().strip();
    }

    /** The cache image of STEP for SETTING, or null when the cache is off. */
    static String cacheImage(Component component, String setting, String step) {
        if (setting.isEmpty() || setting.equalsIgnoreCase("false")) {
            return null;
        }
        if (setting.equalsIgnoreCase("true")) {
            if (component.registry.isEmpty()) {
                throw Exit.badInput("the registry cache needs a registry: set component.json's \"registry\", or give the cache a repository (--cache REF)");
            }
            return component.repository() + ":cache-" + step;
        }
        if (!Component.isRepository(setting) || !setting.contains("/")) {
            throw Exit.badInput("cache " + Json.quote(setting) + " is not true, false or a repository with its registry or namespace"
                    + " (no tag, no scheme), e.g. myregistry:5000/beacons-cache");
        }
        return setting + ":cache-" + step;
    }

    /**
     * The driver of the builder docker build runs on, or {@link #LEGACY} when docker builds without
     * BuildKit. Unless a builder is named (BUILDER: --builder, BUILDX_BUILDER), docker build takes the
     * docker context's own, with the docker driver, whatever `docker buildx use` (or
     * setup-buildx-action) chose; so buildx is asked only where `docker buildx install` made docker
     * build an alias of buildx build, which takes that choice. Each question costs a quarter second.
     */
    static String driver(ScriptRun run, String builder) {
        JsonNode config = DockerConfig.read(run.environment);
        if (Set.of("0", "f", "F", "false", "FALSE", "False").contains(run.environment.getOrDefault("DOCKER_BUILDKIT", "").strip())   // as docker reads it
                || !buildx(run)) {
            return LEGACY;
        }
        if (builder == null && config.path("aliases").path("builder").isMissingNode()) {
            return "docker";
        }
        String inspect = run.commands.ask(Docker.inspectBuilder(builder));
        if (inspect == null && builder != null) {
            throw Exit.badInput("no buildx builder " + Json.quote(builder) + ": docker buildx ls lists them, docker buildx create makes one");
        }
        String driver = inspect == null ? "docker" : inspect.lines().filter(line -> line.startsWith("Driver:"))
                .map(line -> line.substring("Driver:".length()).strip()).findFirst().orElse("docker");
        // every docker context is a builder of its name (docker driver), which buildx uses only from that context
        if (builder != null && driver.equals("docker") && !builder.equals(run.commands.ask(Docker.currentContext()))) {
            throw Exit.badInput("the builder " + builder + " is the engine of docker context " + builder + ", which buildx builds on only from that context:"
                    + " set DOCKER_CONTEXT=" + builder + " to run the whole step there");
        }
        return driver;
    }

    /**
     * Whether docker has the buildx plugin. Docker runs the first docker-buildx in the config's
     * cliPluginsExtraDirs, its cli-plugins folder and the system's, and builds without BuildKit when
     * that one cannot run; where there is none in these folders (other systems keep plugins
     * elsewhere), buildx itself is asked.
     */
    static boolean buildx(ScriptRun run) {
        Path plugin = DockerConfig.plugin(run.environment, run.directory, "docker-buildx");
        return plugin != null ? Files.isRegularFile(plugin) && Files.isExecutable(plugin) : run.commands.ask(Docker.buildxVersion()) != null;
    }

    /** What `docker build` takes on top of the Dockerfile's options. */
    List<String> options() {
        return options(true);
    }

    private List<String> options(boolean load) {
        List<String> options = new ArrayList<>();
        if (builder != null) {
            options.addAll(List.of("--builder", builder));
        }
        if (load && driver != null && !driver.equals("docker") && !driver.equals(LEGACY)) {
            options.add("--load");   // the image must reach the engine: docker cp and compose use it there
        }
        switch (cache) {
            case PULLED -> options.addAll(List.of("--cache-from", cacheImage));
            case INLINE -> options.addAll(List.of("--cache-from", cacheImage, "--cache-to", "type=inline"));
            case REGISTRY -> options.addAll(List.of("--cache-from", "type=registry,ref=" + cacheImage,
                    "--cache-to", "type=registry,ref=" + cacheImage + ",mode=max,ignore-error=true"));
            case OFF -> {
            }
        }
        if (load && (cache == Cache.PULLED || cache == Cache.INLINE)) {
            options.addAll(List.of("-t", cacheImage));   // the image is the next cache: tagged as it is built, pushed by writeCache
        }
        return options;
    }

    /**
     * What this plan asks of CREDENTIALS: an image pushed as the cache leaves the machine, so no
     * credential may be in a layer of it; and the one-shot server of ARG PIPKIT_SECRET_URL answers on
     * the engine's loopback, which a builder with another driver does not share.
     */
    Credentials allow(Credentials credentials, String image) {
        if (cache != Cache.OFF) {
            credentials.neverInALayer(image + ", which --cache pushes to " + cacheImage);
        }
        if (credentials.served() && driver != null && !driver.equals("docker") && !driver.equals(LEGACY)) {
            throw Exit.badInput("ARG " + Credentials.URL_ARGUMENT + " serves credentials on the engine's loopback, which the builder " + builder
                    + " (" + driver + " driver) does not reach: use RUN --mount=type=secret or --mount=type=ssh");
        }
        return credentials;
    }

    /** Whether the kit builds the test image itself: compose would not use the cache or the builder. */
    boolean any() {
        return builder != null || cache != Cache.OFF;
    }

    /** Before the build: the legacy builder reads a cache only from an image the engine has. */
    void readCache() {
        if (cache == Cache.PULLED) {
            Commands.Outcome pulled = run.commands.attemptQuietly(List.of("docker", "pull", cacheImage), Map.of(), null);
            if (pulled.exit() != 0) {
                run.console.warn("the cache " + cacheImage + " could not be read (" + pulled.reason(run.console) + "): building without it");
            }
        }
    }

    /**
     * After the build, whose image the build tagged as the cache: pushed as the next cache, where the
     * cache is in the image. The push runs beside the rest of the step; the run waits for it as it
     * ends (see {@link #awaitCachePush}).
     */
    void writeCache() {
        if (cache != Cache.PULLED && cache != Cache.INLINE) {
            return;
        }
        run.console.step("writing the cache " + cacheImage);
        FutureTask<String> push = new FutureTask<>(() -> {
            Commands.Outcome pushed = run.commands.attemptQuietly(Docker.push(cacheImage), Map.of(), null);
            return pushed.exit() != 0 ? pushed.reason(run.console) : null;
        });
        run.atEnd(() -> awaitCachePush(push));
        if (run.dryRun) {
            push.run();
        } else {
            new Thread(push, "cache push").start();
        }
    }

    /**
     * As the run ends: waits for PUSH, or stops it once the run is interrupted (zt-exec destroys the
     * command of an interrupted thread), so a signal never waits on a registry; then drops the cache
     * tag (the image keeps its own) and warns when the cache was not written.
     */
    private void awaitCachePush(FutureTask<String> push) {
        String failed;
        if (!push.isDone()) {
            run.console.step("waiting for the push of the cache " + cacheImage);
        }
        try {
            while (!push.isDone() && !run.interrupted) {   // Ctrl-C's hook sets it while the run waits here
                Thread.sleep(50);
            }
            push.cancel(true);   // nothing when it is done
            failed = push.get();
        } catch (CancellationException e) {
            failed = "interrupted";
        } catch (ExecutionException e) {
            failed = e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = "interrupted";
        }
        run.commands.cleanUp(Docker.removeImages(List.of(cacheImage)));
        if (failed != null && !run.interrupted) {
            run.console.warn("the cache " + cacheImage + " could not be written (" + failed + "): the next build runs without it");
        }
    }

    /**
     * The options with which publish builds and pushes the release image for RELEASE's platforms and
     * attestations (buildx, with this plan's builder and cache), or none when publish only pushes
     * what package built; bad input where the builder cannot.
     */
    List<String> pushOptions(Component component, Release release) {
        String platforms = platforms(component, release);
        List<String> options = new ArrayList<>();
        if (platforms != null && !platforms.isBlank()) {
            if (!platforms.matches("[a-z0-9_]+/[a-z0-9_]+(/[a-z0-9_]+)?(,[a-z0-9_]+/[a-z0-9_]+(/[a-z0-9_]+)?)*")) {
                throw Exit.badInput("platforms " + Json.quote(platforms) + " must be a list such as linux/amd64,linux/arm64");
            }
            options.addAll(List.of("--platform", platforms));
        }
        String provenance = attestation("--provenance", release.provenance);
        String sbom = attestation("--sbom", release.sbom);
        if (options.isEmpty() && provenance.equals("false") && sbom.equals("false")) {
            return List.of();
        }
        String what = options.isEmpty() ? "attestations (--provenance, --sbom)" : "images for several platforms (--platform)";
        String driver = this.driver != null ? this.driver : driver(run, builder);
        if (driver.equals(LEGACY)) {
            throw Exit.badInput(what + " need BuildKit: install docker buildx (and leave DOCKER_BUILDKIT unset)");
        }
        if (driver.equals("docker") && !containerdStore(run)) {
            throw Exit.badInput(what + " cannot be pushed by the builder " + (builder == null ? "in use" : builder) + " (docker driver, classic image store):"
                    + " turn on the engine's containerd image store, or --builder one with the docker-container, remote or kubernetes driver");
        }
        options.addAll(List.of("--provenance", provenance, "--sbom", sbom, "--push"));
        options.addAll(0, options(false));
        return options;
    }

    /** --platform, else BUILD_PLATFORMS, else component.json's "platforms" (a string or a list of them); null when none. */
    String platforms(Component component, Release release) {
        String platforms = release.platforms != null ? release.platforms : run.environment.get("BUILD_PLATFORMS");
        if (platforms != null && !platforms.isBlank()) {
            return platforms.strip();
        }
        JsonNode field = component.fields.path("platforms");
        if (field.isMissingNode() || field.isNull()) {
            return null;
        }
        List<String> list = new ArrayList<>();
        field.forEach(each -> list.add(each.isTextual() ? each.asText() : "?"));
        if (!field.isTextual() && !(field.isArray() && !list.contains("?"))) {
            throw Exit.badInput(component.file + ": \"platforms\" must be a string or a list of strings such as [\"linux/amd64\", \"linux/arm64\"], not " + field);
        }
        return field.isTextual() ? field.asText() : String.join(",", list);
    }

    private static String attestation(String option, String value) {
        if (value == null) {
            return "false";
        }
        if (!value.matches("[A-Za-z0-9=,._-]+")) {
            throw Exit.badInput(option + " " + Json.quote(value) + " is not a BuildKit attestation setting such as true, false or mode=max");
        }
        return value;
    }

    /** Whether the engine keeps images in containerd's store (which takes image indexes and attestations). */
    static boolean containerdStore(ScriptRun run) {
        String status = run.commands.ask(List.of("docker", "info", "--format", "{{json .DriverStatus}}"));
        return status != null && status.contains("io.containerd.snapshotter");
    }
}
