package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;

/**
 * The backup groups of the {@link TransportContract}: pulls and pushes appear whole and byte for byte, fail
 * clearly, are idempotent and leave nothing partial behind when interrupted. Extend {@link TransportContract}.
 */
public abstract class TransportBackupContract extends TransportContractSupport {
    /** Pulling a published backup. */
    @Nested
    @DisplayName("Pulling a backup")
    class Pulling {
        @Test
        @DisplayName("makes it appear whole, byte for byte with modes and times, and it verifies")
        void pullsWhole() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            assertPullsWhole(b, target);
        }

        @Test
        @DisplayName("leaves the published backup as it was")
        void leavesSourceAlone() {
            BackupDir b = published(1);
            receiverTransport.pull(exporter, b.manifest().backupId(), local.resolve("pulled"), context());
            Path check = local.resolve("check");
            fixture.copyPublished(exporter, b.manifest().backupId(), check);
            assertSameTree(b.directory(), check);
        }

        @Test
        @DisplayName("of an unknown backup fails with NOT_FOUND and creates nothing")
        void unknownBackup() {
            published(1);
            Path target = local.resolve("pulled");
            TestBackups.assertFailsLeavingNothing(ErrorCode.NOT_FOUND, target,
                    () -> receiverTransport.pull(exporter, TestBackups.id(99), target, context()),
                    "a failed pull left its target");
        }

        @Test
        @DisplayName("from a node that does not exist fails with UNREACHABLE or NOT_FOUND")
        void unknownNode() {
            Path target = local.resolve("pulled");
            ResilienceException e = assertThrows(ResilienceException.class, () -> receiverTransport.pull(
                    fixture.absentNode("nobody"), TestBackups.id(1), target, context()));
            assertTrue(Set.of(ErrorCode.UNREACHABLE, ErrorCode.NOT_FOUND).contains(e.code()), () -> "wrong code: " + e);
            assertAbsent(target, "a failed pull left its target");
        }

        @Test
        @DisplayName("into a target that exists fails and leaves the target untouched")
        void targetExists() throws IOException {
            BackupDir b = published(1);
            Path target = Files.createDirectories(local.resolve("pulled"));
            Files.writeString(target.resolve("mine"), "keep me");
            assertThrows(ResilienceException.class,
                    () -> receiverTransport.pull(exporter, b.manifest().backupId(), target, context()));
            try (var s = Files.list(target)) {
                assertEquals(List.of(target.resolve("mine")), s.toList(), "the pull wrote into an existing target");
            }
            assertEquals("keep me", Files.readString(target.resolve("mine")));
        }

