import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
    final String left;

    private RunLock(FileChannel channel, FileLock lock, Console console, String left) {
        this.channel = channel;
        this.lock = lock;
        this.console = console;
        this.left = left;
    }

    /** Takes the lock of STEP in DIRECTORY, or fails with one line when another run holds it. */
    static RunLock acquire(Path directory, Console console, String step) {
        Path file = directory.resolve(".pipkit-" + step + ".lock");
        if (!Repository.kitsOwn(file)) {
            throw Exit.badInput(file.getFileName() + " is not a plain file (a link or a hard link?): the kit writes its lock files itself; remove it");
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw Exit.failure("another " + step + " is running in " + directory + ": wait for it to end, or run from a separate copy");
            }
            ByteBuffer content = ByteBuffer.allocate((int) channel.size());
            channel.read(content, 0);
            return new RunLock(channel, lock, console, new String(content.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw Exit.failure("cannot lock " + file + " (" + e.getMessage() + "): check the folder is writable");
        }
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
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Repository.kitsOwn(file)) {
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

    /** The lock of STEP in DIRECTORY when its journal is there and no run holds it (a killed run's, to reap), else null. */
    static RunLock ifLeft(Path directory, Console console, String step) {
        if (!Files.isRegularFile(directory.resolve(".pipkit-" + step + ".lock"), LinkOption.NOFOLLOW_LINKS) || running(directory, step)) {
            return null;
        }
        try {
            return acquire(directory, console, step);
        } catch (Exit.Failure e) {
            return null;   // a run of it started in between: what it lists is that run's
        }
    }

    /** Notes something this run creates, before it is created, so a killed run's successor can remove it. */
    void note(String kind, String value) {
        try {
            channel.write(ByteBuffer.wrap((kind + " " + value + "\n").getBytes(StandardCharsets.UTF_8)), channel.size());
            channel.force(false);
        } catch (IOException e) {
            throw Exit.failure("cannot write the run's lock file: " + e.getMessage());
        }
    }

    /** Empties the journal: what it listed is gone. */
    void empty() {
        try {
            channel.truncate(0);
            channel.force(false);
        } catch (IOException e) {
            console.warn("cannot empty the run's lock file: " + e.getMessage());
        }
    }

    /** The lines of every journal in DIRECTORY (.pipkit-STEP.lock), live runs' included: what runs made and may have left. */
    static List<String> journals(Path directory) {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path journal : files.filter(path -> path.getFileName().toString().matches("\\.pipkit-[a-z]+\\.lock")
                    && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Repository.kitsOwn(path)).toList()) {
                lines.addAll(Files.readAllLines(journal, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // an unreadable folder or journal lists nothing
        }
        return lines;
    }
}
