package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.resilient.api.Generation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.testkit.ChildJvm;
import org.resilient.testkit.Scratch;

/**
 * A store of many files needs memory for the widest directory, not for the whole tree: a JVM whose heap is far
 * smaller than the tree's paths stores it (and the next, unchanged, store too) and restores it. Long names make each file cost what
 * a million files of short names cost a store that holds the tree: with the whole tree in memory (as the walk did
 * before it streamed) {@value #FILES} files of {@value #NAME}-character names need more heap than {@value #HEAP}.
 */
class ManyFilesMemoryTest {
    private static final int FILES = 40_000;
    private static final int WIDTH = 1000;
    private static final int NAME = 200;
    // A store of a few files needs 12-22 MB of this heap (pools, index, zstd); the tree's paths alone are 40+ MB.
    private static final String HEAP = "-Xmx40m";

    @TempDir
    Path disk;
    // On tmpfs when there is one: 40k files on a disk take most of the test's time to create and remove.
    private Path tmp;

    @BeforeEach
    void place() throws IOException {
        tmp = Scratch.create(disk, "manyfiles");
    }

    @AfterEach
    void remove() {
        Scratch.remove(tmp, disk);
    }

    private String inSmallHeap(String... args) throws IOException, InterruptedException {
        ChildJvm.Result r = ChildJvm.run(HEAP, System.getProperty("java.class.path"), tmp.resolve("child.log"),
                StoreProcess.class, args);
        assertEquals(0, r.exit(), String.join(" ", args) + " in " + HEAP + " failed: " + r.output());
        return r.lastLine();
    }

    @Test
    @DisplayName(FILES + " files of long names store in " + "a 40 MB heap, twice, and restore whole in it")
    void manyFilesInSmallHeap() throws Exception {
        Path src = tmp.resolve("src");
        String pad = "n".repeat(NAME - 12);
        byte[] content = "same content\n".getBytes(StandardCharsets.UTF_8); // one chunk: the index stays small
        for (int d = 0; d < FILES / WIDTH; d++) {
            Path dir = Files.createDirectories(src.resolve(String.format("%s-%06d", pad, d)));
            for (int f = 0; f < WIDTH; f++) {
                Files.write(dir.resolve(String.format("%s-%06d", pad, f)), content);
            }
        }
        Path repo = tmp.resolve("repo");
        inSmallHeap(repo.toString(), src.toString(), "archive.threads=2");
        String id = inSmallHeap(repo.toString(), src.toString(), "archive.threads=2");
        Path out = tmp.resolve("out");
        assertEquals("[]", inSmallHeap("--restore", repo.toString(), id, out.toString()), "no damage");
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g = a.generations().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            assertEquals(FILES, g.fileCount());
        }
        TestTrees.assertSameTree(src, out);
    }
}
