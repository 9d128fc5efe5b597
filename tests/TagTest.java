import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tag.java with a local bare repository as origin. */
@org.junit.jupiter.api.Tag(Harness.ENGINE)
class TagTest {
    static final String TOKEN = "ghp_Tag-Secret-Token-0042";
    Harness repo;
    Path origin;

    @BeforeEach
    void aRepositoryWithAnOrigin() throws IOException {
        repo = Harness.sample();
        origin = repo.dir.resolve("origin.git");
        git(repo.dir.getParent(), "init", "--bare", "--quiet", origin.toString());
        git(repo.dir, "init", "--quiet");
        git(repo.dir, "config", "user.email", "tests@pipkit.local");
        git(repo.dir, "config", "user.name", "pipkit tests");
        git(repo.dir, "add", "component.json");
        git(repo.dir, "commit", "--quiet", "-m", "first");
        git(repo.dir, "remote", "add", "origin", origin.toString());
    }

    @AfterEach
    void removeWhatTheTestMade() throws IOException {
        repo.cleanUp();
    }

    static String git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        var result = Harness.exec(command);
        assertEquals(0, result.getExitValue(), command + ": " + result.outputUTF8());
        return result.outputUTF8().strip();
    }

    @Test
    void tagsPushesAndKeepsTheTokenOutOfEverything() throws IOException {
        Harness.Result result = repo.run(Map.of("GIT_TOKEN", TOKEN), "tag.java", "--verbose");
        assertEquals(0, result.exit(), result.all());
        assertEquals("tag", git(repo.dir, "cat-file", "-t", "v1.0.0-0"), "an annotated tag");
        assertTrue(git(origin, "tag", "--list").contains("v1.0.0-0"), "the tag reached origin");
        String basic = java.util.Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes());
        assertFalse(result.all().contains(TOKEN) || result.all().contains(basic), result.all());
        assertFalse(repo.read(".git/config").contains(TOKEN) || repo.read(".git/config").contains(basic));
        assertEquals(origin.toString(), git(repo.dir, "remote", "get-url", "origin"), "the remote URL was changed");
    }

    @Test
    void theTokenReachesAnHttpsRemoteAsAHeader() throws Exception {
        List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(403, -1);
            exchange.close();
        });
        server.start();
        try {
            git(repo.dir, "remote", "set-url", "origin", "http://127.0.0.1:" + server.getAddress().getPort() + "/org/repo.git");
            Harness.Result result = repo.run(Map.of("GIT_TOKEN", TOKEN), "tag.java");
            Harness.assertOneErrorLine(result, 1, "git push failed");
            assertEquals("", git(repo.dir, "tag", "--list"), "a tag only local would make the next run demand --force: it goes");
            String basic = java.util.Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes());
            assertTrue(authorizations.contains("Basic " + basic), "the remote saw: " + authorizations);
            assertFalse(result.all().contains(TOKEN) || result.all().contains(basic), result.all());
            // an empty GIT_TOKEN (a CI variable left unset) does not hide GITHUB_API_KEY
            authorizations.clear();
            result = repo.run(Map.of("GIT_TOKEN", "", "GITHUB_API_KEY", TOKEN), "tag.java", "--force");
            Harness.assertOneErrorLine(result, 1, "git push failed");
            assertTrue(authorizations.contains("Basic " + basic), "the remote saw: " + authorizations);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anExistingTagIsAnErrorUnlessForced() throws IOException {
        assertEquals(0, repo.run("tag.java").exit());
        Harness.assertOneErrorLine(repo.run("tag.java"), 2, "tag v1.0.0-0 exists already");
        Files.writeString(repo.dir.resolve("component.json"), repo.read("component.json") + " ");
        git(repo.dir, "commit", "--quiet", "-am", "second");
        Harness.Result forced = repo.run("tag.java", "--force");
        assertEquals(0, forced.exit(), forced.all());
        assertEquals(git(repo.dir, "rev-parse", "HEAD"), git(origin, "rev-parse", "v1.0.0-0^{commit}"), "origin's tag moved");
    }

    @Test
    void theTagFollowsTheBuildNumberAndNeedsARepository() throws IOException {
        repo.write("component.json", repo.componentJson("17", ""));
        Harness.Result result = repo.run("tag.java", "--no-push");
        assertEquals(0, result.exit(), result.all());
        assertEquals("tag", git(repo.dir, "cat-file", "-t", "v1.0.0-17"));
        assertFalse(git(origin, "tag", "--list").contains("v1.0.0-17"));
        Repository.delete(repo.dir.resolve(".git"));
        Harness.assertOneErrorLine(repo.run("tag.java"), 2, "is not a git repository");
    }
}
