package org.resilient.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * A file holding a secret for an external tool (a pgpass file, a MySQL defaults file), so that the secret never
 * appears in argv, the environment or the logs. It is created 0600 from the start in a directory of this user only
 * ({@code <tmp>/resilient-secrets-<user>}, 0700), removed when closed, and never outlives the process that wrote it:
 * removed at exit, and if the process was killed ({@code kill -9} runs no clean-up), removed by the next process of
 * this user that starts (the {@code resilient} command calls {@link #removeOrphansAtStart()}), writes a secret
 * file or calls {@link #removeOrphans()} (its name holds the writer's pid and start
 * time, so a file whose writer is gone is known as an orphan).
 */
public final class SecretFile implements AutoCloseable {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(SecretFile::delete), "secret-files-cleanup"));
    }

    private final Path file;

    private SecretFile(Path file) {
        this.file = file;
    }

    /**
     * Writes a secret file, after removing the orphans of killed processes.
     *
     * @param prefix the start of its name, e.g. {@code pgpass}
     * @param content what it holds
     * @return the file, to close once the tool is done
     * @throws ResilienceException {@code IO_ERROR} if it cannot be written
     */
    public static SecretFile create(String prefix, String content) {
        Path dir = directory();
        removeOrphans(dir);
        ProcessHandle self = ProcessHandle.current();
        Path f = dir.resolve(prefix + "-" + self.pid() + "-" + startMillis(self).orElse(0L) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            // 0600 from the start: there is no moment where others could read it.
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            LIVE.add(f);
            Files.writeString(f, content, StandardCharsets.UTF_8);
            return new SecretFile(f);
        } catch (IOException e) {
            delete(f);
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write a secret file for a tool in " + dir + ": "
                    + e.getClass().getSimpleName() + "; check that the temporary directory is writable");
        }
    }

    /** @return the file's path, to give the tool (e.g. in {@code PGPASSFILE}) */
    public Path path() {
        return file;
    }

    /** Removes the file. */
    @Override
    public void close() {
        delete(file);
    }

    /**
     * Removes the secret files of this user's processes that are gone (killed before they could remove them).
     *
     * @return what was removed
     */
    public static List<Path> removeOrphans() {
        return removeOrphans(directory());
    }

    /**
     * Removes the orphans of this user's killed processes when a process starts (a node, a one-shot command), so
     * that a secret left by {@code kill -9} does not wait for the next secret to be written. Never fails: a
     * directory that is missing or not this user's alone is left alone (writing a secret there is refused).
     *
     * @return what was removed
     */
    public static List<Path> removeOrphansAtStart() {
        if (!Files.isDirectory(location(), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            return removeOrphans(directory());
        } catch (ResilienceException e) {
            return List.of();
        }
    }

    private static List<Path> removeOrphans(Path dir) {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (orphan(p.getFileName().toString())) {
                    delete(p);
                    removed.add(p);
                }
            }
        } catch (IOException e) {
            // Best effort: the next writer tries again; the files are 0600 in a 0700 directory meanwhile.
        }
        return removed;
    }

    /** Whether the writer named by a file name ({@code <prefix>-<pid>-<start millis>-<random>}) is gone. */
    static boolean orphan(String name) {
        String[] parts = name.split("-", -1);
        if (parts.length < 4) {
            return false;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(parts[parts.length - 3]);
            start = Long.parseLong(parts[parts.length - 2]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> writer = ProcessHandle.of(pid);
        if (writer.isEmpty() || !writer.get().isAlive()) {
            return true;
        }
        // The pid may have been given to another process since: its start time tells them apart.
        return start != 0 && startMillis(writer.get()).map(s -> s != start).orElse(false);
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    /** The directory of this user's secret files, created 0700; refused if someone else owns it. */
    static Path directory() {
        Path dir = location();
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // created meanwhile by another process of this user: checked below
                }
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory() || !a.owner().getName().equals(System.getProperty("user.name"))
                    || !a.permissions().equals(OWNER_ONLY_DIR)) {
                throw new ResilienceException(ErrorCode.IO_ERROR, dir + " is not a directory of this user with mode"
                        + " 0700; secret files are not written there. Remove it (someone else may have made it)");
            }
            return dir;
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot create the secret files' directory " + dir + ": "
                    + e.getMessage() + "; check that the temporary directory is writable");
        }
    }

    private static Path location() {
        String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "resilient-secrets-" + user);
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // best effort: the file is 0600 in a 0700 directory, and the next writer removes it as an orphan
        }
        LIVE.remove(f);
    }
}
