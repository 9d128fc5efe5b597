import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile's instructions, read the way BuildKit's Dockerfile frontend reads them: the escape
 * directive (`# escape=`` ` ``), lines continued with the escape character, comment lines (also
 * inside a continuation) and here-documents (`RUN <<EOF` ... `EOF`), whose bodies are text of the
 * instruction and never instructions of their own. The kit reads from it what a Dockerfile asks
 * for, never from a substring: a `RUN rm -f ./.npmrc` asks for no npm token.
 */
final class Dockerfile {
    /** One instruction: its keyword in upper case, its flags (--mount=...), the rest of its line, and the bodies of its here-documents. */
    record Instruction(String keyword, List<String> flags, String arguments, List<String> heredocs) {
        /** COPY's and ADD's sources from the build context (none when --from names another stage or image): every word but the last. */
        List<String> sources() {
            if (flags.stream().anyMatch(flag -> flag.toLowerCase(Locale.ROOT).startsWith("--from="))) {
                return List.of();
            }
            List<String> words = words(arguments);
            return words.size() < 2 ? List.of() : words.subList(0, words.size() - 1).stream().filter(word -> !word.startsWith("<<")).toList();
        }

        /** RUN's mounts of TYPE (ssh, secret), each as its options, e.g. {type=secret, id=npmrc, target=/root/.npmrc}. */
        List<java.util.Map<String, String>> mounts(String type) {
            List<java.util.Map<String, String>> mounts = new ArrayList<>();
            for (String flag : flags) {
                if (flag.toLowerCase(Locale.ROOT).startsWith("--mount=")) {
                    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
                    for (String option : flag.substring("--mount=".length()).split(",")) {
                        String[] pair = option.split("=", 2);
                        options.put(pair[0].strip().toLowerCase(Locale.ROOT), pair.length > 1 ? pair[1].strip() : "");
                    }
                    if (type.equals(options.getOrDefault("type", "bind"))) {
                        mounts.add(options);
                    }
                }
            }
            return mounts;
        }

        /** All the text the instruction runs or copies: its arguments and here-document bodies. */
        String text() {
            return arguments + "\n" + String.join("\n", heredocs);
        }
    }

    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([A-Za-z]+)\\s*=\\s*(\\S+)\\s*");
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\\2");

    private Dockerfile() {
    }

    /** The instructions of TEXT. */
    static List<Instruction> parse(String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        char escape = '\\';
        int at = 0;
        // parser directives: only at the very top, before any instruction, comment or blank line
        for (; at < lines.length; at++) {
            Matcher directive = DIRECTIVE.matcher(lines[at].strip());
            if (!directive.matches()) {
                break;
            }
            if (directive.group(1).equalsIgnoreCase("escape") && directive.group(2).length() == 1) {
                escape = directive.group(2).charAt(0);
            }
        }
        List<Instruction> instructions = new ArrayList<>();
        while (at < lines.length) {
            String line = lines[at++];
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            StringBuilder logical = new StringBuilder();
            while (true) {
                String stripped = line.stripTrailing();
                if (!stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape && at < lines.length) {
                    logical.append(stripped, 0, stripped.length() - 1);
                    // comment lines inside a continuation are dropped, not ended on
                    do {
                        line = lines[at++];
                    } while (at < lines.length && line.stripLeading().startsWith("#"));
                } else {
                    logical.append(line);
                    break;
                }
            }
            String[] parts = logical.toString().strip().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String rest = parts.length > 1 ? parts[1] : "";
            List<String> flags = new ArrayList<>();
            while (rest.startsWith("--")) {
                String[] flag = rest.split("\\s+", 2);
                flags.add(flag[0]);
                rest = flag.length > 1 ? flag[1] : "";
            }
            List<String> heredocs = new ArrayList<>();
            if (List.of("RUN", "COPY", "ADD").contains(keyword)) {
                Matcher heredoc = HEREDOC.matcher(rest);
                while (heredoc.find()) {
                    StringBuilder body = new StringBuilder();
                    while (at < lines.length) {
                        String next = lines[at++];
                        if ((heredoc.group(1).isEmpty() ? next : next.stripLeading()).equals(heredoc.group(3))) {
                            break;
                        }
                        body.append(next).append('\n');
                    }
                    heredocs.add(body.toString());
                }
            }
            instructions.add(new Instruction(keyword, flags, rest, heredocs));
        }
        return instructions;
    }

    /** The words of an instruction's arguments: a JSON array's strings, else the blank-separated words. */
    static List<String> words(String arguments) {
        String text = arguments.strip();
        if (text.startsWith("[")) {
            try {
                com.fasterxml.jackson.databind.JsonNode array = Json.tree(text);
                if (array != null && array.isArray()) {
                    List<String> words = new ArrayList<>();
                    array.forEach(word -> words.add(word.asText()));
                    return words;
                }
            } catch (java.io.IOException e) {
                // not JSON after all: the shell form
            }
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    /**
     * Whether a COPY or ADD of the build context names FILE (docker/id_rsa): the path itself ("./"
     * or "/" before it allowed), or a pattern that starts with it (docker/id_rsa*). A broader COPY
     * (`.`, `docker/`) takes whatever is there, and asks for nothing.
     */
    static boolean copies(List<Instruction> instructions, String file) {
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("COPY") || instruction.keyword().equals("ADD")) {
                for (String source : instruction.sources()) {
                    String path = source.replaceFirst("^(\\./|/)+", "");
                    if (path.equals(file) || path.startsWith(file) && path.substring(file.length()).matches("[*?\\[].*")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether a RUN mounts a secret of ID (BuildKit's id, which defaults to the target's file name). */
    static boolean mountsSecret(List<Instruction> instructions, String id) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals("RUN")).flatMap(run -> run.mounts("secret").stream())
                .anyMatch(mount -> id.equals(mount.getOrDefault("id", mount.getOrDefault("target", mount.getOrDefault("dst", ""))
                        .replaceFirst(".*/", ""))));
    }

    /** Whether a RUN mounts the SSH agent. */
    static boolean mountsSsh(List<Instruction> instructions) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals("RUN")).anyMatch(run -> !run.mounts("ssh").isEmpty());
    }

    /** Whether the Dockerfile declares ARG NAME and a RUN fetches PATH below it ($NAME/PATH or ${NAME}/PATH). */
    static boolean fetches(List<Instruction> instructions, String name, String path) {
        Pattern fetch = Pattern.compile("\\$\\{?" + Pattern.quote(name) + "\\}?/" + Pattern.quote(path) + "\\b");
        return declares(instructions, name) && instructions.stream().anyMatch(instruction -> instruction.keyword().equals("RUN") && fetch.matcher(instruction.text()).find());
    }

    /** Whether the Dockerfile declares ARG NAME. */
    static boolean declares(List<Instruction> instructions, String name) {
        return instructions.stream().anyMatch(instruction -> instruction.keyword().equals("ARG")
                && instruction.arguments().strip().split("[=\\s]", 2)[0].equals(name));
    }
}
