package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.RestoreOptions;
import org.resilient.api.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files cache: a file whose size, modification time, change time and inode are those the previous generation
 * recorded is taken from it without being read; any of them changed, or {@code archive.force-read}, reads it.
 */
class FilesCacheTest {
    @TempDir
    Path tmp;

    /**
     * Waits until every file of the tree changed more than 2 s ago: the files cache records no inode and change time
     * for a file changed more recently (a second write in the same timestamp tick would keep them).
     */
    private static void settle(Path src) throws IOException, InterruptedException {
        long newest = 0;
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                newest = Math.max(newest, ((FileTime) Files.getAttribute(p, "unix:ctime")).toMillis());
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() <= newest + 2_100) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the clock did not pass the files' change time + 2 s in 10 s");
            }
            Thread.sleep(50);
        }
    }

    private Path tree() throws IOException, InterruptedException {
        Path src = tmp.resolve("src");
        for (int d = 0; d < 3; d++) {
            Files.createDirectories(src.resolve("d" + d));
            for (int f = 0; f < 20; f++) {
                Files.write(src.resolve("d" + d).resolve("f" + f), TestTrees.random(d * 100L + f, 3000 + f));
            }
        }
        settle(src);
        return src;
    }

    private static Generation store(DirArchive a, Path src, String id, OperationContext ctx) {
        // b1, b2, ... one hour apart: the newest is the parent of the next
        Instant time = Instant.parse("2026-11-25T10:00:00Z").plusSeconds(3600L * Integer.parseInt(id.substring(1)));
        return a.store(TestTrees.request(src, id, time), ctx);
    }

    private void assertRestores(DirArchive a, Generation g, Path src) throws IOException {
        Path out = tmp.resolve("out-" + g.id());
        assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
        TestTrees.assertSameTree(src, out);
    }

    @Test
    @DisplayName("an unchanged tree is stored from the previous generation without reading a file")
    void unchangedTreeIsNotRead() throws Exception {
        Path src = tree();
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            store(a, src, "b1", TestTrees.ctx(src));
            assertEquals(0, a.lastStore().unchangedFiles());
            Generation g2 = store(a, src, "b2", TestTrees.ctx(src));
            assertEquals(60, a.lastStore().unchangedFiles(), "every file taken by its size, times and inode");
            assertEquals(g2.logicalBytes(), a.lastStore().unreadBytes());
            assertEquals(4, Files.readAllBytes(a.root().resolve("generations").resolve(g2.id() + ".gen"))[5],
                    "a tree with inodes and change times is generation format 4");
            assertRestores(a, g2, src);
        }
    }

    @Test
    @DisplayName("content rewritten with the same size and modification time is read again: its change time moved")
    void sameSizeAndMtimeIsStillRead() throws Exception {
        Path src = tree();
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            store(a, src, "b1", TestTrees.ctx(src));
            Path f = src.resolve("d1").resolve("f7");
            FileTime mtime = Files.getLastModifiedTime(f);
            Files.write(f, TestTrees.random(999, (int) Files.size(f)));
            Files.setLastModifiedTime(f, mtime);
            Generation g2 = store(a, src, "b2", TestTrees.ctx(src));
            assertEquals(59, a.lastStore().unchangedFiles());
            assertRestores(a, g2, src);
        }
    }

    @Test
    @DisplayName("archive.force-read reads every file")
    void forceRead() throws Exception {
        Path src = tree();
        Settings small = TestTrees.smallSettings();
        Map<String, String> force = new HashMap<>(Map.of("archive.force-read", "true"));
        small.keys().forEach(k -> force.put(k, small.get(k).orElseThrow()));
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            store(a, src, "b1", TestTrees.ctx(src));
        }
        try (DirArchive a = DirArchive.open(tmp.resolve("repo"), ArchiveSettings.from(Settings.of(force)), false)) {
            store(a, src, "b2", TestTrees.ctx(src));
            assertEquals(0, a.lastStore().unchangedFiles());
            assertEquals(0, a.lastStore().unreadBytes());
        }
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            store(a, src, "b3", TestTrees.ctx(src));
            assertEquals(60, a.lastStore().unchangedFiles(), "the forced store recorded inodes and change times too");
        }
    }
}
