import java.util.ArrayList;
import java.util.List;

/** The git command lines the kit runs, as plain argument lists ({@link Commands} runs them). */
final class Git {
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

    /** Answers when TAG exists. */
    static List<String> tagExists(String tag) {
        return List.of("git", "rev-parse", "--verify", "--quiet", "refs/tags/" + tag);
    }

    static List<String> tag(String tag, String release, boolean force) {
        List<String> command = new ArrayList<>(List.of("git", "tag", "--annotate", "--message", "Release " + release));
        if (force) {
            command.add("--force");
        }
        command.add(tag);
        return command;
    }

    static List<String> deleteTag(String tag) {
        return List.of("git", "tag", "--delete", tag);
    }

    static List<String> push(String remote, String tag, boolean force) {
        List<String> command = new ArrayList<>(List.of("git", "push"));
        if (force) {
            command.add("--force");
        }
        command.addAll(List.of(remote, "refs/tags/" + tag));
        return command;
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