        @Test
        @DisplayName("cancelled before it starts fails with CANCELLED, leaves no target, and a retry succeeds")
        void cancelledInAdvance() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            ResilienceException e = assertThrows(ResilienceException.class, () -> receiverTransport.pull(exporter,
                    b.manifest().backupId(), target, OperationContext.builder(local).cancellation(cancelled()).build()));
            assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            assertAbsent(target, "a cancelled pull left its target");
            assertPullsWhole(b, target);
        }

        @Test
        @DisplayName("interrupted midway leaves no visible target, and a retry succeeds")
        void interruptedMidway() {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            OperationContext ctx = cancelledAtFirstProgress();
            try {
                receiverTransport.pull(exporter, b.manifest().backupId(), target, ctx);
                // It finished before it looked at the signal again: then it must be whole.
                TestBackups.verify(target);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
                assertAbsent(target, "an interrupted pull left a partial target");
                receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
            }
            TestBackups.verify(target);
            assertSameTree(b.directory(), target);
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("interrupted, then retried after its leftovers were damaged, still gives a whole copy")
        void retryAfterDamagedLeftovers() throws IOException {
            BackupDir b = published(1);
            Path target = local.resolve("pulled");
            List<Path> before = list(local);
            OperationContext ctx = cancelledAtFirstProgress();
            try {
                receiverTransport.pull(exporter, b.manifest().backupId(), target, ctx);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            }
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS),
                    "the pull finished before it looked at the cancellation");
            // Whatever the interrupted pull kept for a resume, cut every kept file short.
            for (Path p : list(local)) {
                if (!before.contains(p)) {
                    truncateFiles(p);
                }
            }
            assertPullsWhole(b, target);
        }

        @Test
        @DisplayName("of several backups keeps them apart")
        void severalBackups() {
            BackupDir one = published(1);
            BackupDir two = published(2);
            receiverTransport.pull(exporter, two.manifest().backupId(), local.resolve("two"), context());
            receiverTransport.pull(exporter, one.manifest().backupId(), local.resolve("one"), context());
            assertSameTree(one.directory(), local.resolve("one"));
            assertSameTree(two.directory(), local.resolve("two"));
        }
    }

    /** Pushing a local backup to a node. */
    @Nested
    @DisplayName("Pushing a backup")
    class Pushing {
        @Test
        @DisplayName("publishes it whole under its id, and leaves nothing partial")
        void pushesWhole() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            exporterTransport.push(b.directory(), id, receiver, context());
            assertEquals(List.of(id), fixture.published(receiver));
            assertPublishedWhole(b, id);
        }

        @Test
        @DisplayName("does not modify its source")
        void leavesSourceAlone() {
            BackupDir b = sample(1, 0);
            List<ManifestEntry> before = TestBackups.entries(b.directory());
            exporterTransport.push(b.directory(), b.manifest().backupId(), receiver, context());
            assertEquals(before, TestBackups.entries(b.directory()));
        }

        @Test
        @DisplayName("twice is a no-op the second time, and never replaces what is there")
        void idempotent() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            exporterTransport.push(b.directory(), id, receiver, context());
            exporterTransport.push(b.directory(), id, receiver, context());
            BackupDir other = TestBackups.sealedBackup(local.resolve("other"), id, 3);
            exporterTransport.push(other.directory(), id, receiver, context());
            assertEquals(List.of(id), fixture.published(receiver));
            Path check = local.resolve("check");
            fixture.copyPublished(receiver, id, check);
            assertSameTree(b.directory(), check);
        }

        @Test
        @DisplayName("of several backups publishes each under its own id")
        void severalBackups() {
            BackupDir one = sample(1, 0);
            BackupDir two = sample(2, 1);
            exporterTransport.push(two.directory(), two.manifest().backupId(), receiver, context());
            exporterTransport.push(one.directory(), one.manifest().backupId(), receiver, context());
            List<BackupId> ids = new ArrayList<>(fixture.published(receiver));
            ids.sort(null);
            assertEquals(List.of(one.manifest().backupId(), two.manifest().backupId()), ids);
        }

        @Test
        @DisplayName("cancelled before it starts fails with CANCELLED and publishes nothing")
        void cancelledInAdvance() {
            BackupDir b = sample(1, 0);
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(b.directory(),
                    b.manifest().backupId(), receiver, OperationContext.builder(local).cancellation(cancelled()).build()));
            assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            assertEquals(List.of(), fixture.published(receiver));
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("interrupted midway publishes nothing partial, and a retry succeeds")
        void interruptedMidway() {
            BackupDir b = sample(1, 0);
            BackupId id = b.manifest().backupId();
            OperationContext ctx = cancelledAtFirstProgress();
            try {
                exporterTransport.push(b.directory(), id, receiver, ctx);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
                assertEquals(List.of(), fixture.published(receiver), "an interrupted push published a backup");
                exporterTransport.push(b.directory(), id, receiver, context());
            }
            assertPublishedWhole(b, id);
        }

        @Test
        @DisplayName("of a source directory that does not exist fails and publishes nothing")
        void missingSource() {
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(
                    local.resolve("no-such-backup"), TestBackups.id(1), receiver, context()));
            assertTrue(Set.of(ErrorCode.NOT_FOUND, ErrorCode.IO_ERROR).contains(e.code()), () -> "wrong code: " + e);
            assertEquals(List.of(), fixture.published(receiver), "a push of nothing published a backup");
            assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
        }

        @Test
        @DisplayName("to a node that does not exist fails with UNREACHABLE or NOT_FOUND")
        void unknownNode() {
            BackupDir b = sample(1, 0);
            ResilienceException e = assertThrows(ResilienceException.class, () -> exporterTransport.push(b.directory(),
                    b.manifest().backupId(), fixture.absentNode("nobody"), context()));
            assertTrue(Set.of(ErrorCode.UNREACHABLE, ErrorCode.NOT_FOUND).contains(e.code()), () -> "wrong code: " + e);
        }
    }

    /** A context whose cancellation is signalled at the first progress report: an operation stopped midway. */
    private OperationContext cancelledAtFirstProgress() {
        Cancellation cancellation = Cancellation.create();
        return OperationContext.builder(local).cancellation(cancellation).progress(p -> cancellation.cancel()).build();
    }

    /** Pulls a published backup into a target and checks it arrived whole. */
    private void assertPullsWhole(BackupDir b, Path target) {
        receiverTransport.pull(exporter, b.manifest().backupId(), target, context());
        TestBackups.verify(target);
        assertSameTree(b.directory(), target);
    }

    /** Checks a pushed backup is published whole on the receiver, with no leftovers beside it. */
    private void assertPublishedWhole(BackupDir b, BackupId id) {
        Path check = local.resolve("check");
        fixture.copyPublished(receiver, id, check);
        TestBackups.verify(check);
        assertSameTree(b.directory(), check);
        assertEquals(List.of(), fixture.leftovers(receiver), "leftovers on the receiving node");
    }
}
