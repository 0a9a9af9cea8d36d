package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.resilient.api.BackupId;
import org.resilient.api.NodeLayout;

/**
 * Large backups and the check that they are streamed: a sealed backup of pseudo-random files (which no archive can
 * deduplicate or compress away) written through a small buffer, and {@link #assertStreams} that fails an action
 * allocating a quarter of the data's size or more in the heap ({@link Allocations}).
 */
public final class LargeData {
    private static final int BUFFER = 64 << 10;

    private LargeData() {
    }

    /**
     * Makes a sealed backup of about {@code bytes} in three files (three quarters, a quarter, and a small one).
     *
     * @param backupDir the backup directory to create
     * @param id the backup id
     * @param bytes about how much data
     * @return the sealed backup
     */
    public static BackupDir backup(Path backupDir, BackupId id, long bytes) {
        Path data = NodeLayout.data(backupDir);
        try {
            Files.createDirectories(data.resolve("large"));
            write(data.resolve("large/most.bin"), bytes * 3 / 4, 1);
            write(data.resolve("large/rest.bin"), bytes / 4, 2);
            write(data.resolve("small.txt"), 100, 3);
        } catch (IOException e) {
            throw KitFiles.ioError("write a large backup into", data, e);
        }
        return TestBackups.seal(backupDir, id, TestBackups.COMPONENT, TestBackups.SOURCE_NODE,
                Instant.parse("2026-01-02T03:04:05Z"));
    }

    private static void write(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                for (int i = 0; i < buffer.length; i += 8) {
                    long r = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buffer[i + b] = (byte) (r >>> (8 * b));
                    }
                }
                out.write(buffer, 0, (int) Math.min(left, buffer.length));
            }
        }
    }

    /**
     * Asserts an action on {@code bytes} of data did not hold it in the heap: it allocated less than a quarter of it,
     * or, if it allocated more (short-lived buffers: TLS records, HTTP chunks), its old generation grew by less than
     * a quarter of it ({@link Allocations#oldGenerationGrowth}: where whole-file arrays and retained data go).
     *
     * @param subject what is under test and what it did, e.g. {@code transport 'file': the pull}
     * @param bytes how much data the action moved
     * @param action the action
     * @param skip called with the reason when this JVM cannot count allocations (it must skip the test)
     */
    public static void assertStreams(String subject, long bytes, Runnable action, Consumer<String> skip) {
        long budget = bytes / 4;
        long[] growth = {-1};
        Optional<Long> allocated = Allocations.during(
                () -> growth[0] = Allocations.oldGenerationGrowth(action).orElse(-1L));
        if (allocated.isEmpty()) {
            skip.accept("this JVM counts no per-thread allocations (com.sun.management.ThreadMXBean)");
            return;
        }
        if (allocated.get() < budget) {
            return;
        }
        assertTrue(growth[0] >= 0 && growth[0] < budget, () -> subject + " allocated " + (allocated.get() >> 20)
                + " MiB in the heap for " + (bytes >> 20) + " MiB of data, and " + (growth[0] < 0 ? "this JVM names no"
                + " old generation to tell retained data from short-lived buffers" : "its old generation grew by "
                + (growth[0] >> 20) + " MiB") + " (budget " + (budget >> 20) + " MiB): it holds the data in memory;"
                + " stream it through a small buffer instead");
    }
}
