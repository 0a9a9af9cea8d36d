package org.resilient.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.testkit.ChildJvm;
import org.resilient.testkit.Scratch;

/**
 * The node's steps that walk a tree (export copy, seal, verify, pull copy, import) run in memory bounded by the
 * widest directory: a child JVM whose heap cannot hold a list of the tree's entries takes the tree through all of
 * them. The same heap is shown too small for such a list, so the test fails if any step starts holding one.
 */
class ManyFilesMemoryTest {
    private static final int DIRS = 75;
    private static final int PER_DIR = 200;
    /** Measured: the cycle of 15,000 files passes with 3 MB; listing 10,000 the old way fails with 4 MB. */
    private static final String HEAP = "-Xmx4m";

    @TempDir
    Path disk;
    private Path tmp;

    /**
     * The tree goes to memory where there is a tmpfs: the copies flush the whole file system, which on a disk shared
     * with other work can take long, and this test is about memory, not disks.
     */
    @BeforeEach
    void setUp() throws IOException {
        tmp = Scratch.create(disk, "many-files");
    }

    @AfterEach
    void tearDown() {
        Scratch.remove(tmp, disk);
    }

    @Test
    @DisplayName("export, seal, verify, pull and import 15,000 files in a heap too small to list them")
    void boundedByTheWidestDirectory() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectory(source.resolve(String.format("d%03d", d)));
            for (int f = 0; f < PER_DIR; f++) {
                Files.write(dir.resolve(String.format("file-%04d.txt", f)), new byte[] {(byte) f});
            }
        }
        ChildJvm.Result list = run("list", source);
        assertNotEquals(0, list.exit(), "the heap must be too small to hold the tree's entries (else this test"
                + " proves nothing): " + list.output());
        assertTrue(list.output().contains("OutOfMemoryError") || list.exit() == 3, list.output());

        ChildJvm.Result cycle = run("cycle", source);
        assertEquals(0, cycle.exit(), cycle.output());
        int n = DIRS * PER_DIR;
        assertTrue(cycle.output().contains("cycle " + n + " " + n), cycle.output());
        assertEquals(PER_DIR, countFiles(tmp.resolve("work/standby/current/d042")));
    }

    private ChildJvm.Result run(String mode, Path source) throws IOException, InterruptedException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        // Only what the probe uses: a class path of dozens of jars costs the small heap their indexes.
        String cp = ChildJvm.classPathOf(ManyFilesProbe.class, org.resilient.core.fs.TreeCopy.class,
                org.resilient.api.ManifestEntry.class, AtomicFiles.class, org.slf4j.LoggerFactory.class);
        return ChildJvm.run(HEAP, cp, tmp.resolve(mode + ".out"), ManyFilesProbe.class, mode, source.toString(),
                work.toString());
    }

    private static long countFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
