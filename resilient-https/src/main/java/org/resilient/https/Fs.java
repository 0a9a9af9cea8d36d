package org.resilient.https;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The few file-system steps the transport needs (this module depends on the API only): hashing, fsync, atomic
 * rename, tree removal. Errors become {@link ResilienceException}s that name the path.
 */
final class Fs {
    private static final int BUFFER = 256 * 1024;

    private Fs() {
    }

    /** @return a fresh SHA-256 digest */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Feeds the first {@code length} bytes of a file to a digest.
     *
     * @param file the file
     * @param length how many bytes
     * @param digest the digest to update
     * @throws IOException if the file cannot be read or is shorter
     */
    static void hashPrefix(Path file, long length, MessageDigest digest) throws IOException {
        byte[] buf = new byte[BUFFER];
        long left = length;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException(file + " is shorter than " + length + " bytes");
                }
                digest.update(buf, 0, n);
                left -= n;
            }
        }
    }

    /**
     * @param file a file
     * @return its lowercase hex SHA-256
     * @throws IOException if it cannot be read
     */
    static String sha256Hex(Path file) throws IOException {
        MessageDigest d = sha256();
        hashPrefix(file, Files.size(file), d);
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * Flushes a file's or directory's content to disk.
     *
     * @param p the file or directory
     * @throws IOException if it cannot be synced
     */
    static void fsync(Path p) throws IOException {
        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        try (FileChannel ch = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) {
                throw e;
            }
            // Some file systems cannot open a directory for sync; the rename is still atomic there.
        }
    }

    /**
     * Renames a directory atomically and syncs its new parent, so the rename survives a crash.
     *
     * @param from the source
     * @param to the target, which must not exist
     * @throws IOException if the rename fails
     */
    static void publish(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        fsync(to.getParent());
    }

    /**
     * Removes a tree if it exists, making directories writable first (a backup may hold read-only ones).
     *
     * @param root the tree
     */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        makeWritable(root);
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw ioError("remove", root, e);
        }
    }

    /**
     * Gives the owner write and search permission on every directory of a tree, so a resumed transfer can add to
     * a tree whose modes were already applied.
     *
     * @param root the tree
     */
    static void makeWritable(Path root) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(x -> Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS))::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.addAll(EnumSet.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.OWNER_READ))) {
                    Files.setPosixFilePermissions(p, perms);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: whatever stays read-only makes the next step fail with a clear error.
        }
    }

    /**
     * An {@code IO_ERROR} (or {@code NOT_WRITABLE} for a permission problem) naming what failed.
     *
     * @param what the action, e.g. {@code "write"}
     * @param path the path
     * @param e the cause
     * @return the exception to throw
     */
    static ResilienceException ioError(String what, Path path, IOException e) {
        boolean denied = e instanceof AccessDeniedException
                || e instanceof FileSystemException f && f.getReason() != null && f.getReason().contains("ermission");
        return new ResilienceException(denied ? ErrorCode.NOT_WRITABLE : ErrorCode.IO_ERROR, "cannot " + what + " "
                + path + ": " + e + (denied ? "; make it writable by this user" : "; check the disk and its permissions"), e);
    }
}
