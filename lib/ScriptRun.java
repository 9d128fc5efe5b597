import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One run of a script: its folder, whether it is a dry run, its console, its commands, and what
 * it must undo. A script first validates everything with read-only calls; {@link #lock} then starts
 * the part that changes things: before it, a command that changes anything is refused (a bug, not
 * a user's error), so "bad input changes nothing" is the structure, not a habit. Whatever the run
 * creates is {@link #track}ed once: journalled in the lock file for a killed run's successor, and
 * removed when the run ends, however it ends (success, failure, Ctrl-C), newest first.
 */
final class ScriptRun implements AutoCloseable {
    /** The runs of this JVM still going: Ctrl-C ends them (see {@link Kit#run}). */
    static final Set<ScriptRun> LIVE = new CopyOnWriteArraySet<>();

    final Path directory;
    final boolean dryRun;
    final Console console;
    final Commands commands;
    final Map<String, String> environment;
    private final Deque<Runnable> cleanUps = new ArrayDeque<>();
    private RunLock lock;
    private boolean locked;
    /** Set when a signal ends the run: its failure is then "interrupted", not whatever the signal broke. */
    volatile boolean interrupted;

    ScriptRun(Path directory, boolean dryRun, Console console, Map<String, String> environment, Commands.Exec exec) {
        this.directory = directory;
        this.dryRun = dryRun;
        this.console = console;
        this.environment = environment;
        this.commands = new Commands(this, exec);
        LIVE.add(this);
    }

    /**
     * Everything is checked: takes the step's lock in the folder (one run of a step at a time),
     * removes what a killed run of it left, and from now on allows changes. A dry run takes no lock.
     */
    void lock(Component component, String step) {
        if (!dryRun) {
            lock = RunLock.acquire(this, step);
            atEnd(lock::release);
        }
        locked = true;
        if (lock != null) {
            lock.reapLeftovers(this, component, step);
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

    /**
     * Something this run creates (KIND "container", "project", "file" or "temp", as {@link RunLock}
     * reads them back): noted in the lock file before it exists, REMOVAL done when the run ends.
     */
    void track(String kind, String value, Runnable removal) {
        if (lock != null) {
            lock.note(kind, value);
        }
        atEnd(removal);
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
