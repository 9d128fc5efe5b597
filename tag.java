///usr/bin/env true; exec jbang "$0" "$@"
//DESCRIPTION Tags the release in git as v<version>-<build> and pushes the tag (replaces tag.ps1).
//SOURCES lib/Kit.java

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class Tag implements Callable<Integer>, Cli.Declared {
    final Kit.Options options = new Kit.Options();
    String remote;
    boolean force;
    boolean noPush;

    @Override
    public void declare(Cli cli) {
        cli.usage("tag", "Creates the annotated git tag v<version>-<build> and pushes it. A token in GIT_TOKEN or GITHUB_API_KEY reaches git "
                + "as an HTTP header through the environment only: never in a URL, an argument or a file.",
                "  GIT_TOKEN or GITHUB_API_KEY (token for an HTTPS remote, sent as a header), GIT_USER (default x-access-token)",
                "  NO_COLOR",
                "%nExample:",
                "  GIT_TOKEN=*** ./jbang tag.java");
        cli.mixin("options", options);
        cli.option("--remote", "REMOTE", "The remote to push to (default origin).", String.class, value -> remote = value).defaultValue("origin");
        cli.flag("--force", "Move the tag if it exists already (and force-push it).", on -> force = on);
        cli.flag("--no-push", "Create the tag only.", on -> noPush = on);
    }

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
        String url = noPush ? null : url(run);
        Map<String, String> environment = noPush ? Map.of() : pushEnvironment(run, url);

        run.lock(component, "tag");
        run.console.step("tagging HEAD as " + tag);
        run.commands.step("git tag", Git.tag(tag, component.buildTag(), force));
        if (!noPush) {
            run.console.step("pushing " + tag + " to " + (run.trust.gitRemote != null ? Trust.GIT_REMOTE : remote));
            Path gitDir = ownGitFolder(run);
            String object = run.dryRun ? "refs/tags/" + tag : run.commands.require("the tag " + tag, Git.tagExists(tag));
            Commands.Outcome pushed = run.commands.attempt(Git.push(gitDir, url, object, tag, force), environment);
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
     * Where the tag goes: the CI's pinned remote (PIPKIT_GIT_REMOTE); without one, the remote's push
     * URL as the repository says, but never for a kit run from outside the repository.
     */
    String url(ScriptRun run) {
        if (run.trust.gitRemote != null) {
            return run.trust.gitRemote;
        }
        if (run.trust.trustedKit) {
            throw Exit.badInput(Trust.unpinned("tag.java pushes nothing (--no-push only tags)", Trust.GIT_REMOTE));
        }
        if (!remote.matches("[A-Za-z0-9][A-Za-z0-9._/-]*")) {
            throw Exit.badInput("--remote " + Json.quote(remote) + " is not a remote's name");
        }
        String url = run.commands.ask(Git.pushUrl(remote));
        if (url == null || url.isEmpty()) {
            throw Exit.badInput("the repository has no remote " + remote + ": git remote add " + remote + " URL, or pass --remote");
        }
        return url;
    }

    /**
     * A git folder of the kit's own, in the temp folder, that reads the repository's objects (and
     * its shallow boundary) and nothing else of it: the push runs there, so the repository's hooks,
     * URL rewriting, proxies, TLS settings and credential helpers never see the token.
     */
    static Path ownGitFolder(ScriptRun run) {
        if (run.dryRun) {
            return Path.of("/tmp/pipkit-git");
        }
        String objects = run.commands.require("the repository's objects", Git.gitPath("objects"));
        String shallow = run.commands.require("the repository's shallow boundary", Git.gitPath("shallow"));
        boolean sha256 = "sha256".equals(run.commands.ask(Git.objectFormat()));
        Path folder = run.temporaryFolder("git");
        try {
            Files.createDirectories(folder.resolve("objects/info"));
            Files.createDirectories(folder.resolve("refs"));
            Files.writeString(folder.resolve("HEAD"), "ref: refs/heads/main\n");
            Files.writeString(folder.resolve("config"), sha256 ? "[core]\n\trepositoryformatversion = 1\n\tbare = true\n[extensions]\n\tobjectFormat = sha256\n"
                    : "[core]\n\tbare = true\n");
            Files.writeString(folder.resolve("objects/info/alternates"), objects + "\n");
            if (Files.isRegularFile(Path.of(shallow), LinkOption.NOFOLLOW_LINKS)) {
                Files.copy(Path.of(shallow), folder.resolve("shallow"));
            }
        } catch (IOException e) {
            throw Exit.failure("cannot prepare the push (" + e.getMessage() + ")");
        }
        return folder;
    }

    /**
     * What the push runs with: only URL's protocol allowed, and the token, when there is one, as an
     * Authorization header for URL alone (git configuration in the environment, GIT_CONFIG_COUNT,
     * git 2.31+). GIT_USER names the account (default x-access-token, which GitHub accepts with any token).
     */
    static Map<String, String> pushEnvironment(ScriptRun run, String url) {
        Map<String, String> environment = run.environment;
        Map<String, String> push = new LinkedHashMap<>();
        push.put("GIT_ALLOW_PROTOCOL", Git.protocol(url));
        Matcher userinfo = Pattern.compile("^[a-z]+://([^@/]*)@").matcher(url);
        if (userinfo.find()) {
            run.console.secret(userinfo.group(1));
        }
        // the first one set and not blank: an empty GIT_TOKEN (a CI variable left unset) must not hide GITHUB_API_KEY
        String token = java.util.stream.Stream.of("GIT_TOKEN", "GITHUB_API_KEY").map(environment::get)
                .filter(value -> value != null && !value.isBlank()).findFirst().orElse(null);
        if (token == null) {
            return push;
        }
        String user = environment.getOrDefault("GIT_USER", "x-access-token");
        String basic = Base64.getEncoder().encodeToString((user + ":" + token.strip()).getBytes(StandardCharsets.UTF_8));
        run.console.secret(basic);
        // after the entries the CI may have set itself (safe.directory, say), not over them
        String count = environment.getOrDefault("GIT_CONFIG_COUNT", "0").strip();
        int index = count.matches("[0-9]{1,3}") ? Integer.parseInt(count) : 0;
        push.put("GIT_CONFIG_COUNT", Integer.toString(index + 1));
        push.put("GIT_CONFIG_KEY_" + index, "http." + url + ".extraHeader");
        push.put("GIT_CONFIG_VALUE_" + index, "Authorization: Basic " + basic);
        return push;
    }
}
