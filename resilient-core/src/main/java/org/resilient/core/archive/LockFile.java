package org.resilient.core.archive;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.fs.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock held by one process, as a file naming its holder: host, pid, the holder process's start
 * time and when the lock was taken. The file appears whole (written under a temporary name, then hard-linked
 * into place, which fails if a lock exists).
 *
 * <p>A lock left by a crashed process is detected and taken over, with a log line: same host and the pid is no
 * longer running (or now belongs to a process started later). A lock of a live process, or of another host
 * (whose processes cannot be checked), is refused with {@code LOCKED} naming the holder and what to do.
 */
public final class LockFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LockFile.class);

    private final Path file;
    private final String token;
    private boolean released;

    private LockFile(Path file, String token) {
        this.file = file;
        this.token = token;
    }

    /**
     * Takes the lock.
     *
     * @param file the lock file
     * @param what what is locked, for messages (e.g. "archive /srv/pbs/archive")
     * @param clock gives the time written into the lock
     * @return the held lock; close it to release
     * @throws ResilienceException {@code LOCKED} if a live process holds it, {@code NOT_WRITABLE} or
     *     {@code IO_ERROR} if it cannot be written
     */
    public static LockFile acquire(Path file, String what, Clock clock) {
        String token = UUID.randomUUID().toString();
        byte[] content = content(token, clock.instant());
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + token + ".tmp");
        try {
            Files.write(tmp, content);
            AtomicFiles.fsync(tmp);
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    Files.createLink(file, tmp);
                    AtomicFiles.fsyncDirectory(file.getParent());
                    return new LockFile(file, token);
                } catch (FileAlreadyExistsException e) {
                    Optional<Properties> holder = read(file);
                    if (holder.isEmpty()) {
                        continue; // released meanwhile
                    }
                    if (!isStale(holder.get())) {
                        throw locked(file, what, holder.get());
                    }
                    takeOver(file, what, holder.get());
                }
            }
            throw new ResilienceException(ErrorCode.LOCKED, what + " is locked: " + file
                    + " keeps changing (another process is taking it); try again");
        } catch (UnsupportedOperationException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot lock " + what + ": the file system of " + file
                    + " has no hard links; put it on a POSIX file system", e);
        } catch (IOException e) {
            throw AtomicFiles.ioError("write the lock", file, e);
        } finally {
            AtomicFiles.deleteQuietly(tmp);
        }
    }

    /**
     * Who holds a lock, if anyone.
     *
     * @param file the lock file
     * @return the holder's fields ({@code host}, {@code pid}, {@code process-start}, {@code since}), if locked
     */
    public static Optional<Properties> holder(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            throw AtomicFiles.ioError("read the lock", file, e);
        }
    }

    private static void takeOver(Path file, String what, Properties stale) throws IOException {
        // Move the stale lock aside rather than deleting it: of two processes taking it over at once, only
        // one rename succeeds, so neither can delete the lock the other has just taken.
        Path aside = file.resolveSibling("." + file.getFileName() + ".stale-" + UUID.randomUUID());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        Optional<Properties> moved = read(aside);
        if (moved.isPresent() && !moved.get().equals(stale)) {
            // Not the lock we judged stale: someone took it in between. Put it back and let the retry decide.
            try {
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException e) {
                LOG.error("lock {} changed hands during a takeover; check for two writers of {}", file, what);
            }
            Files.deleteIfExists(aside);
            return;
        }
        Files.deleteIfExists(aside);
        LOG.warn("took over the stale lock of {} held by pid {} on {} since {}: that process is gone",
                what, stale.getProperty("pid"), stale.getProperty("host"), stale.getProperty("since"));
    }

    private static boolean isStale(Properties p) {
        if (!hostName().equals(p.getProperty("host"))) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(p.getProperty("pid", ""));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return true;
        }
        // The pid may have been reused by a newer process after the holder died.
        Optional<Instant> started = ph.get().info().startInstant();
        String recorded = p.getProperty("process-start", "");
        if (started.isPresent() && !recorded.isEmpty()) {
            try {
                return started.get().isAfter(Instant.parse(recorded).plusSeconds(1));
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    private static ResilienceException locked(Path file, String what, Properties p) {
        if (p.getProperty("pid") == null || p.getProperty("host") == null) {
            return new ResilienceException(ErrorCode.LOCKED, what + " is locked by " + file
                    + ", which does not name its holder (damaged?). If no other resilient process is running, delete it");
        }
        boolean sameHost = hostName().equals(p.getProperty("host"));
        return new ResilienceException(ErrorCode.LOCKED, what + " is locked by pid " + p.getProperty("pid")
                + " on host " + p.getProperty("host") + " since " + p.getProperty("since")
                + " (another store or prune is running). Wait for it to finish"
                + (sameHost ? "" : "; if that process is gone (the host cannot be checked from here), delete " + file));
    }

    private static Optional<Properties> read(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    private static byte[] content(String token, Instant now) {
        ProcessHandle me = ProcessHandle.current();
        return ("host=" + hostName() + "\npid=" + me.pid() + "\nprocess-start="
                + me.info().startInstant().map(Instant::toString).orElse("") + "\nsince=" + now
                + "\ntoken=" + token + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * This machine's name, as written into locks.
     *
     * @return the host name
     */
    public static String hostName() {
        return HostName.NAME;
    }

    /** Looked up once: the lookup may be slow (DNS), and the name does not change while we run. */
    private static final class HostName {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                String env = System.getenv("HOSTNAME");
                return env != null ? env : "localhost";
            }
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
            Optional<Properties> p = read(file);
            if (p.isPresent() && token.equals(p.get().getProperty("token"))) {
                Files.deleteIfExists(file);
            } else {
                LOG.error("lock {} was taken over by another process while held; not removing it", file);
            }
        } catch (IOException e) {
            LOG.warn("could not release lock {}: {}", file, e.toString());
        }
    }
}
