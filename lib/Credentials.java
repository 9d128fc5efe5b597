import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private-dependency credentials for a step's image (build, test or release): the SSH key
 * (GIT_PRIVATE_KEY or ~/.ssh/id_rsa) as "id_rsa" and the npm token (NPM_TOKEN) as "npmrc", given
 * only when an instruction of the step's Dockerfile reads them (see {@link Dockerfile}: never on a
 * substring), in each form the Dockerfile is written for:
 * <ul>
 * <li>{@code RUN --mount=type=ssh} (the key): BuildKit's SSH forwarding, {@code --ssh default=FILE}
 *     with the key in an owner-only temp file outside the repository; the build sees an agent,
 *     never the key;</li>
 * <li>{@code RUN --mount=type=secret,id=id_rsa} / {@code id=npmrc}: BuildKit secrets, from owner-only
 *     temp files outside the repository; nothing reaches a layer;</li>
 * <li>{@code ARG PIPKIT_SECRET_URL} and a RUN that fetches {@code $PIPKIT_SECRET_URL/id_rsa} (or
 *     npmrc), for the legacy builder: a one-shot HTTP server on the engine's bridge address (the
 *     build keeps its own network: never the host's) serves them under a random path while the
 *     build runs; a RUN step that fetches, uses and deletes them leaves them in no layer;</li>
 * <li>a COPY or ADD of docker/id_rsa or docker/.npmrc: the originals' form, the files written
 *     there for the build (owner-only) and deleted as soon as the image is built; the key then
 *     lands in a layer of that image, which the kit warns about and does not leave behind.</li>
 * </ul>
 * A docker/id_rsa or docker/.npmrc the user put there is theirs: used, never deleted.
 * {@link #needed} decides and checks everything before the step changes anything; {@link #provide} hands them over.
 */
final class Credentials {
    static final String KEY = "docker/id_rsa";
    static final String NPMRC = "docker/.npmrc";
    static final String URL_ARGUMENT = "PIPKIT_SECRET_URL";
    /**
     * A credential file the originals' form writes into docker/, journalled with the hash of what it
     * holds: only a file still holding what the kit wrote goes (a forged line cannot name the user's own key).
     */
    static final ScriptRun.Resource FILE = new ScriptRun.Resource("credential", (run, component, value) -> ownCredential(run.directory, value),
            (run, value) -> Repository.delete(run.directory.resolve(value.split(" ")[0])));

    /** How one credential reaches the build. */
    enum Form { SSH_AGENT, SECRET_MOUNT, SERVED, FILE }

    /** What `docker build` needs on top: options and environment. */
    record Build(List<String> options, Map<String, String> environment) {
    }

    private final ScriptRun run;
    /** The Dockerfile that asks for them, as the messages name it. */
    private final String dockerfileName;
    /** The credentials by id ("id_rsa", "npmrc"), each with its content and form. */
    private final Map<String, String> secrets;
    private final Map<String, Set<Form>> forms;
    /** The credential files this run placed in docker/, while they are there. */
    private final List<Path> placed = new ArrayList<>();
    /** The engine's bridge address, where {@link Form#SERVED} credentials are served; null when none is. */
    private final String gateway;

    private Credentials(ScriptRun run, String dockerfileName, Map<String, String> secrets, Map<String, Set<Form>> forms, String gateway) {
        this.run = run;
        this.dockerfileName = dockerfileName;
        this.secrets = secrets;
        this.forms = forms;
        this.gateway = gateway;
    }

    /**
     * The credentials the Dockerfile asks for and the form of each; a missing one, or a BuildKit form
     * without BuildKit, is bad input. Changes nothing.
     */
    static Credentials needed(ScriptRun run, String dockerfileName, String dockerfile) {
        Path directory = run.directory;
        List<Dockerfile.Instruction> instructions = Dockerfile.parse(dockerfile);
        Map<String, Set<Form>> forms = new LinkedHashMap<>();
        for (String id : List.of("id_rsa", "npmrc")) {
            Set<Form> asked = EnumSet.noneOf(Form.class);
            if (id.equals("id_rsa") && Dockerfile.mountsSsh(instructions)) {
                asked.add(Form.SSH_AGENT);
            }
            if (Dockerfile.mountsSecret(instructions, id)) {
                asked.add(Form.SECRET_MOUNT);
            }
            if (Dockerfile.fetches(instructions, URL_ARGUMENT, id)) {
                asked.add(Form.SERVED);
            }
            // the user's own docker/id_rsa is theirs to copy: used as it is, never written over
            if (Dockerfile.copies(instructions, fileOf(id)) && !usersOwn(directory, fileOf(id))) {
                asked.add(Form.FILE);
            }
            if (!asked.isEmpty()) {
                forms.put(id, asked);
            }
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        if (forms.containsKey("id_rsa")) {
            secrets.put("id_rsa", privateKey(dockerfileName, run.environment, run.trust.trustedKit));
        }
        if (forms.containsKey("npmrc")) {
            String token = run.environment.get("NPM_TOKEN");
            if (token == null || token.isBlank()) {
                throw Exit.badInput(dockerfileName + " uses an .npmrc but NPM_TOKEN is not set: set it to an npm access token");
            }
            secrets.put("npmrc", "//registry.npmjs.org/:_authToken=" + token.strip() + "\n");
        }
        secrets.values().forEach(run.console::secret);
        for (String id : secrets.keySet()) {
            if (forms.get(id).contains(Form.FILE) && !Repository.linkFree(directory, fileOf(id))) {
                throw Exit.badInput(fileOf(id) + " would be written through a symbolic link (docker/ or the file is one): the kit never writes through links");
            }
        }
        boolean agent = forms.values().stream().anyMatch(each -> each.contains(Form.SSH_AGENT));
        if ((agent || forms.values().stream().anyMatch(each -> each.contains(Form.SECRET_MOUNT))) && run.commands.ask(Docker.buildxVersion()) == null) {
            throw Exit.badInput(dockerfileName + " mounts " + (agent ? "an SSH agent (RUN --mount=type=ssh)" : "secrets (RUN --mount=type=secret)")
                    + ", which needs BuildKit: install docker buildx, or use ARG " + URL_ARGUMENT + " (see README)");
        }
        String gateway = null;
        if (forms.values().stream().anyMatch(each -> each.contains(Form.SERVED))) {
            gateway = String.valueOf(run.commands.ask(Docker.bridgeGateway())).split(" ")[0];
            if (!gateway.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                throw Exit.badInput("ARG " + URL_ARGUMENT + " serves credentials on the engine's bridge network, which this engine does not have on this machine"
                        + " (docker network inspect bridge): use RUN --mount=type=secret or --mount=type=ssh");
            }
        }
        return new Credentials(run, dockerfileName, secrets, forms, gateway);
    }

    /** Whether FILE is there and the user's: not what a killed run of the kit wrote and left (that goes, and a new one is written). */
    private static boolean usersOwn(Path directory, String file) {
        return Files.exists(directory.resolve(file), LinkOption.NOFOLLOW_LINKS) && !leftover(directory, file);
    }

    /** Whether FILE (docker/id_rsa, say) is what a killed run of any step wrote and left: a journal lists it with its content's hash. */
    static boolean leftover(Path directory, String file) {
        return RunLock.journals(directory).stream().anyMatch(line -> line.startsWith(FILE.word() + " " + file + " ")
                && ownCredential(directory, line.substring(FILE.word().length() + 1)));
    }

    /** Whether VALUE ("docker/id_rsa HASH") is a credential file the kit wrote, still as it wrote it. */
    static boolean ownCredential(Path directory, String value) {
        String[] parts = value.split(" ");
        return parts.length == 2 && List.of(KEY, NPMRC).contains(parts[0]) && Repository.linkFree(directory, parts[0])
                && Files.isRegularFile(directory.resolve(parts[0]), LinkOption.NOFOLLOW_LINKS) && parts[1].equals(hash(directory.resolve(parts[0])));
    }

    /** The SHA-256 of FILE's content, as the journal records a credential file (null when it cannot be read). */
    static String hash(Path file) {
        try {
            return hash(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
    }

    static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the Dockerfile asks for anything. */
    boolean any() {
        return !secrets.isEmpty();
    }

    /** For the release image, which is published: see {@link #neverInALayer(String)}. */
    Credentials neverInALayer() {
        return neverInALayer("the release image, which is published");
    }

    /**
     * For an image that leaves the machine (IMAGE says which and why): no credential may reach a
     * layer of it. The originals' form (docker/id_rsa copied in) is refused, and so is a
     * docker/id_rsa or docker/.npmrc in the build context: a `COPY . .` after a step that left one
     * behind is how the originals leaked keys into published images.
     */
    Credentials neverInALayer(String image) {
        for (String id : secrets.keySet()) {
            if (forms.get(id).contains(Form.FILE)) {
                throw Exit.badInput(dockerfileName + " would copy " + fileOf(id) + " into " + image + ":"
                        + " use RUN --mount=type=secret or --mount=type=ssh (BuildKit), or ARG " + URL_ARGUMENT + " (see README)");
            }
        }
        for (String file : List.of(KEY, NPMRC)) {
            if (Files.exists(run.directory.resolve(file), LinkOption.NOFOLLOW_LINKS) && !ignored(run.directory, file)) {
                throw Exit.badInput(file + " is in the build context of " + image + ": remove it, or name it in"
                        + " .dockerignore (the kit writes it only for a step that asks for it, and removes it at the end)");
            }
        }
        return this;
    }

    /** Whether a credential goes through the one-shot server of ARG PIPKIT_SECRET_URL. */
    boolean served() {
        return forms.values().stream().anyMatch(each -> each.contains(Form.SERVED));
    }

    /**
     * Whether .dockerignore leaves FILE out of the build context, as docker decides it: the last
     * line that matches FILE or a folder above it wins, and a line starting with ! takes it back in
     * (`docker` then `!docker/id_rsa` sends the key).
     */
    static boolean ignored(Path directory, String file) {
        if (!Files.exists(directory.resolve(".dockerignore"), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean ignored = false;
        for (String line : Repository.read(directory, ".dockerignore").split("\\R")) {
            String rule = line.strip();
            if (rule.isEmpty() || rule.startsWith("#")) {
                continue;
            }
            boolean back = rule.startsWith("!");
            String body = rule.substring(back ? 1 : 0).strip().replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
            // a class or an escape ([a-z], \\*) is read differently here and by docker: it takes a key back in, never leaves one out
            boolean unread = body.contains("[") || body.contains("\\");
            Pattern pattern = Pattern.compile(unread ? (back ? ".*" : "(?!)") : Repository.glob(body));
            for (String path = file; !path.isEmpty(); path = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "") {
                if (pattern.matcher(path).matches()) {
                    ignored = !back;
                    break;
                }
            }
        }
        return ignored;
    }

    /** Where the originals' form puts a credential: docker/id_rsa or docker/.npmrc. */
    private static String fileOf(String id) {
        return id.equals("id_rsa") ? KEY : NPMRC;
    }

    /** Hands the credentials to the build in their forms; all traces go when the script ends (the files in docker/ sooner: {@link #withdraw}). */
    Build provide() {
        List<String> options = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, String> served = new LinkedHashMap<>();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String id = secret.getKey();
            for (Form form : forms.get(id)) {
                switch (form) {
                    case SSH_AGENT -> options.addAll(List.of("--ssh", "default=" + run.temporaryFile("secret-" + id, secret.getValue())));
                    case SECRET_MOUNT -> options.addAll(List.of("--secret", "id=" + id + ",src=" + run.temporaryFile("secret-" + id, secret.getValue())));
                    case SERVED -> served.put(id, secret.getValue());
                    case FILE -> {
                        run.console.warn(dockerfileName + " copies " + fileOf(id) + " into the image, so it stays in a layer of "
                                + "that image: use RUN --mount=type=secret or --mount=type=ssh (BuildKit), or ARG " + URL_ARGUMENT + " (see README)");
                        place(Repository.resolve(run.directory, fileOf(id), "the credential file"), secret.getValue());
                    }
                }
            }
        }
        if (forms.values().stream().anyMatch(each -> each.contains(Form.SSH_AGENT) || each.contains(Form.SECRET_MOUNT))) {
            environment.put("DOCKER_BUILDKIT", "1");
        }
        if (!served.isEmpty()) {
            serve(served, options, environment);
        }
        return new Build(options, environment);
    }

    /**
     * Once the image that asked is BUILT, or failed to: the files this run placed in docker/ go, so
     * that no other build of the step (compose's other services, with docker/ in their context) can
     * copy them. A build that failed after copying one in leaves, with the legacy builder, the steps
     * that succeeded as untagged images, the copy among them: the last one its output names
     * (" ---> ID") goes, and the untagged ones below it with it.
     */
    void withdraw(Commands.Outcome built) {
        if (run.changesFiles()) {
            placed.forEach(Repository::delete);
            placed.clear();
        }
        if (built.exit() != 0 && forms.values().stream().anyMatch(each -> each.contains(Form.FILE))) {
            Matcher step = Pattern.compile("(?m)^ ---> ([0-9a-f]{12})\\s*$").matcher(built.tail().text());
            String last = null;
            while (step.find()) {
                last = step.group(1);
            }
            // never a tagged image (the FROM line's, when the build failed before the copy)
            if (last != null && "0".equals(run.commands.ask(Docker.tagCount(last)))) {
                run.console.step("removing " + last + ", the failed build's last step: it holds the credential its Dockerfile copied in");
                run.commands.cleanUp(Docker.removeImages(List.of(last)));
            }
        }
    }

    /**
     * IMAGE, when its Dockerfile copies a credential file the kit writes, holds that credential in a
     * layer: it goes when the run ends, and the step says so. Called before whatever uses the image
     * starts, so that it goes after them.
     */
    void notLeftIn(String image) {
        List<String> copied = secrets.keySet().stream().filter(id -> forms.get(id).contains(Form.FILE)).map(Credentials::fileOf).toList();
        if (!copied.isEmpty()) {
            run.atEnd(() -> {
                if (run.dryRun || run.commands.ask(Docker.imageId(image)) != null) {   // a build that failed made none
                    run.console.step("removing " + image + ": it holds the " + String.join(" and ", copied) + " its Dockerfile copied in");
                    run.commands.cleanUp(Docker.removeImages(List.of(image)));
                }
            });
        }
    }

    /**
     * A one-shot HTTP server on the engine's bridge address (172.17.0.1 by default), which a build's
     * RUN step reaches from its own network: each credential is served once, under a random path,
     * while the build runs. The URL reaches `docker build` in its environment (`--build-arg NAME`
     * without a value takes it from there), not in its arguments, which any local user can read in /proc.
     */
    private void serve(Map<String, String> secrets, List<String> options, Map<String, String> environment) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        run.console.secret(token);
        int port = 0;
        if (run.changesFiles()) {
            Map<String, String> once = new ConcurrentHashMap<>(secrets);
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(gateway), 0), 0);
                server.createContext("/" + token + "/", exchange -> {
                    String content = once.remove(exchange.getRequestURI().getPath().substring(token.length() + 2));
                    byte[] body = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(content == null ? 404 : 200, body.length == 0 ? -1 : body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                run.atEnd(() -> server.stop(0));
                port = server.getAddress().getPort();
            } catch (IOException e) {
                throw Exit.failure("cannot serve the build's credentials on " + gateway + ", the engine's bridge: " + e.getMessage());
            }
        }
        options.addAll(List.of("--build-arg", URL_ARGUMENT));
        environment.put(URL_ARGUMENT, "http://" + gateway + ":" + port + "/" + token);
    }

    /** GIT_PRIVATE_KEY as it is or base64-encoded, else ~/.ssh/id_rsa: never for a trusted kit (TRUSTED), which gives only the key the CI gave. */
    static String privateKey(String dockerfileName, Map<String, String> environment, boolean trusted) {
        String key = environment.get("GIT_PRIVATE_KEY");
        if (key != null && !key.isBlank()) {
            if (!key.contains("-----BEGIN")) {
                try {
                    key = new String(Base64.getMimeDecoder().decode(key.strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw Exit.badInput("GIT_PRIVATE_KEY is neither a private key nor a base64-encoded one");
                }
                if (!key.contains("-----BEGIN")) {
                    throw Exit.badInput("GIT_PRIVATE_KEY is neither a private key nor a base64-encoded one");
                }
            }
            return key.endsWith("\n") ? key : key + "\n";
        }
        if (trusted) {
            throw Exit.badInput(dockerfileName + " uses an SSH key (id_rsa) and GIT_PRIVATE_KEY is not set: a kit run from outside the repository"
                    + " never takes ~/.ssh/id_rsa (set GIT_PRIVATE_KEY in the CI for a build it trusts)");
        }
        Path home = Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".ssh", "id_rsa");
        try {
            return Files.readString(home, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Exit.badInput(dockerfileName + " uses an SSH key (id_rsa) but there is none:"
                    + " set GIT_PRIVATE_KEY (the key, or the key in base64) or create ~/.ssh/id_rsa");
        }
    }

    private void place(Path file, String content) {
        String name = file.getParent().getFileName() + "/" + file.getFileName();
        if (!run.changesFiles()) {
            run.console.print("# " + name + " would be written for the build (owner-only) and removed afterwards");
            return;
        }
        if (leftover(run.directory, name)) {
            Repository.delete(file);   // a killed run's, as it wrote it
        }
        // journalled before it exists, with the hash of what it will hold (a kill in between leaves nothing unlisted); removed only once it is ours
        boolean[] created = {false};
        run.track(FILE, name + " " + hash(content.getBytes(StandardCharsets.UTF_8)), () -> {
            if (created[0]) {
                Repository.delete(file);
            }
        });
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            created[0] = true;
            placed.add(file);
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw Exit.failure(name + " appeared while the build was starting: another build is running here");
        } catch (IOException e) {
            throw Exit.failure("cannot write " + name + ": " + e.getMessage());
        }
        run.console.detail("wrote " + name + " for the build; it is removed when the build ends");
    }
}
