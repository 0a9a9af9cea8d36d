package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.resilient.api.Generation;
import org.resilient.api.RestoreOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore ended without its cleanup (killed, or by an OutOfMemoryError under -XX:+ExitOnOutOfMemoryError) leaves
 * its temporary directory; the next restore of the same target removes it, and never one of a running process.
 */
class RestoreLeftoversTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("the next restore removes the temporary directory of a restore whose process is gone, not a live one")
    void leftoversOfDeadRestoresAreRemoved() throws Exception {
        Path src = tmp.resolve("src");
        TestTrees.makeTree(src, 1);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = Files.createDirectories(tmp.resolve(".restoring-out-" + gone.pid() + "-1a2b/data"));
        Files.writeString(dead.resolve("half"), "half-written");
        Path live = Files.createDirectories(tmp.resolve(".restoring-out-" + ProcessHandle.current().pid() + "-3c4d"));
        Path other = Files.createDirectories(tmp.resolve(".restoring-other-" + gone.pid() + "-5e6f"));
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g = a.store(TestTrees.request(src, "b1", Instant.parse("2026-11-01T00:00:00Z")),
                    TestTrees.ctx(src));
            assertTrue(a.restore(g.id(), tmp.resolve("out"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
        }
        TestTrees.assertSameTree(src, tmp.resolve("out"));
        assertFalse(Files.exists(dead.getParent()), "left by a process that is gone: removed");
        assertTrue(Files.exists(live), "a running process's restore is left alone");
        assertTrue(Files.exists(other), "another target's is left to its own next restore");
    }
}
