import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which kit a folder holds: lib/kit.json, which install.java writes beside the helpers (the kit's
 * release, the commit it came from, and each of its files with its SHA-256 as installed), so that
 * an upgrade tells a file edited since from one the kit put there. A kit installed before there was
 * such a record is known by the release its sources name, and nothing more.
 */
record Installed(String version, String commit, Map<String, String> files) {
    /** This kit's release. */
    static final String VERSION = "0.2.0";
    static final String FILE = "lib/kit.json";
    private static final Pattern RELEASE = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6}){0,3}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** What a kit file's name looks like: a script, a helper in lib/, the wrapper or the catalog (an upgrade removes only such names). */
    static final Pattern NAME = Pattern.compile("(lib/)?[A-Za-z][A-Za-z0-9_]*\\.java|jbang|jbang\\.cmd|jbang-catalog\\.json");
    /** What a repository gets besides lib/: every step's script but the installer's, the JBang wrapper and the catalog. */
    static final List<String> KIT_FILES = java.util.stream.Stream.concat(Step.ALL.stream().filter(step -> !step.name().equals("install")).map(Step::script),
            java.util.stream.Stream.of("jbang", "jbang.cmd", "jbang-catalog.json")).toList();
    /** The release a kit without a record names in its sources: lib/Installed.java's VERSION, or before there was one, lib/Kit.java's. */
    private static final Pattern OLD_VERSION = Pattern.compile("static final String VERSION = \"(?:pipkit )?([0-9.]+)\";");

    /**
     * The kit FOLDER holds, or null when it holds none (no lib/kit.json, no lib/Kit.java). Read as
     * the repository's other files are: a regular file inside it, of bounded size; what does not
     * look like a release or a commit is bad input, never printed as it is.
     */
    static Installed read(Path folder) {
        if (Files.isRegularFile(folder.resolve(FILE), LinkOption.NOFOLLOW_LINKS)) {
            try {
                JsonNode record = Json.tree(Repository.read(folder, FILE));
                String version = record == null ? "" : record.path("version").asText("");
                String commit = record == null ? "" : record.path("commit").asText("");
                Map<String, String> files = new TreeMap<>();
                if (record != null) {
                    record.path("files").fields().forEachRemaining(each -> files.put(each.getKey(), each.getValue().asText("")));
                }
                if (!RELEASE.matcher(version).matches() || !commit.isEmpty() && !COMMIT.matcher(commit).matches()
                        || files.entrySet().stream().anyMatch(each -> !NAME.matcher(each.getKey()).matches() || !each.getValue().matches("[0-9a-f]{64}"))) {
                    throw Exit.badInput(folder.resolve(FILE) + " is not the kit's record (a release, a commit, the files and their SHA-256)");
                }
                return new Installed(version, commit, files);
            } catch (IOException e) {
                throw Exit.badInput(folder.resolve(FILE) + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        String version = null;
        for (String file : new String[] {"lib/Installed.java", "lib/Kit.java"}) {
            if (version == null && Files.isRegularFile(folder.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
                Matcher old = OLD_VERSION.matcher(Repository.read(folder, file));
                version = old.find() && RELEASE.matcher(old.group(1)).matches() ? old.group(1) : file.endsWith("Kit.java") ? "0" : null;
            }
        }
        return version == null ? null : new Installed(version, "", Map.of());
    }

    /** "0.2.0 (commit 1a2b3c4d)", or "0.1.0 (no record)" for a kit installed before lib/kit.json. */
    String describe() {
        return files.isEmpty() && commit.isEmpty() ? version + " (no record)" : release(version, commit);
    }

    /** "0.2.0 (commit 1a2b3c4d)", or "0.2.0 (commit unknown)" without a COMMIT. */
    static String release(String version, String commit) {
        return version + " " + commitNote(commit);
    }

    /** "(commit 1a2b3c4d)", or "(commit unknown)" without a COMMIT. */
    static String commitNote(String commit) {
        return "(commit " + (commit.isEmpty() ? "unknown" : commit.substring(0, 8)) + ")";
    }

    /** The record as lib/kit.json holds it. */
    String json() {
        StringBuilder text = new StringBuilder("{\n    \"kit\": \"pipkit\",\n    \"version\": \"" + version + "\",\n    \"commit\": \"" + commit + "\",\n    \"files\": {");
        String separator = "\n";
        for (Map.Entry<String, String> file : files.entrySet()) {
            text.append(separator).append("        ").append(Json.quote(file.getKey())).append(": \"").append(file.getValue()).append('"');
            separator = ",\n";
        }
        return text.append("\n    }\n}\n").toString();
    }

    /** Whether release A comes before release B (1.10 after 1.9). */
    static boolean older(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int l = i < left.length ? Integer.parseInt(left[i]) : 0;
            int r = i < right.length ? Integer.parseInt(right[i]) : 0;
            if (l != r) {
                return l < r;
            }
        }
        return false;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    /**
     * Git's names for CONTENT as a blob, as it is and with CRLF line ends made LF (as git keeps
     * jbang.cmd, which .gitattributes checks out with CRLF): how an upgrade asks the kit's own
     * history whether a file is one it once shipped.
     */
    static List<String> blobs(byte[] content) {
        byte[] lf = new String(content, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
        return List.of(blob(content), blob(lf));
    }

    private static String blob(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
