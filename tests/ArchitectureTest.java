import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * lib/ in layers: which file names which, read from the code (a class named outside comments and
 * strings), with no file reaching back to one that reaches it, and the run-free ground at the bottom.
 */
class ArchitectureTest {
    /** The ground: run-free helpers (no run, console or process) that name no lib/ file above the ground. */
    static final Set<String> GROUND = Set.of("Exit", "Json", "Docker", "Dockerfile", "Git", "Repository", "Language", "Step", "DockerConfig", "Probe", "Installed");

    /** Each lib/ file (by class) and the lib/ classes its code names. */
    static Map<String, Set<String>> uses() throws IOException {
        Map<String, String> code = new TreeMap<>();
        try (Stream<Path> files = Files.list(Harness.ROOT.resolve("lib"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                code.put(file.getFileName().toString().replace(".java", ""), withoutCommentsAndStrings(Files.readString(file)));
            }
        }
        Map<String, Set<String>> uses = new TreeMap<>();
        code.forEach((name, text) -> uses.put(name, new TreeSet<>(code.keySet().stream()
                .filter(other -> !other.equals(name) && Pattern.compile("\\b" + other + "\\b").matcher(text).find()).toList())));
        return uses;
    }

    static String withoutCommentsAndStrings(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "").replaceAll("'(\\\\.|[^'\\\\])'", "' '")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"").replaceAll("\"(\\\\.|[^\"\\\\\\n])*\"", "\"\"");
    }

    /** The kit compiles wherever it is copied: under LANG=C javac once read a non-ASCII comment as an error (Kit.java also says -encoding UTF-8). */
    @Test
    void theKitsSourcesAreAscii() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(Harness.ROOT), Files.list(Harness.ROOT.resolve("lib")))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).chars().anyMatch(c -> c > 127)) {
                        found.add(Harness.ROOT.relativize(file) + ":" + (i + 1));
                    }
                }
            }
        }
        assertEquals(List.of(), found, "non-ASCII characters in the kit's sources");
    }

    @Test
    void noLibFileReachesBackToOneThatReachesIt() throws IOException {
        Map<String, Set<String>> uses = uses();
        List<String> cycles = new ArrayList<>();
        for (String file : uses.keySet()) {
            for (String used : uses.get(file)) {
                List<String> back = path(uses, used, file, new TreeSet<>());
                if (back != null && file.compareTo(used) < 0) {
                    cycles.add(file + " -> " + String.join(" -> ", back));
                }
            }
        }
        assertEquals(List.of(), cycles, "lib/ files in a cycle: move what both need below them");
    }

    @Test
    void theGroundNamesNothingAboveIt() throws IOException {
        Map<String, Set<String>> uses = uses();
        for (String ground : GROUND) {
            assertTrue(uses.containsKey(ground), ground + ".java is gone: update GROUND");
            Set<String> above = new TreeSet<>(uses.get(ground));
            above.removeAll(GROUND);
            assertEquals(Set.of(), above, ground + " is a run-free helper at the bottom of lib/");
        }
        assertEquals(Set.of(), uses.get("Exit"), "the failure type is the bottom");
        assertTrue(uses.entrySet().stream().noneMatch(each -> !each.getKey().equals("Kit") && each.getValue().contains("Kit")),
                "only the scripts use Kit, the command layer: " + uses);
    }

    @Test
    void theCheckSeesACycle() {
        Map<String, Set<String>> uses = Map.of("A", Set.of("B"), "B", Set.of("C"), "C", Set.of("A"), "D", Set.of("A"));
        assertEquals(List.of("B", "C", "A"), path(uses, "B", "A", new TreeSet<>()));
        assertEquals(null, path(uses, "A", "D", new TreeSet<>()));
        assertEquals("x(\"\", ' ')", withoutCommentsAndStrings("x(\"Kit \\\" Kit\", '\"') // Kit\n").strip());
    }

    /** A path of uses from FROM to TO (both included), or null. */
    static List<String> path(Map<String, Set<String>> uses, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return new ArrayList<>(List.of(to));
        }
        if (!seen.add(from)) {
            return null;
        }
        for (String next : uses.getOrDefault(from, Set.of())) {
            List<String> rest = path(uses, next, to, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }
}
