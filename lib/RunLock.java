import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One run of a step at a time in a folder, and clean-up after a killed one. A step holds an OS
 * lock on .pipkit-STEP.lock while it runs (the OS drops it even when the process is killed) and
 * notes in that file what it creates: containers, compose projects, temporary files. A clean end,
 * Ctrl-C included, empties the file; a run that finds it not empty knows its owner was killed and
 * removes what it lists before starting.
 */
final class RunLock {
    private final FileChannel channel;
    private final FileLock lock;
    private final Console console;
    /** What the journal listed when the lock was taken: a killed run's leftovers. */
    private final String left;

    private RunLock(FileChannel channel, FileLock lock, Console console, String left) {
        this.channel = channel;
        this.lock = lock;
        this.console = console;
        this.left = left;
    }

    /** Takes the lock of STEP in the run's folder, or fails with one line when another run holds it. */
    static RunLock acquire(ScriptRun run, String step) {
        Path file = run.directory.resolve(".pipkit-" + step + ".lock");
        if (Files.isSymbolicLink(file) || (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))) {
            throw Kit.badInput(file.getFileName() + " is not a plain file (a link?): the kit writes its lock files itself; remove it");
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw Kit.failure("another " + step + " is running in " + run.directory + ": wait for it to end, or run from a separate copy");
            }
            ByteBuffer content = ByteBuffer.allocate((int) channel.size());
            channel.read(content, 0);
            return new RunLock(channel, lock, run.console, new String(content.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw Kit.failure("cannot lock " + file + " (" + e.getMessage() + "): check the folder is writable");
        }
    }

    /** Removes what a killed run of STEP left (what this kit made here of what the journal lists), then empties the journal. */
    void reapLeftovers(ScriptRun run, Component component, String step) {
        if (!left.isBlank()) {
            run.console.step("removing what a killed " + step + " left behind");
            reap(run, component, left);
        }
        empty();
    }

    /** Empties the journal (the run ended cleanly) and lets the lock go. */
    void release() {
        empty();
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS drops the lock when the process ends anyway
        }
    }

    /** Whether a run of STEP holds its lock in DIRECTORY now (in another process). */
    static boolean running(Path directory, String step) {
        Path file = directory.resolve(".pipkit-" + step + ".lock");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (FileChannel other = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = other.tryLock();
            if (lock != null) {
                lock.release();
            }
            return lock == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Notes something this run creates, before it is created, so a killed run's successor can remove it. */
    void note(String kind, String value) {
        try {
            channel.write(ByteBuffer.wrap((kind + " " + value + "\n").getBytes(StandardCharsets.UTF_8)), channel.size());
            channel.force(false);
        } catch (IOException e) {
            throw Kit.failure("cannot write the run's lock file: " + e.getMessage());
        }
    }

    private void empty() {
        try {
            channel.truncate(0);
            channel.force(false);
        } catch (IOException e) {
            console.warn("cannot empty the run's lock file: " + e.getMessage());
        }
    }

    /**
     * Removes what a killed run of this step listed, and only what this kit made for this component
     * in this folder: a lock file may have been written by someone else, naming another project's
     * containers or files outside the repository.
     */
    private static void reap(ScriptRun run, Component component, String left) {
        Path directory = run.directory;
        for (String line : left.split("\n")) {
            String[] parts = line.split(" ", 2);
            String value = parts.length < 2 ? "" : parts[1].strip();
            switch (parts[0]) {
                case "container" -> {
                    if (value.matches(Pattern.quote(component.name) + "-build-[0-9a-f]{8}") && ownContainer(run, value)) {
                        run.commands.cleanUp(Docker.remove(value));
                    } else {
                        ignored(run, line);
                    }
                }
                case "project" -> {
                    if (Compose.ownProject(run, component, value)) {
                        Compose.removeProject(run, value);
                    } else {
                        ignored(run, line);
                    }
                }
                case "file" -> {
                    // only what the kit itself writes, never through a link: a staging folder, or a credential file that still
                    // holds what the kit wrote (its hash is journalled: a forged line cannot name the user's own key)
                    if (value.matches("\\.pipkit-staging-[0-9a-f]{8}") && Repository.reachable(directory, value) || ownCredential(directory, value)) {
                        Outputs.delete(directory.resolve(value.split(" ")[0]));
                    } else {
                        ignored(run, line);
                    }
                }
                case "temp" -> {
                    // a throwaway docker config with a registry login in it, or a build secret, directly in the temp folder
                    String folder = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath() + "/";
                    if (value.startsWith(folder) && value.substring(folder.length()).matches("pipkit-[A-Za-z0-9_.-]+")) {
                        Outputs.delete(Path.of(value));
                    } else {
                        ignored(run, line);
                    }
                }
                default -> {
                    if (!line.isBlank()) {
                        ignored(run, line);
                    }
                }
            }
        }
    }

    /** Whether VALUE ("docker/id_rsa HASH") is a credential file the kit wrote, still as it wrote it. */
    static boolean ownCredential(Path directory, String value) {
        String[] parts = value.split(" ");
        return parts.length == 2 && List.of(Credentials.KEY, Credentials.NPMRC).contains(parts[0]) && Repository.linkFree(directory, parts[0])
                && Files.isRegularFile(directory.resolve(parts[0]), LinkOption.NOFOLLOW_LINKS) && parts[1].equals(Credentials.hash(directory.resolve(parts[0])));
    }

    /** Whether FILE (docker/id_rsa, say) is what a killed run of any step wrote and left: a journal lists it with its content's hash. */
    static boolean leftover(Path directory, String file) {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            for (Path journal : files.filter(path -> path.getFileName().toString().matches("\\.pipkit-[a-z]+\\.lock")
                    && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).toList()) {
                for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                    if (line.startsWith("file " + file + " ") && ownCredential(directory, line.substring("file ".length()))) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static void ignored(ScriptRun run, String line) {
        run.console.warn("the lock file names " + Component.quote(line) + ", which is not something this kit made here: left alone");
    }

    /** Whether the engine's CONTAINER carries the kit's folder label for the run's folder. */
    private static boolean ownContainer(ScriptRun run, String container) {
        return run.directory.toString().equals(run.commands.ask(Docker.label(container, Kit.LABEL + ".folder")));
    }
}
