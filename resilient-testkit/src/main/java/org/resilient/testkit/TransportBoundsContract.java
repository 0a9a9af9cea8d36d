package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.resilient.api.BackupId;
import org.resilient.api.OperationContext;

/**
 * The bounds of the {@link TransportContract}: a transfer stopped midway (by its cancellation or by an interrupt of
 * its thread) ends within {@link #cancellationBound()} and leaves the receiver as it was, and a large backup travels
 * without being held in the heap. Extend {@link TransportContract}.
 */
public abstract class TransportBoundsContract extends TransportBackupContract implements Bounds {
    private String runningTest = "";



    @BeforeEach
    void rememberBoundsTest(TestInfo info) {
        runningTest = getClass().getSimpleName() + " > " + info.getDisplayName();
    }

    /** Pulls and pushes stopped midway. */
    @Nested
    @DisplayName("A transfer stopped midway")
    class Stopping {
        @Test
        @DisplayName("by its cancellation: a pull ends within the bound and leaves no target, and a retry succeeds")
        void pullCancelled() {
            pullStopped(CancelProbe.How.SIGNAL);
        }

        @Test
        @DisplayName("by an interrupt: a pull ends within the bound and leaves no target, and a retry succeeds")
        void pullInterrupted() {
            pullStopped(CancelProbe.How.INTERRUPT);
        }

        @Test
        @DisplayName("by its cancellation: a push ends within the bound, the receiver shows what it had, a retry succeeds")
        void pushCancelled() {
            pushStopped(CancelProbe.How.SIGNAL);
        }

        @Test
        @DisplayName("by an interrupt: a push ends within the bound, the receiver shows what it had, a retry succeeds")
        void pushInterrupted() {
            pushStopped(CancelProbe.How.INTERRUPT);
        }

        private void pullStopped(CancelProbe.How how) {
            BackupDir big = publishedLarge();
            BackupId id = big.manifest().backupId();
            Path target = local.resolve("pulled");
            CancelProbe.Outcome o = CancelProbe.run(how, (c, p) -> receiverTransport.pull(exporter, id, target,
                    OperationContext.builder(local).cancellation(c).progress(p).build()));
            judge(o, how, "pull");
            if (o.finished()) {
                TestBackups.verify(target);
            } else {
                assertAbsent(target, subject() + ": a stopped pull left a partial target");
                receiverTransport.pull(exporter, id, target, context());
            }
            assertSameTree(big.directory(), target);
        }

        private void pushStopped(CancelProbe.How how) {
            BackupDir before = sample(2, 1);
            exporterTransport.push(before.directory(), before.manifest().backupId(), receiver, context());
            List<BackupId> had = fixture.published(receiver);
            BackupDir big = LargeData.backup(local.resolve("large"), TestBackups.id(1), largeDataBytes());
            BackupId id = big.manifest().backupId();
            CancelProbe.Outcome o = CancelProbe.run(how, (c, p) -> exporterTransport.push(big.directory(), id,
                    receiver, OperationContext.builder(local).cancellation(c).progress(p).build()));
            judge(o, how, "push");
            List<BackupId> expected = new ArrayList<>(had);
            if (o.finished()) {
                expected.add(id);
            }
            assertEquals(sorted(expected), sorted(fixture.published(receiver)), () -> subject() + ": after a push stopped"
                    + " by " + how + " the receiver's backups differ from " + (o.finished() ? "what it had plus the"
                    + " finished push" : "what it had (a partial backup is visible)"));
            exporterTransport.push(big.directory(), id, receiver, context());
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            TestBackups.verify(check);
            assertSameTree(big.directory(), check);
        }

        private void judge(CancelProbe.Outcome o, CancelProbe.How how, String what) {
            CancelProbe.assertStoppedWithin(o, how, cancellationBound(), subject() + ": the " + what + " of "
                    + (largeDataBytes() >> 20) + " MiB", reason -> skipUnless(false, reason));
        }
    }

    /** Backups much larger than any buffer. */
    @Nested
    @DisplayName("A large backup")
    @Requires(transport = TransportFeature.NODES_ON_DISK)
    class Large {
        @Test
        @DisplayName("is pulled without being held in the heap")
        void pullStreams() {
            BackupDir big = publishedLarge();
            Path target = local.resolve("pulled");
            LargeData.assertStreams(subject() + ": the pull", largeDataBytes(), () -> receiverTransport.pull(exporter,
                    big.manifest().backupId(), target, context()), reason -> skipUnless(false, reason));
            assertSameTree(big.directory(), target);
        }

        @Test
        @DisplayName("is pushed without being held in the heap")
        void pushStreams() {
            BackupDir big = LargeData.backup(local.resolve("large"), TestBackups.id(1), largeDataBytes());
            BackupId id = big.manifest().backupId();
            LargeData.assertStreams(subject() + ": the push", largeDataBytes(), () -> exporterTransport.push(
                    big.directory(), id, receiver, context()), reason -> skipUnless(false, reason));
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            assertSameTree(big.directory(), check);
        }
    }

    /** A large backup published on the exporter. */
    private BackupDir publishedLarge() {
        BackupDir big = LargeData.backup(local.resolve("large"), TestBackups.id(1), largeDataBytes());
        fixture.publish(exporter, big.directory(), big.manifest().backupId());
        return big;
    }

    /** Names the transport under test for failure messages: its scheme and its test. */
    private String subject() {
        return "transport '" + exporter.getScheme() + "' (" + getClass().getSimpleName() + ")";
    }

    private void skipUnless(boolean condition, String reason) {
        SkipNotice.assumeOrSkip(condition, runningTest, reason);
    }

    private static List<BackupId> sorted(List<BackupId> ids) {
        List<BackupId> out = new ArrayList<>(ids);
        out.sort(null);
        return out;
    }
}
