import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * One run of a script: its folder, whether it is a dry run, its console, its commands, and what
 * it must undo. A script first validates everything with read-only calls; {@link #lock} then starts
 * the part that changes things: before it, a command that changes anything is refused (a bug, not
 * a user's error), so "bad input changes nothing" is the structure, not a habit. Whatever the run
 * creates is {@link #track}ed once, as a {@link Resource}: journalled in the lock file for a killed
 * run's successor, and removed when the run ends, however it ends (success, failure, Ctrl-C), newest first.
 */
final class ScriptRun implements AutoCloseable {
    /** The runs of this JVM still going: Ctrl-C ends them (see {@link Kit#run}). */
    static final Set<ScriptRun> LIVE = new CopyOnWriteArraySet<>();

    /**
     * A kind of thing runs make (a container, a compose project, a file): its word in the journal,
     * whether a journal's VALUE names one the kit made here for a component (a journal may be forged),
     * and how such a leftover goes. Each kind is declared beside the code that makes it; {@link Kit#RESOURCES} lists them.
     */
    record Resource(String word, Ours ours, BiConsumer<ScriptRun, String> removal) {
        interface Ours {
            boolean test(ScriptRun run, Component component, String value);
        }
    }

    /** Owner-only files and folders in the temp folder: a throwaway docker login, a build secret, a compose override. */
    static final Resource TEMP = new Resource("temp", (run, component, value) -> {
        String folder = run.temporaryRoot() + "/";
        return value.startsWith(folder) && value.substring(folder.length()).matches("pipkit-[A-Za-z0-9_.-]+");
    }, (run, value) -> Repository.delete(Path.of(value)));

    /** This run's id: it names the containers, compose project and staging folder the run makes. */
    final String id = newId();
    final Path directory;
    final boolean dryRun;
    final Console console;
    final Commands commands;
    final Map<String, String> environment;
    /** Where credentials may go: a kit run from outside the repository uses none the CI did not pin. */
    final Trust trust;
    private final List<Resource> resources;
    private final Deque<Runnable> cleanUps = new ArrayDeque<>();
    private RunLock lock;
    private boolean locked;
    /** Set when a signal ends the run: its failure is then "interrupted", not whatever the signal broke. */
    volatile boolean interrupted;

    /** A run in DIRECTORY; RESOURCES are the kinds of things a killed run may have left (see {@link Kit#RESOURCES}). */
    ScriptRun(Path directory, boolean dryRun, Console console, Map<String, String> environment, Commands.Exec exec, List<Resource> resources) {
        this.directory = directory;
        this.dryRun = dryRun;
        this.console = console;
        this.environment = environment;
        this.resources = resources;
        this.commands = new Commands(console, directory, dryRun, environment, this::requireLocked, exec);
        this.trust = Trust.of(directory, environment);
        LIVE.add(this);
    }

    /** A short random id. */
    static String newId() {
        String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt());
        return "0".repeat(8 - hex.length()) + hex;
    }

    /**
     * Everything is checked: takes the step's lock in the folder (one run of a step at a time),
     * removes what a killed run of it left, and from now on allows changes. A dry run takes no lock.
     */
    void lock(Component component, String step) {
        if (!dryRun) {
            lock = RunLock.acquire(directory, console, step);
            atEnd(lock::release);
        }
        locked = true;
        commands.locked = true;
        if (lock != null) {
            reap(component, step, lock.left);
            lock.empty();
        }
    }

    /**
     * Removes what a killed run of STEP left, as its journal LEFT lists it, and only what the kit made
     * here for COMPONENT: a journal may have been written by someone else, naming another project's
     * containers or files outside the repository.
     */
    void reap(Component component, String step, String left) {
        if (left.isBlank()) {
            return;
        }
        console.step("removing what a killed " + step + " left behind");
        for (String line : left.split("\n")) {
            String[] parts = line.split(" ", 2);
            String value = parts.length < 2 ? "" : parts[1].strip();
            Resource kind = resources.stream().filter(resource -> resource.word().equals(parts[0])).findFirst().orElse(null);
            if (kind != null && kind.ours().test(this, component, value)) {
                kind.removal().accept(this, value);
            } else if (!line.isBlank()) {
                console.warn("the lock file names " + Json.quote(line) + ", which is not something this kit made here: left alone");
            }
        }
    }

    /** Whether the run got as far as its lock. */
    boolean locked() {
        return locked;
    }

    /** Refuses a change before the lock: everything must be checked first. */
    void requireLocked() {
        if (!locked) {
            throw new IllegalStateException("a change before the run is locked: check everything first, then lock");
        }
    }

    /** Something this run creates, of KIND: noted in the lock file before it exists, REMOVAL done when the run ends. */
    void track(Resource kind, String value, Runnable removal) {
        if (lock != null) {
            lock.note(kind.word(), value);
        }
        atEnd(removal);
    }

    /**
     * Where the run's temporary files go: TMPDIR, as Unix programs read it (a CI's own temp folder),
     * when it names a folder outside the repository (a credential there would be in the build
     * context); else the JVM's temp folder.
     */
    Path temporaryRoot() {
        try {
            Path folder = Path.of(environment.getOrDefault("TMPDIR", ""));
            if (folder.isAbsolute() && Files.isDirectory(folder) && !folder.toRealPath().startsWith(directory.toRealPath())) {
                return folder.normalize();
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // not a folder this run can use: the JVM's
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    /**
     * An owner-only file in the temp folder holding CONTENT, named pipkit-NAME-..., that no other user
     * can guess or take first; deleted when the run ends. A dry run only names it.
     */
    Path temporaryFile(String name, String content) {
        if (!changesFiles()) {
            return Path.of("/tmp/pipkit-" + name);
        }
        try {
            Path file = Files.createTempFile(temporaryRoot(), "pipkit-" + name + "-", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            track(TEMP, file.toString(), () -> Repository.delete(file));
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw Exit.failure("cannot write a temporary file (" + name + "): " + e.getMessage());
        }
    }

    /** An owner-only folder in the temp folder, named pipkit-NAME-..., deleted with all it holds when the run ends. */
    Path temporaryFolder(String name) {
        requireLocked();
        try {
            Path folder = Files.createTempDirectory(temporaryRoot(), "pipkit-" + name + "-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            track(TEMP, folder.toString(), () -> Repository.delete(folder));
            return folder;
        } catch (IOException e) {
            throw Exit.failure("cannot create a temporary folder (" + name + "): " + e.getMessage());
        }
    }

    /** Work that must happen when the run ends, however it ends, newest first. */
    void atEnd(Runnable cleanUp) {
        synchronized (cleanUps) {
            cleanUps.push(cleanUp);
        }
    }

    /**
     * Runs the clean-ups now, newest first, each once; a failing one is a line, not the end of the
     * others. A second caller (Ctrl-C's hook while the run is closing itself) waits for the first.
     */
    @Override
    public synchronized void close() {
        while (true) {
            Runnable next;
            synchronized (cleanUps) {
                next = cleanUps.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                console.error("clean-up: " + e.getMessage());
            }
        }
        LIVE.remove(this);
    }

    /** Whether the run may write files now: it holds its lock (a bug otherwise) and is no dry run. */
    boolean changesFiles() {
        requireLocked();
        return !dryRun;
    }
}
