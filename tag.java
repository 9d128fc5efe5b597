///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Tags the release in git as v<version>-<build> and pushes the tag (replaces tag.ps1).
//SOURCES lib/Kit.java

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tag",
        description = "Creates the annotated git tag v<version>-<build> and pushes it. A token in GIT_TOKEN or GITHUB_API_KEY reaches git "
                + "as an HTTP header through the environment only: never in a URL, an argument or a file.",
        footerHeading = "%nEnvironment:%n", footer = {
            "  GIT_TOKEN or GITHUB_API_KEY (token for an HTTPS remote, sent as a header), GIT_USER (default x-access-token)",
            "  NO_COLOR",
            "%nExample:",
            "  GIT_TOKEN=*** ./jbang tag.java"})
class Tag implements Callable<Integer> {
    @Mixin
    Kit.Options options;

    @Option(names = "--remote", paramLabel = "REMOTE", defaultValue = "origin", description = "The remote to push to (default origin).")
    String remote;

    @Option(names = "--force", description = "Move the tag if it exists already (and force-push it).")
    boolean force;

    @Option(names = "--no-push", description = "Create the tag only.")
    boolean noPush;

    public static void main(String... args) {
        System.exit(Kit.run(new Tag(), args));
    }

    @Override
    public Integer call() {
        ScriptRun run = options.start();
        Component component = Component.read(run.directory);
        String tag = component.gitTag();
        if (run.commands.ask(Git.repository()) == null) {
            throw Exit.badInput(run.directory + " is not a git repository (or git is not installed): tag.java tags the repository's HEAD");
        }
        if (!force && run.commands.ask(Git.tagExists(tag)) != null) {
            throw Exit.badInput("tag " + tag + " exists already: raise \"version\" or the build number, or pass --force to move it");
        }
        Map<String, String> token = tokenHeader(run);

        run.lock(component, "tag");
        run.console.step("tagging HEAD as " + tag);
        run.commands.step("git tag", Git.tag(tag, component.buildTag(), force));
        if (!noPush) {
            run.console.step("pushing " + tag + " to " + remote);
            Commands.Outcome pushed = run.commands.attempt(Git.push(remote, tag, force), token);
            if (pushed.exit() != 0 && !force) {
                // a tag that is only local would make the next run demand --force, which force-pushes: it goes
                run.commands.cleanUp(Git.deleteTag(tag));
            }
            pushed.orFail("git push", run.console);
        }
        run.console.step(run.dryRun ? "dry run: nothing was changed" : "tagged " + tag);
        return Exit.OK;
    }

    /**
     * The token as git configuration in the environment (GIT_CONFIG_COUNT, git 2.31+): an
     * Authorization header for HTTPS remotes. GIT_USER names the account (default x-access-token,
     * which GitHub accepts with any token).
     */
    static Map<String, String> tokenHeader(ScriptRun run) {
        Map<String, String> environment = run.environment;
        // the first one set and not blank: an empty GIT_TOKEN (a CI variable left unset) must not hide GITHUB_API_KEY
        String token = java.util.stream.Stream.of("GIT_TOKEN", "GITHUB_API_KEY").map(environment::get)
                .filter(value -> value != null && !value.isBlank()).findFirst().orElse(null);
        Map<String, String> header = new LinkedHashMap<>();
        if (token == null || token.isBlank()) {
            return header;
        }
        String user = environment.getOrDefault("GIT_USER", "x-access-token");
        String basic = Base64.getEncoder().encodeToString((user + ":" + token.strip()).getBytes(StandardCharsets.UTF_8));
        run.console.secret(basic);
        // after the entries the CI may have set itself (safe.directory, say), not over them
        String count = environment.getOrDefault("GIT_CONFIG_COUNT", "0").strip();
        int index = count.matches("[0-9]{1,3}") ? Integer.parseInt(count) : 0;
        header.put("GIT_TERMINAL_PROMPT", "0");
        header.put("GIT_CONFIG_COUNT", Integer.toString(index + 1));
        header.put("GIT_CONFIG_KEY_" + index, "http.extraHeader");
        header.put("GIT_CONFIG_VALUE_" + index, "Authorization: Basic " + basic);
        return header;
    }
}
