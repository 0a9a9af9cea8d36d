package org.resilient.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The few file chores of the kit and its in-memory providers (SHA-256 in hex, the manifest's mode bits, whole-file
 * replacement, tree deletion, the error for a failed file operation), on the JDK alone: the kit depends on
 * {@code resilient-api} and JUnit only, so that a component author's tests get none of resilient's internals.
 *
 * <p>Nothing here fsyncs: what the kit writes lives for one test and never has to survive a machine crash (the
 * node's own writes go through {@code resilient-support}, which does).
 */
public final class KitFiles {
    private KitFiles() {
    }

    /**
     * SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return 64 lowercase hex digits
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * SHA-256 of a file's content, streamed (a contract may hash files far larger than it may allocate).
     *
     * @param file the file
     * @return 64 lowercase hex digits
     * @throws IOException if it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * The permission bits of a path as a manifest records them, not following links.
     *
     * @param p the path
     * @return bits such as {@code 0644}
     * @throws IOException if its attributes cannot be read
     */
    public static int mode(Path p) throws IOException {
        // "rwxr-x---": one character a bit, from 0400 down to 0001.
        String rwx = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        int mode = 0;
        for (int i = 0; i < rwx.length(); i++) {
            mode = mode << 1 | (rwx.charAt(i) == '-' ? 0 : 1);
        }
        return mode;
    }

    /**
     * Converts permission bits to permissions; bits above {@code 0777} are ignored.
     *
     * @param mode bits such as {@code 0644}
     * @return the permissions
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder rwx = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            rwx.append((mode & (0400 >> i)) == 0 ? '-' : "rwx".charAt(i % 3));
        }
        return PosixFilePermissions.fromString(rwx.toString());
    }

    /**
     * Replaces a file's content by renaming a complete hidden sibling over it, creating its directory if needed, so
     * that no reader sees it half written.
     *
     * @param file the file to create or replace
     * @param content the new content
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE}
     */
    public static void write(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve(".tmp-" + file.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(dir);
            Files.write(temp, content);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the failed write is the one to report
            }
            throw ioError("write", file, e);
        }
    }

    /**
     * Deletes a file or a whole tree, never following links; what is already gone is ignored. A tree with read-only
     * directories must be made writable first ({@link TestBackups#makeWritable}).
     *
     * @param path the file or directory
     * @throws ResilienceException {@code IO_ERROR} or {@code NOT_WRITABLE} if something cannot be deleted
     */
    public static void deleteTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            // Deepest first, so that each directory is empty when its turn comes.
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw ioError("delete", path, e);
        } catch (UncheckedIOException e) { // from the walk's iteration
            throw ioError("delete", path, e.getCause());
        }
    }

    /**
     * The exception for a failed file operation: {@code NOT_WRITABLE} for a permission problem, else
     * {@code IO_ERROR}.
     *
     * @param what the operation ({@code read}, {@code write}, ...)
     * @param path the path it failed on
     * @param e the cause
     * @return the exception to throw
     */
    public static ResilienceException ioError(String what, Path path, IOException e) {
        if (e instanceof AccessDeniedException) {
            return new ResilienceException(ErrorCode.NOT_WRITABLE,
                    "cannot " + what + " " + path + ": permission denied; make it accessible to this user", e);
        }
        return new ResilienceException(ErrorCode.IO_ERROR, "cannot " + what + " " + path + ": " + e, e);
    }
}
