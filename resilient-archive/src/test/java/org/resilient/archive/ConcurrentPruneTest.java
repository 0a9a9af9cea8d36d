package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.index.RepoIndex;
import org.resilient.archive.repo.Layout;
import org.resilient.archive.restore.Restorer;

/**
 * Restore takes no lock (several readers may run at once, and beside a store), so a prune may remove packs
 * while a restore reads them. The restore must then fail with a clear error and leave nothing, never write
 * wrong data. The race is made deterministic by loading the index (what a restore does first) before the
 * packs are removed.
 */
@DisplayName("A restore meeting a concurrent prune fails clearly and leaves nothing")
class ConcurrentPruneTest extends TwoGenerations {
    private void assertNothingLeft(Path target) throws IOException {
        assertFalse(Files.exists(target), "a failed restore leaves no target");
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".restoring-")),
                    "a failed restore leaves no temporary directory");
        }
    }

    @Test
    @DisplayName("packs removed after the index was read: LOCKED naming the pack and the prune, nothing left")
    void packsRemovedUnderneath() throws IOException {
        Layout layout = new Layout(repo.toAbsolutePath());
        RepoIndex index = RepoIndex.load(layout);
        List<Path> removed = packs();
        for (Path p : removed) {
            Files.delete(p);
        }
        for (boolean partial : new boolean[] {false, true}) {
            Path target = tmp.resolve("out-" + partial);
            ResilienceException e = assertThrows(ResilienceException.class, () ->
                    new Restorer(layout, index, 2, TestTrees.ctx(tmp)).restore(g2.id(), target, partial));
            assertEquals(ErrorCode.LOCKED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("prune") && e.getMessage().contains("again"), e.getMessage());
            String name = removed.get(0).getFileName().toString();
            assertTrue(removed.stream().anyMatch(p -> e.getMessage().contains(
                    p.getFileName().toString().replace(".pack", ""))), e.getMessage() + " names no pack; one is " + name);
            assertNothingLeft(target);
        }
    }

    @Test
    @DisplayName("a real prune after the index was read: the restore is exact or refused with LOCKED; a new one works")
    void realPruneUnderneath() throws IOException {
        Layout layout = new Layout(repo.toAbsolutePath());
        RepoIndex index = RepoIndex.load(layout);
        List<Path> before = packs();
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false)) {
            a.prune(new RetentionPolicy(1, Duration.ZERO, 0, 0, 0), TestTrees.ctx(tmp));
            assertFalse(packs().containsAll(before), "the prune removed or rewrote packs");
            Path target = tmp.resolve("during");
            try {
                new Restorer(layout, index, 2, TestTrees.ctx(tmp)).restore(g2.id(), target, false);
                TestTrees.assertSameTree(src2, target);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.LOCKED, e.code(), e.getMessage());
                assertNothingLeft(target);
            }
            Path again = tmp.resolve("again");
            a.restore(g2.id(), again, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src2, again);
        }
    }

    @Test
    @DisplayName("a prune between a verify's index load and its reads is not reported as damage")
    void pruneDuringVerify() throws IOException {
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false)) {
            List<Path> before = packs();
            int[] prunes = {0};
            a.afterVerifyLoad = () -> {
                if (prunes[0]++ == 0) {
                    a.prune(new RetentionPolicy(1, Duration.ZERO, 0, 0, 0), TestTrees.ctx(tmp));
                }
            };
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertFalse(packs().containsAll(before), "the prune removed or rewrote packs");
            assertTrue(r.ok(), "damage reported: " + r.damages());
            assertEquals(2, prunes[0], "verified once more after the prune");
            assertEquals(List.of(g2), a.generations());
        }
    }

    @Test
    @DisplayName("packs removed during every attempt of a verify: LOCKED, never a report of damage")
    void removalsDuringEveryVerify() throws IOException {
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false)) {
            a.afterVerifyLoad = () -> {
                try {
                    Files.delete(packs().get(0));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.LOCKED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("run verify again"), e.getMessage());
            // Once nothing changes any more, the removed packs are what they are: damage.
            a.afterVerifyLoad = () -> { };
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertFalse(r.ok());
            assertTrue(r.damages().stream().anyMatch(d -> d.toString().contains("pack is missing")), r.damages().toString());
        }
    }
}
