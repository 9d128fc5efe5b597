import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Private-dependency credentials for the build image: the SSH key (GIT_PRIVATE_KEY or
 * ~/.ssh/id_rsa) as "id_rsa" and the npm token (NPM_TOKEN) as "npmrc", given only when
 * docker/Dockerfile.build asks for them, in one of three forms, by what the Dockerfile says:
 * <ul>
 * <li>{@code RUN --mount=type=secret,id=id_rsa}: BuildKit secrets, from owner-only temp files
 *     outside the repository; nothing reaches a layer;</li>
 * <li>{@code ARG PIPKIT_SECRET_URL}, for the legacy builder: a one-shot HTTP server on 127.0.0.1
 *     (the build runs with --network host) serves them under a random path while the build runs;
 *     a RUN step that fetches, uses and deletes them leaves them in no layer;</li>
 * <li>anything else that names docker/id_rsa or docker/.npmrc: the originals' form, the files
 *     written there for the build (owner-only) and deleted afterwards; the key then lands in a
 *     layer of the build image, which the kit warns about.</li>
 * </ul>
 * A docker/id_rsa or docker/.npmrc the user put there is theirs: used, never deleted.
 */
final class Credentials {
    static final String KEY = "docker/id_rsa";
    static final String NPMRC = "docker/.npmrc";
    static final String URL_ARGUMENT = "PIPKIT_SECRET_URL";

    /** What `docker build` needs on top: options and environment. */
    record Build(List<String> options, Map<String, String> environment) {
    }

    private Credentials() {
    }

    /** The credentials the Dockerfile asks for, by id ("id_rsa", "npmrc"); none there = bad input. Changes nothing. */
    static Map<String, String> needed(Path directory, String dockerfile, Map<String, String> environment) {
        Map<String, String> secrets = new LinkedHashMap<>();
        if (dockerfile.contains("id_rsa") && !Files.exists(directory.resolve(KEY))) {
            secrets.put("id_rsa", privateKey(environment));
        }
        if ((dockerfile.contains(".npmrc") || dockerfile.contains("id=npmrc")) && !Files.exists(directory.resolve(NPMRC))) {
            String token = environment.get("NPM_TOKEN");
            if (token == null || token.isBlank()) {
                throw Kit.badInput("docker/Dockerfile.build uses an .npmrc but NPM_TOKEN is not set: set it to an npm access token");
            }
            secrets.put("npmrc", "//registry.npmjs.org/:_authToken=" + token.strip() + "\n");
        }
        secrets.values().forEach(Kit::secret);
        return secrets;
    }

    /** Hands the credentials to the build in the form the Dockerfile uses; all traces go when the script ends. */
    static Build provide(Path directory, String dockerfile, Map<String, String> secrets, Docker docker) {
        if (secrets.isEmpty()) {
            return new Build(List.of(), Map.of());
        }
        if (dockerfile.contains("--mount=type=secret")) {
            return mounted(secrets, docker);
        }
        if (dockerfile.contains(URL_ARGUMENT)) {
            return served(secrets, docker);
        }
        Kit.warn("docker/Dockerfile.build copies the credentials into the image, so they stay in a layer of "
                + "the build image: use RUN --mount=type=secret or ARG " + URL_ARGUMENT + " instead (see README)");
        secrets.forEach((id, content) -> place(directory.resolve(id.equals("id_rsa") ? KEY : NPMRC), content, docker.dryRun()));
        return new Build(List.of(), Map.of());
    }

    /** BuildKit secrets: `--secret id=ID,src=FILE` with each file owner-only, outside the build context. */
    private static Build mounted(Map<String, String> secrets, Docker docker) {
        if (docker.query(List.of("docker", "buildx", "version")) == null) {
            throw Kit.badInput("docker/Dockerfile.build mounts secrets (RUN --mount=type=secret), which needs BuildKit:"
                    + " install docker buildx, or use ARG " + URL_ARGUMENT + " (see README)");
        }
        List<String> options = new ArrayList<>();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            Path file = docker.dryRun() ? Path.of("/tmp/pipkit-secret-" + secret.getKey()) : temporaryFile(secret.getValue());
            options.addAll(List.of("--secret", "id=" + secret.getKey() + ",src=" + file));
        }
        return new Build(options, Map.of("DOCKER_BUILDKIT", "1"));
    }

    /** A one-shot HTTP server on loopback that serves the secrets under a random path while the build runs. */
    private static Build served(Map<String, String> secrets, Docker docker) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Kit.secret(token);
        int port = 0;
        if (!docker.dryRun()) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/" + token + "/", exchange -> {
                    String content = secrets.get(exchange.getRequestURI().getPath().substring(token.length() + 2));
                    byte[] body = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(content == null ? 404 : 200, body.length == 0 ? -1 : body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                Kit.atExit(() -> server.stop(0));
                port = server.getAddress().getPort();
            } catch (IOException e) {
                throw Kit.failure("cannot serve the build's credentials on 127.0.0.1: " + e.getMessage());
            }
        }
        return new Build(List.of("--network", "host", "--build-arg", URL_ARGUMENT + "=http://127.0.0.1:" + port + "/" + token), Map.of());
    }

    private static Path temporaryFile(String content) {
        try {
            Path file = Files.createTempFile("pipkit-secret-", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            RunLock.note("temp", file.toString());
            Kit.atExit(() -> Outputs.delete(file));
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw Kit.failure("cannot write a temporary file for a build secret: " + e.getMessage());
        }
    }

    /** GIT_PRIVATE_KEY as it is or base64-encoded, else ~/.ssh/id_rsa. */
    static String privateKey(Map<String, String> environment) {
        String key = environment.get("GIT_PRIVATE_KEY");
        if (key != null && !key.isBlank()) {
            if (!key.contains("-----BEGIN")) {
                try {
                    key = new String(Base64.getMimeDecoder().decode(key.strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw Kit.badInput("GIT_PRIVATE_KEY is neither a private key nor a base64-encoded one");
                }
                if (!key.contains("-----BEGIN")) {
                    throw Kit.badInput("GIT_PRIVATE_KEY is neither a private key nor a base64-encoded one");
                }
            }
            return key.endsWith("\n") ? key : key + "\n";
        }
        Path home = Path.of(System.getProperty("user.home"), ".ssh", "id_rsa");
        try {
            return Files.readString(home, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Kit.badInput("docker/Dockerfile.build uses an SSH key (id_rsa) but there is none:"
                    + " set GIT_PRIVATE_KEY (the key, or the key in base64) or create ~/.ssh/id_rsa");
        }
    }

    private static void place(Path file, String content, boolean dryRun) {
        String name = file.getParent().getFileName() + "/" + file.getFileName();
        if (dryRun) {
            System.out.println("# " + name + " would be written for the build (owner-only) and removed afterwards");
            return;
        }
        RunLock.note("file", name);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Kit.atExit(() -> Outputs.delete(file));
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw Kit.failure(name + " appeared while the build was starting: another build is running here");
        } catch (IOException e) {
            throw Kit.failure("cannot write " + name + ": " + e.getMessage());
        }
        Kit.detail("wrote " + name + " for the build; it is removed when the build ends");
    }
}
