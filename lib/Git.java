import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The git command lines the kit runs, as plain argument lists ({@link Commands} runs them with
 * {@link #ENVIRONMENT}). A repository's git configuration is its own, so nothing here lets it
 * start a program: no command that runs hooks or filters on the repository, and no transport.
 */
final class Git {
    /**
     * What every git the kit starts runs with: no protocol allowed (a partial clone's lazy fetch,
     * through remote.*.uploadpack or core.sshCommand, starts nothing; `-c protocol.allow=never`
     * would not do, as the repository's protocol.*.allow wins over it), and no prompt.
     * {@link #push} allows the one protocol its remote needs.
     */
    static final Map<String, String> ENVIRONMENT = Map.of("GIT_ALLOW_PROTOCOL", "none", "GIT_NO_LAZY_FETCH", "1", "GIT_TERMINAL_PROMPT", "0");

    private Git() {
    }

    /** Answers when the folder is in a git repository. */
    static List<String> repository() {
        return List.of("git", "rev-parse", "--git-dir");
    }

    static List<String> revision() {
        return List.of("git", "rev-parse", "HEAD");
    }

    static List<String> origin() {
        return List.of("git", "config", "--get", "remote.origin.url");
    }

    /** Answers (with the tag's object) when TAG exists. */
    static List<String> tagExists(String tag) {
        return List.of("git", "rev-parse", "--verify", "--quiet", "refs/tags/" + tag);
    }

    /** A path in the repository's git folder (objects, shallow), absolute. */
    static List<String> gitPath(String name) {
        return List.of("git", "rev-parse", "--path-format=absolute", "--git-path", name);
    }

    static List<String> objectFormat() {
        return List.of("git", "rev-parse", "--show-object-format");
    }

    /** The URL REMOTE pushes to. */
    static List<String> pushUrl(String remote) {
        return List.of("git", "remote", "get-url", "--push", remote);
    }

    /**
     * An annotated tag, unsigned whatever the repository's configuration says (signing would run its
     * gpg.program), and no hook (a ref's change runs reference-transaction).
     */
    static List<String> tag(String tag, String release, boolean force) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null", "-c", "tag.gpgSign=false", "-c", "tag.forceSignAnnotated=false",
                "tag", "--annotate", "--message", "Release " + release));
        if (force) {
            command.add("--force");
        }
        command.add(tag);
        return command;
    }

    static List<String> deleteTag(String tag) {
        return List.of("git", "-c", "core.hooksPath=/dev/null", "tag", "--delete", tag);
    }

    /**
     * Pushes OBJECT as refs/tags/TAG to URL from GIT_DIR, a git folder of the kit's own that reads
     * the repository's objects (see tag.java): none of the repository's configuration, hooks,
     * remotes or URL rewriting takes part.
     */
    static List<String> push(Path gitDir, String url, String object, String tag, boolean force) {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + gitDir, "-c", "core.hooksPath=/dev/null", "push", "--no-verify"));
        if (force) {
            command.add("--force");
        }
        command.addAll(List.of(url, object + ":refs/tags/" + tag));
        return command;
    }

    /** The protocol git needs for URL: https, http, ssh (also user@host:path), git or file. */
    static String protocol(String url) {
        Matcher scheme = Pattern.compile("^([a-z]+)://").matcher(url);
        if (scheme.find()) {
            return scheme.group(1);
        }
        return url.matches("[^/]+@[^/]+:.*") ? "ssh" : "file";
    }

    /**
     * The index's entries under PATH: "MODE HASH STAGE\tPATH", NUL-separated. Paths literal (no
     * globs), and no fsmonitor a repository's configuration may name.
     */
    static List<String> staged(String path) {
        return List.of("git", "--literal-pathspecs", "-c", "core.fsmonitor=false", "ls-files", "--stage", "-z", "--", path);
    }

    /** Answers (exit 0) when the index holds what HEAD holds under PATH: compares trees only, never the working files. */
    static List<String> sameAsHead(String path) {
        return List.of("git", "--literal-pathspecs", "-c", "core.fsmonitor=false", "diff-index", "--cached", "--quiet", "HEAD", "--", path);
    }
}
