package org.resilient.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The few file operations the kit and its in-memory providers need: SHA-256, POSIX modes, atomic writes and
 * renames, tree deletion. The kit stands on the API only, so it keeps its own small copies of these instead of
 * using core's; fixtures of a component author may use them too.
 */
public final class KitFiles {
    // rwxrwxrwx from the high bit down: 0400 is OWNER_READ, 0001 OTHERS_EXECUTE.
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

    private KitFiles() {
    }

    /**
     * SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return lowercase hex
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * SHA-256 of a file's content, streamed.
     *
     * @param file the file
     * @return lowercase hex
     * @throws IOException if it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * The POSIX permission bits of a path, not following links.
     *
     * @param p the path
     * @return bits such as {@code 0644}
     * @throws IOException if unreadable
     */
    public static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms =
                Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
        int m = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                m |= 1 << (8 - i);
            }
        }
        return m;
    }

    /**
     * Converts permission bits to permissions.
     *
     * @param mode bits such as {@code 0644}
     * @return the permissions
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(BITS[i]);
            }
        }
        return out;
    }

    /**
     * Replaces a file's content atomically: temporary file, fsync, rename, fsync of the directory.
     *
     * @param file the file
     * @param content the content
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE}
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
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's failure is the one to report
            }
            throw ioError("write", file, e);
        }
    }

    /**
     * Renames atomically (replacing a file target) and fsyncs the target's directory.
     *
     * @param source the current name
     * @param target the new name
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
     * Flushes a directory's entries to disk (ignored where the file system refuses it).
     *
     * @param dir the directory
     * @throws IOException if it fails on a directory that can be synced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Deletes a file or a tree, never following links, making read-only directories writable first;
     * what is already gone is ignored.
     *
     * @param path the file or directory
     * @throws ResilienceException {@code IO_ERROR} if something cannot be deleted
     */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    Files.setPosixFilePermissions(d, permissions(mode(d) | 0700));
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
     * The exception for a failed file operation, telling "permission denied" ({@code NOT_WRITABLE}) from
     * other failures ({@code IO_ERROR}).
     *
     * @param what the operation, e.g. {@code read}
     * @param path the path
     * @param e the cause
     * @return the exception to throw
     */
    public static ResilienceException ioError(String what, Path path, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException || m.contains("Read-only file system")
                || m.contains("Operation not permitted") || m.contains("Permission denied")) {
            return new ResilienceException(ErrorCode.NOT_WRITABLE,
                    "cannot " + what + " " + path + ": permission denied; make the directory writable by this user", e);
        }
        return new ResilienceException(ErrorCode.IO_ERROR, "cannot " + what + " " + path + ": " + e, e);
    }
}
