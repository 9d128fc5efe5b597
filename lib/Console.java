import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The kit's one voice for one run: progress lines, details, warnings and errors on stderr, dry-run
 * commands on stdout, and every secret masked in all of them (and in the output of the commands
 * the run starts, see {@link Commands}). Colour only on a terminal, never with NO_COLOR.
 */
final class Console {
    /** Environment variables whose values never reach the console, nor any child process (see {@link Commands}). */
    static final List<String> SECRET_VARIABLES = List.of("DOCKER_PASS", "GIT_PRIVATE_KEY", "NPM_TOKEN", "GIT_TOKEN", "GITHUB_API_KEY", "NPM_PASS", "MAVEN_PASS",
            "NUGET_KEY", "PYPI_TOKEN", "PUB_TOKEN");
    /** Whether the kit's output is a terminal. */
    static final boolean TERMINAL = System.console() != null;
    /** Secrets shorter than this are not masked: "****" in place of every "p" would garble the output and give the value away. */
    static final int SHORTEST_MASKED = 6;

    final PrintStream out;
    final PrintStream err;
    final boolean verbose;
    final boolean quiet;
    private final boolean colours;
    private final Set<String> secrets = new CopyOnWriteArraySet<>();

    Console(PrintStream out, PrintStream err, boolean verbose, boolean quiet, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.verbose = verbose;
        this.quiet = quiet;
        this.colours = TERMINAL && out == System.out && environment.get("NO_COLOR") == null;
        rememberSecrets(environment);
    }

    /** The secret variables' values, the key inside a base64 GIT_PRIVATE_KEY, and the docker config's user:password. */
    private void rememberSecrets(Map<String, String> environment) {
        for (String variable : Console.SECRET_VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank() && value.strip().length() < SHORTEST_MASKED) {
                warn(variable + " is shorter than " + SHORTEST_MASKED + " characters, too short to be masked in what the kit prints: use a longer one");
            }
            secret(value);
        }
        String key = environment.get("GIT_PRIVATE_KEY");
        if (key != null) {
            try {
                secret(new String(Base64.getMimeDecoder().decode(key.strip()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a raw key: already remembered as it is
            }
        }
        String user = environment.get("DOCKER_USER");
        String password = environment.get("DOCKER_PASS");
        if (user != null && password != null && password.strip().length() >= SHORTEST_MASKED) {
            // the "auth" of a docker config.json, as a registry's error or a verbose log may show it
            secret(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Remembers a value to mask, with the forms it travels in (URL-encoded, base64, JSON-escaped);
     * for a multi-line value (a key) every long line too.
     */
    void secret(String value) {
        if (value == null || value.strip().length() < SHORTEST_MASKED) {
            return;
        }
        String strip = value.strip();
        secrets.add(strip);
        secrets.add(URLEncoder.encode(strip, StandardCharsets.UTF_8));
        secrets.add(Base64.getEncoder().encodeToString(strip.getBytes(StandardCharsets.UTF_8)));
        secrets.add(strip.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
        for (String line : strip.split("\\R")) {
            if (line.strip().length() >= 8) {
                secrets.add(line.strip());
            }
        }
    }

    /** TEXT with every secret, and every overlap of secrets, replaced by "****". */
    String mask(String text) {
        boolean[] hidden = null;
        for (String secret : secrets) {
            for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
                if (hidden == null) {
                    hidden = new boolean[text.length()];
                }
                Arrays.fill(hidden, at, at + secret.length(), true);
            }
        }
        if (hidden == null) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!hidden[i]) {
                masked.append(text.charAt(i));
            } else if (i == 0 || !hidden[i - 1]) {
                masked.append("****");
            }
        }
        return masked.toString();
    }

    /** A progress line: "==> building image ...". */
    void step(String message) {
        if (!quiet) {
            print(err, "\u001b[1;34m", "==> " + message);
        }
    }

    /** A line shown only with --verbose. */
    void detail(String message) {
        if (verbose) {
            print(err, "\u001b[2m", message);
        }
    }

    void warn(String message) {
        print(err, "\u001b[33m", "[WARN] " + message);
    }

    void error(String message) {
        print(err, "\u001b[31m", "[ERROR] " + message);
    }

    /** A line on stdout, such as a command in a dry run: masked, never coloured. */
    void print(String line) {
        out.println(mask(line));
        out.flush();
    }

    private void print(PrintStream stream, String colour, String line) {
        stream.println(colours ? colour + mask(line) + "\u001b[0m" : mask(line));
        stream.flush();
    }
}
