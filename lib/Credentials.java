import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

/**
 * Private-dependency credentials for the build image: docker/id_rsa and docker/.npmrc, written
 * only when docker/Dockerfile.build uses them, readable by the owner alone, and deleted when the
 * script ends however it ends. A file the user put there is theirs: used, never deleted.
 */
final class Credentials {
    static final String KEY = "docker/id_rsa";
    static final String NPMRC = "docker/.npmrc";

    private Credentials() {
    }

    static void provide(Path directory, String dockerfile, Map<String, String> environment, boolean dryRun) {
        if (dockerfile.contains("id_rsa") && !Files.exists(directory.resolve(KEY))) {
            place(directory.resolve(KEY), privateKey(environment), dryRun);
        }
        if (dockerfile.contains(".npmrc") && !Files.exists(directory.resolve(NPMRC))) {
            String token = environment.get("NPM_TOKEN");
            if (token == null || token.isBlank()) {
                throw Kit.badInput("docker/Dockerfile.build uses " + NPMRC + " but NPM_TOKEN is not set: set it to an npm access token");
            }
            place(directory.resolve(NPMRC), "//registry.npmjs.org/:_authToken=" + token.strip() + "\n", dryRun);
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
            }
            return key.endsWith("\n") ? key : key + "\n";
        }
        Path home = Path.of(System.getProperty("user.home"), ".ssh", "id_rsa");
        try {
            return Files.readString(home, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Kit.badInput("docker/Dockerfile.build uses " + KEY + " but there is no key:"
                    + " set GIT_PRIVATE_KEY (the key, or the key in base64) or create ~/.ssh/id_rsa");
        }
    }

    private static void place(Path file, String content, boolean dryRun) {
        String name = file.getParent().getFileName() + "/" + file.getFileName();
        if (dryRun) {
            System.out.println("# " + name + " would be written for the build (owner-only) and removed afterwards");
            return;
        }
        Kit.secret(content);
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
