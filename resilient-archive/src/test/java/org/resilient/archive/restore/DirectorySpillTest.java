package org.resilient.archive.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resilient.archive.tree.TreeEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directories of a restore come back last first, through a file once there are more than a block of them. */
class DirectorySpillTest {
    @TempDir
    Path tmp;

    private static TreeEntry dir(int i) {
        return new TreeEntry("d/" + "é".repeat(i % 7) + i, TreeEntry.Type.DIRECTORY, 0700 | i % 8, 1_700_000_000L + i,
                i * 1000, 0, null, new byte[0], new int[0]);
    }

    @Test
    @DisplayName("10,000 directories (two blocks spilled, one held) come back in reverse, and the file goes at close")
    void reversedThroughTheFile() throws Exception {
        Path file = tmp.resolve("spill");
        List<DirectorySpill.Dir> back = new ArrayList<>();
        try (DirectorySpill spill = new DirectorySpill(file)) {
            for (int i = 0; i < 10_000; i++) {
                spill.add(dir(i));
            }
            assertTrue(Files.exists(file), "more than a block: spilled");
            spill.forEachReversed(back::add);
        }
        assertFalse(Files.exists(file));
        assertEquals(10_000, back.size());
        for (int i = 0; i < 10_000; i++) {
            TreeEntry e = dir(9_999 - i);
            assertEquals(new DirectorySpill.Dir(e.path(), e.mode(), e.mtimeSeconds(), e.mtimeNanos()), back.get(i));
        }
    }

    @Test
    @DisplayName("a few directories stay in memory: no file")
    void fewStayInMemory() throws Exception {
        Path file = tmp.resolve("spill");
        List<String> back = new ArrayList<>();
        try (DirectorySpill spill = new DirectorySpill(file)) {
            spill.add(dir(1));
            spill.add(dir(2));
            spill.forEachReversed(d -> back.add(d.path()));
            assertFalse(Files.exists(file));
        }
        assertEquals(List.of(dir(2).path(), dir(1).path()), back);
    }
}
