package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.testkit.ChildJvm;
import org.resilient.testkit.Scratch;
import org.resilient.testkit.TestBackups;

/**
 * The transport's listing (what a pull fetches and a push announces) is written, walked and checked entry by entry:
 * a child JVM whose heap cannot hold the backup's MANIFEST as a list takes a backup of many files through every
 * step that reads a listing. The same heap is shown too small to hold it, so the test fails if a step starts to.
 */
class ListingMemoryTest {
    private static final int DIRS = 100;
    private static final int PER_DIR = 200;
    private static final String HEAP = "-Xmx6m";

    @TempDir
    Path disk;
    private Path tmp;

    /** On tmpfs where there is one: this test is about memory, not disks. */
    @BeforeEach
    void setUp() throws IOException {
        tmp = Scratch.create(disk, "listing");
    }

    @AfterEach
    void tearDown() {
        TestBackups.makeWritable(tmp);
        Scratch.remove(tmp, disk);
    }

    @Test
    @DisplayName("a listing of 20,000 files is written, reconciled, searched and checked in a heap too small to hold it")
    void boundedByTheWidestDirectory() throws Exception {
        Path backup = tmp.resolve("backup");
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectories(backup.resolve(String.format("data/dir-%03d", d)));
            for (int f = 0; f < PER_DIR; f++) {
                Files.write(dir.resolve(String.format("file-with-a-longer-name-%04d.txt", f)), new byte[] {(byte) f});
            }
        }
        TestBackups.seal(backup, new BackupId("listing-memory"), "files", "node0", Instant.parse("2026-01-01T00:00:00Z"));
        String cp = ChildJvm.classPathOf(ListingProbe.class, Listing.class, org.resilient.api.ManifestEntry.class,
                org.resilient.support.fs.PosixModes.class, org.slf4j.LoggerFactory.class);

        ChildJvm.Result hold = ChildJvm.run(HEAP, cp, tmp.resolve("hold.log"), ListingProbe.class, "hold",
                backup.toString());
        assertNotEquals(0, hold.exit(), "the heap must be too small to hold the MANIFEST (else this test proves"
                + " nothing): " + hold.output());

        Path work = Files.createDirectories(tmp.resolve("work"));
        ChildJvm.Result stream = ChildJvm.run(HEAP, cp, tmp.resolve("stream.log"), ListingProbe.class, "stream",
                backup.toString(), work.toString());
        assertEquals(0, stream.exit(), stream.output());
        assertEquals("ok " + (DIRS * PER_DIR + 2), stream.lastLine(), stream.output());
        TestBackups.assertSameTree(backup, work.resolve("copy"), "the copy made from the listing");
        assertTrue(Files.exists(work.resolve("copy/data/dir-042")));
    }
}
