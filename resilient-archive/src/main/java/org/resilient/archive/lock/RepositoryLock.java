package org.resilient.archive.lock;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.repo.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-writer lock of an archive: a file naming host, pid and start time, created atomically (written
 * under a temporary name, then hard-linked to {@code lock}, which fails if a lock exists). A lock left by a
 * process that is gone (same host, pid not running, or running but started after the lock) is taken over
 * with a log line; a live one is refused with {@code LOCKED} naming its holder.
 */
public final class RepositoryLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLock.class);

    private final Path file;
    private final String token;

    private RepositoryLock(Path file, String token) {
        this.file = file;
        this.token = token;
    }

    /**
     * Takes the lock.
     *
     * @param file the lock file
     * @param operation what the lock is for (logged and written in the lock)
     * @return the held lock
     * @throws ResilienceException {@code LOCKED} if a live process holds it, {@code IO_ERROR} on failure
     */
    public static RepositoryLock acquire(Path file, String operation) {
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        Instant start = Instant.now();
        String token = pid + "-" + start.toEpochMilli() + "-" + System.nanoTime();
        String content = "host=" + host + "\npid=" + pid + "\nstart=" + start + "\noperation=" + operation
                + "\ntoken=" + token + "\n";
        for (int attempt = 0; attempt < 5; attempt++) {
            Path temp = AtomicFiles.tempSibling(file);
            try {
                AtomicFiles.write(temp, content.getBytes(StandardCharsets.UTF_8));
                try {
                    Files.createLink(file, temp);
                    AtomicFiles.syncDirectory(file.getParent());
                    return new RepositoryLock(file, token);
                } catch (FileAlreadyExistsException e) {
                    Optional<Properties> holder = read(file);
                    if (holder.isEmpty()) {
                        continue; // released meanwhile
                    }
                    Properties h = holder.get();
                    if (isStale(h, host)) {
                        LOG.warn("taking over the stale lock {} of {} (pid {} on {} since {}): that process is gone",
                                file, h.getProperty("operation", "?"), h.getProperty("pid"), h.getProperty("host"),
                                h.getProperty("start"));
                        Files.deleteIfExists(file);
                        continue;
                    }
                    throw new ResilienceException(ErrorCode.LOCKED, "the archive " + file.getParent()
                            + " is locked by pid " + h.getProperty("pid") + " on host " + h.getProperty("host")
                            + " since " + h.getProperty("start") + " (" + h.getProperty("operation", "?")
                            + "); wait for it to finish, or if that process is gone on another host, delete " + file);
                }
            } catch (IOException e) {
                throw new ResilienceException(ErrorCode.IO_ERROR, "cannot create the lock " + file + ": "
                        + e.getMessage(), e);
            } finally {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}", temp, e);
                }
            }
        }
        throw new ResilienceException(ErrorCode.LOCKED, "could not take the lock " + file
                + " after several attempts: other processes keep taking it");
    }

    private static Optional<Properties> read(Path file) throws IOException {
        try {
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.of(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static boolean isStale(Properties holder, String host) {
        if (!host.equals(holder.getProperty("host"))) {
            return false; // cannot tell whether a process on another host lives
        }
        long pid;
        Instant start;
        try {
            pid = Long.parseLong(holder.getProperty("pid", "").trim());
            start = Instant.parse(holder.getProperty("start", "").trim());
        } catch (RuntimeException e) {
            return false; // an unreadable lock is never taken over silently
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return true;
        }
        // A pid reused by a process started after the lock was written is not the holder.
        Optional<Instant> started = p.get().info().startInstant();
        return started.isPresent() && started.get().isAfter(start.plusSeconds(1));
    }

    /**
     * This machine's host name, as written in locks.
     *
     * @return the host name
     */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "localhost";
        }
    }

    /** Releases the lock, if it is still ours. */
    @Override
    public void close() {
        try {
            Optional<Properties> p = read(file);
            if (p.isPresent() && token.equals(p.get().getProperty("token"))) {
                Files.deleteIfExists(file);
                AtomicFiles.syncDirectory(file.getParent());
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lock {}: {}", file, e.getMessage());
        }
    }
}
