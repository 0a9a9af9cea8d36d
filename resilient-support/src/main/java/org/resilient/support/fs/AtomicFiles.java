package org.resilient.support.fs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Writes that are never seen half-done: write under a temporary name in the same directory, fsync, rename,
 * fsync the directory. Every file resilient writes for itself (manifests, state, messages, the archive's packs,
 * index and generation files) goes through here, and so do tree deletions and the translation of I/O failures
 * into {@link ResilienceException}s.
 *
 * <p>Temporary names are {@code .tmp-<name>-<random>} beside the target: hidden from every reader (they all skip
 * names starting with a dot), and recognisable by cleaners of interrupted writes (the archive removes
 * {@code .tmp-*} files while it holds its lock).
 */
public final class AtomicFiles {
    private static final String TEMP_PREFIX = ".tmp-";

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out where to write (buffered; need not be closed)
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /** Writes a temporary file's content straight to its channel. */
    @FunctionalInterface
    private interface ChannelContent {
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Replaces a small file's content atomically, creating its directory if needed.
     *
     * @param file the file to create or replace
     * @param content the new content
     * @throws ResilienceException with {@link ErrorCode#IO_ERROR} or {@link ErrorCode#NOT_WRITABLE}
     */
    public static void write(Path file, byte[] content) {
        try {
            FileModes.createDirectories(file.toAbsolutePath().getParent());
            writeAtomically(file, ch -> {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            });
        } catch (IOException e) {
            throw ioError("write", file, e);
        }
    }

    /**
     * Writes a file atomically through a buffered stream, for content produced piece by piece (the archive's index
     * and generation files). The caller turns the failure into its own message.
     *
     * @param target the final path (its directory must exist)
     * @param content writes the bytes
     * @throws IOException on failure (the target is then unchanged and no temporary file is left)
     */
    public static void write(Path target, Content content) throws IOException {
        writeAtomically(target, ch -> {
            // Not closed: closing the stream would close the channel before it is forced.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            content.write(out);
            out.flush();
        });
    }

    private static void writeAtomically(Path target, ChannelContent content) throws IOException {
        Path temp = tempSibling(target.toAbsolutePath());
        boolean moved = false;
        try {
            // Private from the start (0600, or 0640 when group-readable): the content may be secret.
            try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    FileModes.fileAttribute())) {
                Files.setPosixFilePermissions(temp, FileModes.file());
                content.write(ch);
                ch.force(true);
            }
            move(temp, target);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(temp); // cleanup after a failure must not hide the failure
            }
        }
    }

    /**
     * A fresh temporary name beside a target, ignored by every reader.
     *
     * @param target the final path
     * @return a path in the same directory that does not exist yet (with overwhelming probability)
     */
    public static Path tempSibling(Path target) {
        return target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Renames atomically (replacing the target if it is a file) and fsyncs the target's directory. The source
     * must already be on disk (forced) when it is a file that must survive a crash.
     *
     * @param source the temporary name
     * @param target the final name
     * @throws IOException if the rename fails
     */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically from " + source + " to " + target
                    + " (different file systems?)", e);
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Flushes a file's content to disk.
     *
     * @param file a regular file
     * @throws IOException if it fails
     */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Flushes a directory's entries (the effect of creates, renames and deletions) to disk.
     *
     * @param dir the directory
     * @throws IOException if it fails
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on directories; the rename is still atomic there.
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Deletes a file or a whole tree, never following links, ignoring what is already gone. Read-only
     * directories inside are made writable first.
     *
     * @param path the file or directory
     * @throws ResilienceException with {@link ErrorCode#IO_ERROR} if something cannot be deleted
     */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    // A read-only directory cannot lose its entries (for non-root users); make it writable first.
                    makeOwnerWritable(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw ioError("delete", path, e);
        }
    }

    /**
     * Adds the owner's write and search permission to a directory if it lacks them (no-op otherwise), so that
     * entries can be created in it or removed from it.
     *
     * @param dir the directory
     * @throws IOException if its permissions cannot be read or changed
     */
    public static void makeOwnerWritable(Path dir) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (!perms.contains(PosixFilePermission.OWNER_WRITE) || !perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
            // Not EnumSet.copyOf(perms): that throws for the empty set of a mode-000 directory.
            Set<PosixFilePermission> more = EnumSet.noneOf(PosixFilePermission.class);
            more.addAll(perms);
            more.add(PosixFilePermission.OWNER_WRITE);
            more.add(PosixFilePermission.OWNER_EXECUTE);
            Files.setPosixFilePermissions(dir, more);
        }
    }

    /**
     * Whether an I/O failure means "not allowed to write here": permission denied, an immutable directory
     * ({@code EPERM}) or a read-only file system.
     *
     * @param e the failure
     * @return true for permission problems
     */
    public static boolean isPermissionProblem(IOException e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof AccessDeniedException || m.contains("Read-only file system")
                || m.contains("Operation not permitted") || m.contains("Permission denied");
    }

    /**
     * Deletes a file if it exists, ignoring errors (cleanup after a failure must not hide the failure).
     *
     * @param file the file
     */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Makes the exception for a failed file operation, telling a permission problem from others.
     *
     * @param what the operation
     * @param path the path
     * @param e the cause
     * @return the exception to throw
     */
    public static ResilienceException ioError(String what, Path path, IOException e) {
        if (isPermissionProblem(e)) {
            return new ResilienceException(ErrorCode.NOT_WRITABLE,
                    "cannot " + what + " " + path + ": permission denied; make the directory writable by this user", e);
        }
        return new ResilienceException(ErrorCode.IO_ERROR, "cannot " + what + " " + path + ": " + e, e);
    }
}
