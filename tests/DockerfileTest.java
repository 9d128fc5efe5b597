import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A Dockerfile read as BuildKit's frontend reads it: what it asks for comes from its instructions, never from a substring. */
class DockerfileTest {
    static List<Dockerfile.Instruction> parse(String text) {
        return Dockerfile.parse(text);
    }

    @Test
    void aCopyOfTheFileAsksForItAndNothingElseDoes() {
        assertTrue(Dockerfile.copies(parse("FROM x\nCOPY docker/id_rsa /root/.ssh/\n"), "docker/id_rsa"));
        assertTrue(Dockerfile.copies(parse("FROM x\ncopy ./docker/id_rsa /root/.ssh/\n"), "docker/id_rsa"), "keywords in any case, ./ before the path");
        assertTrue(Dockerfile.copies(parse("FROM x\nADD [\"docker/id_rsa\", \"/root/.ssh/\"]\n"), "docker/id_rsa"), "the JSON form");
        assertTrue(Dockerfile.copies(parse("FROM x\nCOPY --chown=1000 docker/id_rsa* /root/.ssh/\n"), "docker/id_rsa"), "a pattern that starts with the file");
        assertTrue(Dockerfile.copies(parse("FROM x\nCOPY docker/.npmrc package.json ./\n"), "docker/.npmrc"), "one of several sources");
        for (String none : List.of("FROM x\nRUN rm -f ./.npmrc\n", "FROM x\nCOPY . .\n", "FROM x\nCOPY docker/ /d/\n", "FROM x\n# COPY docker/id_rsa /x\n",
                "FROM x\nCOPY --from=build docker/id_rsa /x\n", "FROM x\nRUN chmod 600 /root/.ssh/id_rsa\n", "FROM x\nCOPY docker/id_rsa_pub.txt /x\n",
                "FROM x\nCOPY /root/.ssh/id_rsa /x\n".replace("/root/.ssh/id_rsa", "docker/id_rsa/../y"))) {
            assertFalse(Dockerfile.copies(parse(none), "docker/id_rsa") || Dockerfile.copies(parse(none), "docker/.npmrc"), none);
        }
    }

    @Test
    void continuationsCommentsTheEscapeDirectiveAndHereDocumentsAreReadAsBuildKitReadsThem() {
        // a comment inside a continuation is dropped, not an end
        assertTrue(Dockerfile.copies(parse("FROM x\nCOPY \\\n# a comment\n  docker/id_rsa \\\n  /root/.ssh/\n"), "docker/id_rsa"));
        // with the escape directive, a backslash is a path character and ` continues the line
        assertTrue(Dockerfile.copies(parse("# escape=`\nFROM x\nCOPY `\n  docker/id_rsa C:\\ssh\\\n"), "docker/id_rsa"));
        assertEquals(2, parse("# escape=`\nFROM x\nRUN echo a \\\nRUN echo b\n").size() - 1, "the backslash continues nothing there");
        // a here-document's body is text of its RUN, not an instruction
        List<Dockerfile.Instruction> heredoc = parse("FROM x\nRUN <<EOF\nCOPY docker/id_rsa /x\nEOF\nRUN true\n");
        assertEquals(List.of("FROM", "RUN", "RUN"), heredoc.stream().map(Dockerfile.Instruction::keyword).toList());
        assertFalse(Dockerfile.copies(heredoc, "docker/id_rsa"));
        assertTrue(heredoc.get(1).text().contains("COPY docker/id_rsa"));
        assertEquals(List.of("FROM", "RUN"), parse("FROM x\r\nRUN <<-'END' cat\r\n\tbody\r\n\tEND\r\n").stream().map(Dockerfile.Instruction::keyword).toList(),
                "CRLF, a quoted and tab-stripped delimiter");
    }

    @Test
    void mountsAndTheServedFormAreReadFromTheirInstructions() {
        assertTrue(Dockerfile.mountsSecret(parse("FROM x\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"), "npmrc"));
        assertTrue(Dockerfile.mountsSecret(parse("FROM x\nRUN --mount=type=secret,target=/run/secrets/id_rsa cat /run/secrets/id_rsa\n"), "id_rsa"),
                "BuildKit's id defaults to the target's name");
        assertFalse(Dockerfile.mountsSecret(parse("FROM x\nRUN echo --mount=type=secret,id=npmrc\n"), "npmrc"), "a word of the command, no flag");
        assertTrue(Dockerfile.mountsSsh(parse("FROM x\nRUN --mount=type=cache,target=/c --mount=type=ssh git clone git@h:o/r\n")));
        assertFalse(Dockerfile.mountsSsh(parse("FROM x\n# RUN --mount=type=ssh\nRUN true\n")));
        String served = "FROM x\nARG PIPKIT_SECRET_URL\nRUN wget -qO /tmp/k \"${PIPKIT_SECRET_URL}/id_rsa\" && rm /tmp/k\n";
        assertTrue(Dockerfile.fetches(parse(served), "PIPKIT_SECRET_URL", "id_rsa"));
        assertFalse(Dockerfile.fetches(parse(served), "PIPKIT_SECRET_URL", "npmrc"));
        assertFalse(Dockerfile.fetches(parse(served.replace("ARG PIPKIT_SECRET_URL\n", "")), "PIPKIT_SECRET_URL", "id_rsa"), "no ARG: the build has no such value");
    }
}
