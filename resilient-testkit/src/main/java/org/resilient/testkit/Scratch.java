package org.resilient.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test's scratch directory in memory (on {@code /dev/shm}) where there is a writable tmpfs, else the test's own
 * temporary directory: tests of many files are about memory or time, not disks, and creating and removing tens of
 * thousands of files on a disk shared with other work takes most of their time.
 */
public final class Scratch {
    private Scratch() {
    }

    /**
     * Makes a scratch directory.
     *
     * @param fallback the test's temporary directory, used where there is no tmpfs (removed by JUnit)
     * @param prefix the name's prefix
     * @return the directory
     * @throws IOException if it cannot be made
     */
    public static Path create(Path fallback, String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix) : fallback;
    }

    /**
     * Removes a scratch directory made by {@link #create} (nothing if it is the fallback, which JUnit removes).
     *
     * @param scratch the directory
     * @param fallback the fallback given to {@link #create}
     */
    public static void remove(Path scratch, Path fallback) {
        if (!scratch.equals(fallback)) {
            KitFiles.deleteTree(scratch);
        }
    }
}
