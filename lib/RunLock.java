import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

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

    static void acquire(Path directory, String step, Docker docker) {
        if (docker.dryRun()) {
            return;
        }
        Path file = directory.resolve(".pipkit-" + step + ".lock");
        FileLock lock;
        String left;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
            reap(directory, docker, left);
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

    private static void reap(Path directory, Docker docker, String left) {
        for (String line : left.split("\n")) {
            String[] parts = line.split(" ", 2);
            if (parts.length < 2) {
                continue;
            }
            String value = parts[1].strip();
            switch (parts[0]) {
                case "container" -> docker.runQuietly(Docker.remove(value));
                case "project" -> Compose.removeProject(docker, value);
                case "file" -> {
                    // only what the kit itself writes: a staging folder or a credential file
                    if (value.matches("\\.pipkit-staging-[0-9a-f]+") || List.of(Credentials.KEY, Credentials.NPMRC).contains(value)) {
                        Outputs.delete(directory.resolve(value));
                    }
                }
                case "temp" -> {
                    // a throwaway docker config with a registry login in it, or a build secret
                    Path temp = Path.of(value);
                    if (temp.getFileName().toString().startsWith("pipkit-") && temp.getParent().equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                        Outputs.delete(temp);
                    }
                }
                default -> Kit.warn("the lock file names " + Component.quote(line) + ", which the kit never writes: ignored");
            }
        }
    }
}
