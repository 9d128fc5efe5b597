import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one rule for every path the kit writes or deletes because of what a repository says (its
 * component.json, a flag, the outputs manifest, a lock file): a relative path that stays inside the
 * repository, names none of the places the kit must not touch, and is reached without following a
 * symbolic link. A repository may be written by someone hostile; nothing outside it may change.
 */
final class Repository {
    /** Top-level names the kit never writes into or deletes: compared without case, as macOS and Windows file systems do. */
    static final Set<String> RESERVED = Set.of(".git", "lib", "docker", "src", "tests", "component.json", "jbang", "jbang.cmd");

    private Repository() {
    }

    /**
     * PATH in normal form (slashes, no "./", no trailing slash), or null when the kit may not write
     * or delete it: empty, absolute, with "." or ".." or an empty part, a control character or line
     * separator of any kind, a colon, a part that ends in a dot or a space (Windows drops those), an
     * invisible formatting character (macOS ignores some: .g&lt;U+200C&gt;it is .git), a Windows short
     * name (GIT~1), a name this system's file name encoding cannot hold (LANG=C), or a first part that
     * is reserved, one of the kit's own files (.pipkit*, *.java), in any case or compatibility form (U+017F, a long s, then "rc" is src).
     */
    static String normal(String path) {
        if (path == null || path.codePoints().anyMatch(Repository::unsafeCharacter)) {
            return null;
        }
        String normal = path.replace('\\', '/');
        while (normal.endsWith("/")) {
            normal = normal.substring(0, normal.length() - 1);
        }
        while (normal.startsWith("./")) {
            normal = normal.substring(2);
        }
        if (normal.isEmpty() || normal.startsWith("/")) {
            return null;
        }
        for (String part : normal.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.endsWith(".") || part.endsWith(" ") || part.matches(".*~[0-9].*")) {
                return null;
            }
        }
        try {
            Path.of(normal);
        } catch (InvalidPathException e) {
            return null;
        }
        String first = Normalizer.normalize(normal.split("/", -1)[0], Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        if (RESERVED.contains(first) || first.startsWith(".pipkit") || first.endsWith(".java")) {
            return null;
        }
        return normal;
    }

    /** Control characters (\n, \r, \0, NEL ...), invisible formatting ones (U+200C, U+FEFF ...), Unicode's line and paragraph separators, a colon. */
    private static boolean unsafeCharacter(int c) {
        return Character.isISOControl(c) || c == ':' || Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    /** Whether DIRECTORY/RELATIVE, and every part of it that exists on disk, is no symbolic link: a place the kit may write. */
    static boolean linkFree(Path directory, String relative) {
        return reachable(directory, relative) && !Files.isSymbolicLink(directory.resolve(relative));
    }

    /**
     * Whether DIRECTORY/RELATIVE is reached without passing through a symbolic link: none of its
     * parents is one. The path itself may be a link; the kit deletes a link, never what it points at.
     */
    static boolean reachable(Path directory, String relative) {
        Path path = directory;
        String[] parts = relative.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            path = path.resolve(parts[i]);
            if (Files.isSymbolicLink(path)) {
                return false;
            }
            if (!Files.exists(path)) {
                return true;
            }
        }
        return true;
    }

    /** DIRECTORY/RELATIVE, for a RELATIVE in normal form whose every part on disk is no link; else a one-line failure naming WHAT. */
    static Path resolve(Path directory, String relative, String what) {
        if (!linkFree(directory, relative)) {
            throw Exit.badInput(what + " " + relative + " is or passes through a symbolic link: the kit never writes or deletes through a link;"
                    + " replace the link with a folder, or pick another destination");
        }
        return directory.resolve(relative);
    }

    /**
     * An ignore-file pattern (.gitignore, .dockerignore) as a regular expression: `**` any folders,
     * none included, `*` and `?` within one name, a class `[..]` as it is when it is a valid one here.
     */
    static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            int end = c == '[' ? pattern.indexOf(']', i) : -1;
            if (pattern.startsWith("**/", i)) {
                regex.append("(.*/)?");
                i += 2;
            } else if (pattern.startsWith("**", i)) {
                regex.append(".*");
                i++;
            } else if (c == '*' || c == '?') {
                regex.append(c == '*' ? "[^/]*" : "[^/]");
            } else if (end > i && valid(pattern.substring(i, end + 1))) {
                regex.append(pattern, i, end + 1);
                i = end;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private static boolean valid(String regex) {
        try {
            Pattern.compile(regex);
            return true;
        } catch (java.util.regex.PatternSyntaxException e) {
            return false;
        }
    }

    /** The most the kit reads of one of the repository's files: a Dockerfile or a manifest is far smaller, /dev/zero is not. */
    static final long LARGEST = 16L << 20;

    /**
     * The text of a file the step needs, such as docker/Dockerfile.build: a regular file of at most
     * 16 MiB, in the repository (a link within it is followed; one out of it, to the runner's files
     * or a device, is bad input). Missing = bad input.
     */
    static String read(Path directory, String name) {
        try {
            Path file = directory.resolve(name).toRealPath();
            if (!file.startsWith(directory.toRealPath())) {
                throw Exit.badInput(name + " is a link out of the repository: the kit reads only the repository's own files");
            }
            if (!Files.isRegularFile(file) || Files.size(file) > LARGEST) {
                throw Exit.badInput(name + " is not a file of at most " + (LARGEST >> 20) + " MiB: the kit reads only such files");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw Exit.badInput(name + " not found in " + directory + ": add it (see README) or run in the repository root");
        } catch (IOException e) {
            throw Exit.badInput("cannot read " + name + ": " + e.getMessage());
        }
    }

    /**
     * Whether FILE may be one of the kit's own files in the repository (a lock file, the outputs
     * manifest), which it reads, prints from and empties: a plain file, not a link, of at most 16 MiB,
     * and no hard link (which could be the runner's /etc/passwd). Missing is fine.
     */
    static boolean kitsOwn(Path file) {
        try {
            return !Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && (int) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == 1 && Files.size(file) <= LARGEST;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Deletes a file or a folder tree without following links out of it. */
    static void delete(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (DirectoryNotEmptyException e) {
            throw Exit.failure("cannot delete " + path + ": something is writing into it");
        } catch (IOException e) {
            throw Exit.failure("cannot delete " + path + ": " + e.getMessage());
        }
    }
}
