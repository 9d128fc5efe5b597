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
    private static FileChannel channel;

    private RunLock() {
    }

    static void acquire(Component component, String step, Docker docker) {
        if (docker.dryRun()) {
            return;
        }
        Path directory = docker.directory();
        Path file = directory.resolve(".pipkit-" + step + ".lock");
        FileLock lock;
        String left;
        if (Files.isSymbolicLink(file) || (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))) {
            throw Kit.badInput(file.getFileName() + " is not a plain file (a link?): the kit writes its lock files itself; remove it");
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw Kit.failure("another " + step + " is running in " + directory + ": wait for it to end, or run from a separate copy");
            }
            ByteBuffer content = ByteBuffer.allocate((int) channel.size());
            channel.read(content, 0);
            left = new String(content.array(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Kit.failure("cannot lock " + file + " (" + e.getMessage() + "): check the folder is writable");
        }
        if (!left.isBlank()) {
            Kit.step("removing what a killed " + step + " left behind");
            reap(component, docker, left);
        }
        empty();
        Kit.atExit(() -> {
            empty();
            try {
                lock.release();
                channel.close();
                channel = null;
            } catch (IOException e) {
                // the OS drops the lock when the process ends anyway
            }
        });
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
    static void note(String kind, String value) {
        if (channel == null) {
            return;
        }
        try {
            channel.write(ByteBuffer.wrap((kind + " " + value + "\n").getBytes(StandardCharsets.UTF_8)), channel.size());
            channel.force(false);
        } catch (IOException e) {
            throw Kit.failure("cannot write the run's lock file: " + e.getMessage());
        }
    }

    private static void empty() {
        try {
            channel.truncate(0);
            channel.force(false);
        } catch (IOException e) {
            Kit.warn("cannot empty the run's lock file: " + e.getMessage());
        }
    }

    /**
     * Removes what a killed run of this step listed, and only what this kit made for this component
     * in this folder: a lock file may have been written by someone else, naming another project's
     * containers or files outside the repository.
     */
    private static void reap(Component component, Docker docker, String left) {
        Path directory = docker.directory();
        for (String line : left.split("\n")) {
            String[] parts = line.split(" ", 2);
            String value = parts.length < 2 ? "" : parts[1].strip();
            switch (parts[0]) {
                case "container" -> {
                    if (value.matches(Pattern.quote(component.name) + "-build-[0-9a-f]{8}") && ownContainer(docker, value, directory)) {
                        docker.runQuietly(Docker.remove(value));
                    } else {
                        ignored(line);
                    }
                }
                case "project" -> {
                    if (Compose.ownProject(docker, component, value, directory)) {
                        Compose.removeProject(docker, value);
                    } else {
                        ignored(line);
                    }
                }
                case "file" -> {
                    // only what the kit itself writes: a staging folder or a credential file, never through a link
                    if ((value.matches("\\.pipkit-staging-[0-9a-f]{8}") || List.of(Credentials.KEY, Credentials.NPMRC).contains(value))
                            && Repository.reachable(directory, value)) {
                        Outputs.delete(directory.resolve(value));
                    } else {
                        ignored(line);
                    }
                }
                case "temp" -> {
                    // a throwaway docker config with a registry login in it, or a build secret, directly in the temp folder
                    String folder = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath() + "/";
                    if (value.startsWith(folder) && value.substring(folder.length()).matches("pipkit-[A-Za-z0-9-]+")) {
                        Outputs.delete(Path.of(value));
                    } else {
                        ignored(line);
                    }
                }
                default -> {
                    if (!line.isBlank()) {
                        ignored(line);
                    }
                }
            }
        }
    }

    private static void ignored(String line) {
        Kit.warn("the lock file names " + Component.quote(line) + ", which is not something this kit made here: left alone");
    }

    /** Whether the engine's CONTAINER carries the kit's folder label for DIRECTORY. */
    private static boolean ownContainer(Docker docker, String container, Path directory) {
        String folder = docker.query(List.of("docker", "inspect", "--type", "container", "--format",
                "{{index .Config.Labels \"" + Kit.LABEL + ".folder\"}}", container));
        return directory.toString().equals(folder);
    }
}
