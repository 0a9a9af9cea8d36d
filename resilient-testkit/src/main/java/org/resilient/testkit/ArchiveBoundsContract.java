package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.RestoreOptions;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;

/**
 * The bounds of the {@link ArchiveContract}: a store or restore stopped midway (by its cancellation or by an
 * interrupt of its thread) ends within {@link #cancellationBound()} and leaves the archive (or the restore's
 * target) as it was, and a large backup is stored and restored without being held in the heap. Extend
 * {@link ArchiveContract}.
 */
public abstract class ArchiveBoundsContract extends ArchiveWriteContract implements Bounds {
    private String runningTest = "";



    @BeforeEach
    void rememberBoundsTest(TestInfo info) {
        runningTest = getClass().getSimpleName() + " > " + info.getDisplayName();
    }

    /** Stores and restores stopped midway. */
    @Nested
    @DisplayName("An archive operation stopped midway")
    class Stopping {
        @Test
        @DisplayName("by its cancellation: a store ends within the bound, the archive shows what it had, sound and unlocked")
        void storeCancelled() {
            storeStopped(CancelProbe.How.SIGNAL);
        }

        @Test
        @DisplayName("by an interrupt: a store ends within the bound, the archive shows what it had, sound and unlocked")
        void storeInterrupted() {
            storeStopped(CancelProbe.How.INTERRUPT);
        }

        @Test
        @DisplayName("by its cancellation: a restore ends within the bound and leaves no target, and a retry succeeds")
        void restoreCancelled() {
            restoreStopped(CancelProbe.How.SIGNAL);
        }

        @Test
        @DisplayName("by an interrupt: a restore ends within the bound and leaves no target, and a retry succeeds")
        void restoreInterrupted() {
            restoreStopped(CancelProbe.How.INTERRUPT);
        }

        private void storeStopped(CancelProbe.How how) {
            Generation first = store(0);
            BackupDir big = large();
            CancelProbe.Outcome o = CancelProbe.run(how, (c, p) -> archive.store(TestBackups.storeRequest(big, 1),
                    OperationContext.builder(big.directory()).cancellation(c).progress(p).build()));
            judge(o, how, "store");
            // An interrupt may have closed the archive's files under it: look through a fresh opening.
            archive.close();
            archive = open(false);
            List<Generation> now = archive.generations();
            if (o.finished()) {
                assertEquals(2, now.size(), () -> subject() + ": a store that finished did not add one generation: " + now);
            } else {
                assertEquals(List.of(first), now, () -> subject() + ": a store stopped by " + how + " changed the"
                        + " generations (a partial generation is visible)");
            }
            VerifyReport r = archive.verify(VerifyLevel.STRUCTURE, ctx());
            assertTrue(r.ok(), () -> subject() + ": a store stopped by " + how + " left damage: " + r.damages());
            Generation again = archive.store(TestBackups.storeRequest(big, 2), TestBackups.context(big.directory()));
            restoreAndCompare(again, 1);
            restoreAndCompare(first, 0);
        }

        private void restoreStopped(CancelProbe.How how) {
            BackupDir big = large();
            Generation g = archive.store(TestBackups.storeRequest(big, 1), TestBackups.context(big.directory()));
            Path target = local.resolve("restored-stopped");
            CancelProbe.Outcome o = CancelProbe.run(how, (c, p) -> archive.restore(g.id(), target,
                    RestoreOptions.DEFAULT, OperationContext.builder(local).cancellation(c).progress(p).build()));
            judge(o, how, "restore");
            if (!o.finished()) {
                assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(target),
                        () -> subject() + ": a restore stopped by " + how + " left a partial target " + target);
            }
            restoreAndCompare(g, 1);
        }

        private void judge(CancelProbe.Outcome o, CancelProbe.How how, String what) {
            CancelProbe.assertStoppedWithin(o, how, cancellationBound(), subject() + ": the " + what + " of "
                    + (largeDataBytes() >> 20) + " MiB", reason -> skipUnless(false, reason));
        }
    }

    /** Backups much larger than any buffer. */
    @Nested
    @DisplayName("A large backup")
    @Requires(archive = ArchiveFeature.ON_DISK)
    class Large {
        @Test
        @DisplayName("is stored without being held in the heap")
        void storeStreams() {
            BackupDir big = large();
            List<Generation> stored = new ArrayList<>();
            LargeData.assertStreams(subject() + ": the store", largeDataBytes(), () -> stored.add(archive.store(
                    TestBackups.storeRequest(big, 1), TestBackups.context(big.directory()))), reason -> skipUnless(false, reason));
            restoreAndCompare(stored.get(0), 1);
        }

        @Test
        @DisplayName("is restored without being held in the heap")
        void restoreStreams() {
            BackupDir big = large();
            Generation g = archive.store(TestBackups.storeRequest(big, 1), TestBackups.context(big.directory()));
            Path target = local.resolve("restored-large");
            LargeData.assertStreams(subject() + ": the restore", largeDataBytes(), () -> archive.restore(g.id(), target,
                    RestoreOptions.DEFAULT, ctx()), reason -> skipUnless(false, reason));
            assertSameTree(big.directory(), target);
        }
    }

    /** A large backup in the place of sample 1 ({@link #sample(int)}), so restoreAndCompare(g, 1) checks it. */
    private BackupDir large() {
        BackupDir big = LargeData.backup(sample(1), TestBackups.id(1), largeDataBytes());
        samples.add(big);
        return big;
    }

    private static boolean isEmptyDirectory(Path p) {
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Names the archive under test for failure messages. */
    private String subject() {
        return implementationName();
    }

    private void skipUnless(boolean condition, String reason) {
        SkipNotice.assumeOrSkip(condition, runningTest, reason);
    }
}
