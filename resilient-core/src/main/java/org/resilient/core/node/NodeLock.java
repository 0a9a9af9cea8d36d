package org.resilient.core.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.lock.LockHolder;

/**
 * The work lock of a node: at most one export, pull-backup job, import or promotion runs at a time on a
 * node, across threads and processes. It is an OS file lock, so it is released when its holder dies (no stale
 * lock can block later runs); the file records who holds it ({@link LockHolder}, as the archives' lock files do),
 * for the error message. Unlike {@link org.resilient.support.lock.LockFile} it can wait, and needs no takeover.
 */
final class NodeLock {
    private final Path file;
    private final ReentrantLock threads = new ReentrantLock();

    NodeLock(Path file) {
        this.file = file;
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the lock now or refuses.
     *
     * @param what the operation, recorded for others to see
     * @return the held lock
     * @throws ResilienceException {@code LOCKED} naming the holder
     */
    Held tryAcquire(String what) {
        return acquire(what, Duration.ZERO);
    }

    /**
     * Takes the lock, waiting up to a limit.
     *
     * @param what the operation
     * @param wait how long to wait
     * @return the held lock
     * @throws ResilienceException {@code LOCKED} naming the holder when the wait ends
     */
    Held acquire(String what, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            if (!threads.tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw locked(what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted while waiting for the node lock");
        }
        try {
            org.resilient.support.fs.FileModes.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ), org.resilient.support.fs.FileModes.fileAttribute());
            FileLock lock = null;
            while (lock == null) {
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    if (System.nanoTime() - deadline > 0) {
                        ch.close();
                        throw locked(what);
                    }
                    Thread.sleep(50);
                }
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(LockHolder.current(what, Instant.now(), null).toBytes()), 0);
            FileLock held = lock;
            return () -> {
                try {
                    held.release();
                    ch.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                } finally {
                    threads.unlock();
                }
            };
        } catch (IOException e) {
            threads.unlock();
            throw AtomicFiles.ioError("lock", file, e);
        } catch (InterruptedException e) {
            threads.unlock();
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, what + " was interrupted while waiting for the node lock");
        } catch (RuntimeException e) {
            threads.unlock();
            throw e;
        }
    }

    private ResilienceException locked(String what) {
        String holder;
        try {
            LockHolder h = LockHolder.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            // Empty while the holder is still writing its record (it truncates, then writes).
            holder = h.named() ? (h.operation() == null ? "" : h.operation() + ", ") + "by " + h.describe()
                    : "its holder is not recorded yet";
        } catch (IOException e) {
            holder = "its holder is unknown: " + e.getMessage();
        }
        return new ResilienceException(ErrorCode.LOCKED, "cannot start " + what + ": another operation is running on this node ("
                + holder + "); wait for it to finish. Two exports never run at once on one node.");
    }
}
