package org.resilient.archive.restore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.archive.tree.TreeEntry;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.FileModes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a restore writes: a temporary directory beside the target, renamed into place once everything is
 * written and checked ({@link #publish}), or removed ({@link #discard}), so a refused or failed restore leaves
 * nothing behind.
 */
final class RestoreTarget {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreTarget.class);

    private final Path target;
    private final Path temp;

    private RestoreTarget(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /**
     * Checks that a restore may write to a target: missing, or an empty directory.
     *
     * @throws ResilienceException {@code NOT_WRITABLE} otherwise
     */
    static void check(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot restore into " + target
                        + ": it exists and is not a directory; give a new or empty directory");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
                if (ds.iterator().hasNext()) {
                    throw new ResilienceException(ErrorCode.NOT_WRITABLE, "cannot restore into " + target
                            + ": it is not empty; give a new or empty directory");
                }
            }
        }
    }

    /**
     * Creates the temporary directory beside a (checked) target, named with this process's pid; first removes the
     * ones of this target that a process no longer running left (killed, or ended by an OutOfMemoryError with
     * {@code -XX:+ExitOnOutOfMemoryError}, where no cleanup runs), so such an end leaves nothing for long.
     */
    static RestoreTarget create(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        FileModes.createDirectories(parent);
        removeLeftovers(parent, target.getFileName().toString());
        Path temp = parent.resolve(prefix(target.getFileName().toString()) + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        // Private while it is written: files get their recorded modes only once written.
        Files.createDirectory(temp, PosixFilePermissions.asFileAttribute(FileModes.directory()));
        Files.setPosixFilePermissions(temp, FileModes.directory());
        return new RestoreTarget(target, temp);
    }

    private static String prefix(String name) {
        return ".restoring-" + name + "-";
    }

    /** Removes the temporary directories of restores of this target by processes that are gone. */
    private static void removeLeftovers(Path parent, String name) throws IOException {
        String prefix = prefix(name);
        List<Path> gone = new java.util.ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> p.getFileName().toString()
                .startsWith(prefix))) {
            for (Path p : ds) {
                String[] rest = p.getFileName().toString().substring(prefix.length()).split("-", -1);
                // pid-random; an older name without a pid (random only) is left alone: its process is unknown
                if (rest.length == 2 && rest[0].matches("[0-9]{1,18}")
                        && ProcessHandle.of(Long.parseLong(rest[0])).isEmpty()) {
                    gone.add(p);
                }
            }
        }
        for (Path p : gone) {
            LOG.warn("removing {}, left by a restore that ended without cleaning up (killed or out of memory)", p);
            new RestoreTarget(null, p).discard();
        }
    }

    /** Where an entry of the generation goes. */
    Path resolve(String path) {
        // Paths come from a checksummed generation, but are still checked: a restore never writes outside. Any
        // other name a POSIX file system allows (backslash, control characters, 'c:', '-x') is restored as it is.
        checkPath(path);
        Path p = temp.resolve(path);
        if (!p.normalize().startsWith(temp) || p.equals(temp)) {
            throw unsafe(path);
        }
        return p;
    }

    /**
     * Checks that a path of a generation is relative and stays inside the restored directory.
     *
     * @param path the path, {@code /}-separated
     * @throws ResilienceException {@code ARCHIVE_CORRUPT} if it is empty, absolute, holds a NUL or a {@code .},
     *     {@code ..} or empty segment
     */
    static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw unsafe(path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw unsafe(path);
            }
        }
    }

    private static ResilienceException unsafe(String path) {
        return new ResilienceException(ErrorCode.ARCHIVE_CORRUPT, "the generation names the path '" + path
                + "', which would leave the restored directory; the generation is damaged or forged, restore "
                + "another one");
    }

    /** Where the restore keeps its directories for the end: a file beside the temporary directory, if needed. */
    DirectorySpill directories() {
        return new DirectorySpill(temp.resolveSibling(temp.getFileName() + ".dirs"));
    }

    /**
     * Gives the directories their modes and times, then renames the whole into place.
     *
     * @param dirs the directories, in tree order
     */
    void publish(DirectorySpill dirs) throws IOException {
        // Directories last, deepest first: their mtimes change while children are created, and a
        // read-only directory mode would stop the children being written.
        dirs.forEachReversed(d -> {
            Path p = resolve(d.path());
            Files.setAttribute(p, "unix:mode", d.mode(), LinkOption.NOFOLLOW_LINKS);
            setTime(p, d.mtimeSeconds(), d.mtimeNanos());
        });
        if (Files.isDirectory(target)) {
            Files.delete(target); // checked empty above; rename cannot replace it portably
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes what was written; a failure to do so is logged, never thrown over the restore's own failure. */
    void discard() {
        try {
            AtomicFiles.deleteTree(temp);
        } catch (ResilienceException e) {
            LOG.warn("cannot remove the temporary restore directory {}: {}", temp, e.getMessage());
        }
    }

    /** Sets an entry's modification time, on the entry itself (a link is not followed). */
    static void setTime(Path p, TreeEntry e) throws IOException {
        setTime(p, e.mtimeSeconds(), e.mtimeNanos());
    }

    private static void setTime(Path p, long seconds, int nanos) throws IOException {
        FileTime t = FileTime.from(Instant.ofEpochSecond(seconds, nanos));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }
}
