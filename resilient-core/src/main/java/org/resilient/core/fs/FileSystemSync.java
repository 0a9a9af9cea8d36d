package org.resilient.core.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes a whole file system at once ({@code syncfs(2)}, through coreutils {@code sync --file-system}), which
 * Java cannot call directly. For trees of many small files this is far cheaper than one {@code fsync} per file
 * (each waits for a journal commit). When the command is missing or fails, callers fall back to per-file flushes.
 */
final class FileSystemSync {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemSync.class);
    private static volatile boolean unavailable;

    private FileSystemSync() {
    }

    /**
     * Flushes the file system holding a path.
     *
     * @param path a file or directory on it
     * @return true if the flush succeeded; false if the caller must flush file by file
     */
    static boolean syncFileSystem(Path path) {
        if (unavailable) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("sync", "--file-system", path.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                LOG.warn("sync --file-system {} did not finish in 10 minutes; flushing file by file", path);
                return false;
            }
            if (p.exitValue() != 0) {
                unavailable = true;
                LOG.info("sync --file-system is not usable here (exit {}); flushing file by file", p.exitValue());
                return false;
            }
            return true;
        } catch (IOException e) {
            unavailable = true;
            LOG.info("sync --file-system is not available ({}); flushing file by file", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Flushes the copy to disk. Many files: one flush of the whole file system at the end beats one flush per
     * file. Few files, or no way to flush the file system: walk the copy and flush each file (by now the kernel has
     * written most data back on its own, so these wait less than flushes right after each copy), then each
     * directory, deepest first.
     */
    static void flushTree(Path dst, boolean many) throws IOException {
        if (many && syncFileSystem(dst)) {
            return;
        }
        java.nio.file.Files.walkFileTree(dst, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
                if (a.isRegularFile()) {
                    // A read-only descriptor is enough for fsync and works on files without write permission.
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                org.resilient.support.fs.AtomicFiles.fsyncDirectory(d);
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        org.resilient.support.fs.AtomicFiles.fsyncDirectory(dst.getParent());
    }
}
