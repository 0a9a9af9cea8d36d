package org.resilient.core.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Writes that are never seen half-done: write to a temporary name in the same directory, fsync, rename,
 * fsync the directory. Every file resilient writes for itself (manifests, state, messages) goes through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Replaces a file's content atomically.
     *
     * @param file the file to create or replace
     * @param content the new content
     * @throws ResilienceException with {@link ErrorCode#IO_ERROR} or {@link ErrorCode#NOT_WRITABLE}
     */
    public static void write(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            move(tmp, file);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw ioError("write", file, e);
        }
    }

    /**
     * Renames atomically (replacing the target if it is a file) and fsyncs the target's directory.
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
     * Flushes a directory's entries (the effect of creates and renames) to disk.
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
     * Deletes a file or a whole tree, never following links, ignoring what is already gone.
     *
     * @param path the file or directory
     * @throws ResilienceException with {@link ErrorCode#IO_ERROR} if something cannot be deleted
     */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(path, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a)
                        throws IOException {
                    // A read-only directory cannot lose its entries (for non-root users); make it writable first.
                    makeOwnerWritable(d);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                        throws IOException {
                    Files.deleteIfExists(f);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return java.nio.file.FileVisitResult.CONTINUE;
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
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
                Files.getPosixFilePermissions(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)
                || !perms.contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> more = java.util.EnumSet.copyOf(perms);
            more.add(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            more.add(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
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
        return e instanceof java.nio.file.AccessDeniedException || m.contains("Read-only file system")
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
