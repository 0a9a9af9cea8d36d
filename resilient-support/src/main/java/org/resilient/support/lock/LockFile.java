package org.resilient.support.lock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;

/**
 * An exclusive lock held by one process, as a file naming its holder ({@link LockHolder}: host, pid, the holder
 * process's start time, when the lock was taken and for what). The file appears whole: it is written under a
 * temporary name, forced, then hard-linked into place, which fails if a lock exists.
 *
 * <p>A lock left by a crashed process is detected and taken over, with a warning: same host and the pid is no
 * longer running (or now belongs to a process started later). A lock of a live process, of another host (whose
 * processes cannot be checked) or one that does not name its holder (empty, damaged) is refused with
 * {@code LOCKED}, saying who holds it and what to do.
 *
 * <p>Concurrent takers: exactly one wins; every other one gets {@code LOCKED}, never an I/O error. The temporary
 * name ({@code .<lock>.<token>.taking}) is none that a cleaner of interrupted writes removes ({@code .tmp-*}), and
 * should it vanish anyway, the taker writes it again or, if the lock is held meanwhile, reports the holder.
 * A stale lock is moved aside rather than deleted, so that of two processes taking it over at once only one
 * rename succeeds and neither can delete the lock the other has just taken.
 */
public final class LockFile implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final Path file;
    private final String token;
    private final Consumer<String> warnings;
    private boolean released;

    private LockFile(Path file, String token, Consumer<String> warnings) {
        this.file = file;
        this.token = token;
        this.warnings = warnings;
    }

    /**
     * Takes the lock.
     *
     * @param file the lock file (its directory must exist)
     * @param what what is locked, for messages (e.g. "the archive /srv/pbs/archive")
     * @param operation what the taker does (e.g. "store b1"), written in the lock for others to see
     * @param clock gives the time written into the lock
     * @param warnings receives what the caller should log: a stale lock taken over, a lock that changed hands
     * @return the held lock; close it to release
     * @throws ResilienceException {@code LOCKED} if another process holds it, {@code NOT_WRITABLE} or
     *     {@code IO_ERROR} if it cannot be written
     */
    public static LockFile acquire(Path file, String what, String operation, Clock clock, Consumer<String> warnings) {
        String token = ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        byte[] content = LockHolder.current(operation, clock.instant(), token).toBytes();
        Path temp = file.resolveSibling("." + file.getFileName() + "." + token + ".taking");
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                writeForced(temp, content);
                try {
                    Files.createLink(file, temp);
                    AtomicFiles.fsyncDirectory(file.getParent());
                    return new LockFile(file, token, warnings);
                } catch (FileAlreadyExistsException e) {
                    takeOverIfStale(file, what, warnings);
                } catch (NoSuchFileException e) {
                    // Our temporary file was removed under us (by another process cleaning the directory while it
                    // holds the lock): if the lock is held, that is the answer; if not, write it again.
                    takeOverIfStale(file, what, warnings);
                }
            }
            throw new ResilienceException(ErrorCode.LOCKED, what + " is locked: " + file
                    + " keeps changing (other processes are taking it); try again");
        } catch (UnsupportedOperationException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot lock " + what + ": the file system of " + file
                    + " has no hard links; put it on a POSIX file system", e);
        } catch (IOException e) {
            throw AtomicFiles.ioError("write the lock", file, e);
        } finally {
            AtomicFiles.deleteQuietly(temp);
        }
    }

    /**
     * Who holds a lock, if anyone.
     *
     * @param file the lock file
     * @return the holder, if the file exists (its fields may be missing: see {@link LockHolder#named()})
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE} if it cannot be read
     */
    public static Optional<LockHolder> holder(Path file) {
        try {
            return read(file).map(LockHolder::parse);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read the lock", file, e);
        }
    }

    private static void writeForced(Path temp, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                org.resilient.support.fs.FileModes.fileAttribute())) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /**
     * After a failed link: throws {@code LOCKED} for a holder that is not gone, takes a stale lock over (the
     * caller then tries again), and returns when the lock was released meanwhile.
     */
    private static void takeOverIfStale(Path file, String what, Consumer<String> warnings) throws IOException {
        Optional<String> text = read(file);
        if (text.isEmpty()) {
            return; // released meanwhile
        }
        LockHolder holder = LockHolder.parse(text.get());
        if (!holder.isGone()) {
            throw locked(file, what, holder);
        }
        Path aside = file.resolveSibling("." + file.getFileName() + ".stale-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // another taker moved it first
        }
        Optional<String> moved = read(aside);
        if (moved.isPresent() && !moved.get().equals(text.get())) {
            // Not the lock judged stale: someone took it in between. Put it back and let the retry decide.
            try {
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException e) {
                warnings.accept("lock " + file + " changed hands during a takeover; check for two writers of " + what);
            }
            Files.deleteIfExists(aside);
            return;
        }
        Files.deleteIfExists(aside);
        warnings.accept("took over the stale lock " + file + " of " + what + ", held by " + holder.describe()
                + operation(holder) + ": that process is gone");
    }

    private static ResilienceException locked(Path file, String what, LockHolder h) {
        if (!h.named()) {
            return new ResilienceException(ErrorCode.LOCKED, what + " is locked by " + file + ", which does not name"
                    + " its holder (empty or damaged). If no other resilient process is running, delete it");
        }
        return new ResilienceException(ErrorCode.LOCKED, what + " is locked by " + h.describe() + operation(h)
                + ". Wait for it to finish" + (h.onThisHost() ? ""
                : "; if that process is gone (the host cannot be checked from here), delete " + file));
    }

    private static String operation(LockHolder h) {
        return h.operation() == null ? "" : " (" + h.operation() + ")";
    }

    /** The file's text; empty if there is no lock. Undecodable bytes read as replacement characters. */
    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * The lock file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /** Releases the lock, if it still holds it (a lock taken over by another process is left alone). */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Optional<String> text = read(file);
            if (text.isPresent() && token.equals(LockHolder.parse(text.get()).token())) {
                Files.deleteIfExists(file);
                AtomicFiles.fsyncDirectory(file.getParent());
            } else {
                warnings.accept("lock " + file + " was taken over by another process while held; not removing it");
            }
        } catch (IOException e) {
            warnings.accept("could not release the lock " + file + ": " + e);
        }
    }
}
