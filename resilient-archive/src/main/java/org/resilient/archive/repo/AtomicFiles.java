package org.resilient.archive.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crash-safe file writes: every file of the archive is written under a temporary name, forced to disk,
 * then renamed into place and its directory forced, so a reader never sees a partial file.
 */
public final class AtomicFiles {

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out where to write
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes a file atomically: temp + fsync + rename + fsync of the directory.
     *
     * @param target the final path
     * @param content writes the bytes
     * @throws IOException on failure (the target is then unchanged)
     */
    public static void write(Path target, Content content) throws IOException {
        Path temp = tempSibling(target);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                content.write(out);
                out.flush();
                ch.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes a small file atomically.
     *
     * @param target the final path
     * @param bytes the content
     * @throws IOException on failure
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Renames a finished (already forced) file into place and forces the directory.
     *
     * @param temp the finished file
     * @param target its final name
     * @throws IOException on failure
     */
    public static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " to " + target + " atomically", e);
        }
        syncDirectory(target.getParent());
    }

    /**
     * A temporary name beside a target, ignored by every reader of the archive.
     *
     * @param target the final path
     * @return a fresh temporary path in the same directory
     */
    public static Path tempSibling(Path target) {
        return target.resolveSibling(".tmp-" + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Forces a directory's entries (renames, creations, deletions) to disk.
     *
     * @param dir the directory
     * @throws IOException on failure
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories for sync; the rename is still atomic there.
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }
}
