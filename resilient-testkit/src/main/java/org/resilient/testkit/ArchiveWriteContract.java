package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;

/**
 * The store and writer groups of the {@link ArchiveContract}: a stored backup comes back byte for byte and
 * leaves its source alone; a cancelled or interrupted store leaves the archive sound; writers exclude each
 * other. Extend {@link ArchiveContract}, not this.
 */
public abstract class ArchiveWriteContract extends ArchiveContractSupport {
    /** Storing and restoring one backup. */
    @Nested
    @DisplayName("A stored backup")
    class StoreAndRestore {
        @Test
        @DisplayName("restores byte for byte, with modes, times, empty directories and links")
        void roundTrip() {
            restoreAndCompare(store(0), 0);
        }

        @Test
        @DisplayName("restores into an existing empty directory")
        void restoreIntoEmptyDirectory() throws IOException {
            Generation g = store(0);
            Path target = Files.createDirectories(local.resolve("empty-target"));
            archive.restore(g.id(), target, RestoreOptions.DEFAULT, ctx());
            assertSameTree(sample(0), target);
        }

        @Test
        @DisplayName("is described by its generation")
        void describedByGeneration() {
            Generation g = store(2);
            BackupDir b = TestBackups.verify(sample(2));
            StoreRequest r = TestBackups.storeRequest(b, 2);
            assertNotNull(g.id());
            assertFalse(g.id().isBlank(), "empty generation id");
            assertEquals(r.backupId(), g.backupId());
            assertEquals(r.time(), g.time());
            assertEquals(r.sourceNode(), g.sourceNode());
            assertEquals(r.epoch(), g.epoch());
            assertEquals(r.manifestDigest(), g.manifestDigest());
            // Whether MANIFEST and SIGNATURE count as files of the backup is the archive's choice.
            long dataFiles = b.manifest().fileCount();
            long dataBytes = b.manifest().totalSize();
            long allBytes = dataBytes + size(sample(2).resolve("MANIFEST")) + size(sample(2).resolve("SIGNATURE"));
            assertTrue(g.fileCount() == dataFiles && g.logicalBytes() == dataBytes
                            || g.fileCount() == dataFiles + 2 && g.logicalBytes() == allBytes,
                    () -> "fileCount/logicalBytes " + g.fileCount() + "/" + g.logicalBytes() + " match neither the data ("
                            + dataFiles + "/" + dataBytes + ") nor the whole backup (" + (dataFiles + 2) + "/" + allBytes + ")");
            assertTrue(g.newBytes() > 0 && g.newBytes() <= g.logicalBytes(), () -> "newBytes of a first store: " + g.newBytes());
            assertEquals(List.of(g), archive.generations());
        }

        @Test
        @DisplayName("leaves its source directory as it was")
        void leavesSourceAlone() {
            BackupDir b = TestBackups.sealedBackup(local.resolve("src"), TestBackups.id(0), 0);
            List<ManifestEntry> before = TestBackups.entries(b.directory());
            archive.store(TestBackups.storeRequest(b, 0), TestBackups.context(b.directory()));
            assertEquals(before, TestBackups.entries(b.directory()));
        }

        @Test
        @DisplayName("cancelled before it starts fails with CANCELLED and adds no generation")
        void cancelledStore() {
            Generation first = store(0);
            BackupDir b = TestBackups.sealedBackup(local.resolve("backup-1"), TestBackups.id(1), 1);
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> archive.store(TestBackups.storeRequest(b, 1), TestBackups.cancelledContext(b.directory())));
            assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
            assertEquals(List.of(first), archive.generations());
            assertTrue(archive.verify(VerifyLevel.READ_DATA, ctx()).ok(), "a cancelled store left the archive unsound");
            restoreAndCompare(first, 0);
        }
    }

    /** Writers. */
    @Nested
    @DisplayName("A writer")
    class Writers {
        @Test
        @DisplayName("interrupted midway leaves the archive sound, releases the lock, and the next store works")
        void interruptedStore() {
            Generation first = store(0);
            BackupDir b = TestBackups.sealedBackup(local.resolve("backup-1"), TestBackups.id(1), 1);
            samples.add(b);
            org.resilient.api.Cancellation cancellation = org.resilient.api.Cancellation.create();
            OperationContext ctx = OperationContext.builder(b.directory()).cancellation(cancellation)
                    .progress(p -> cancellation.cancel()).build();
            List<Generation> expected;
            try {
                Generation g = archive.store(TestBackups.storeRequest(b, 1), ctx);
                expected = List.of(first, g);
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "wrong code: " + e);
                expected = List.of(first);
            }
            assertEquals(expected, archive.generations());
            VerifyReport r = archive.verify(VerifyLevel.READ_DATA, ctx());
            assertTrue(r.ok(), () -> "an interrupted store left damage: " + r.damages());
            restoreAndCompare(first, 0);
            Generation again = archive.store(TestBackups.storeRequest(b, 2), TestBackups.context(b.directory()));
            assertEquals(again, archive.generations().get(archive.generations().size() - 1),
                    "the store after an interrupted one is not the newest generation");
        }

        @Requires(archive = ArchiveFeature.STALE_LOCK)
        @Test
        @DisplayName("takes over the lock left by a writer that crashed")
        void staleLockTakenOver() {
            Generation first = store(0);
            archive.close();
            opened.remove(archive);
            assertTrue(leaveStaleLock(archiveDir), "the test declares ArchiveFeature.STALE_LOCK but leaveStaleLock(Path)"
                    + " left no lock");
            archive = open(false);
            Generation second = store(1);
            assertEquals(List.of(first, second), archive.generations());
            restoreAndCompare(second, 1);
        }

        @Test
        @DisplayName("holds the lock: a second store while one runs fails with LOCKED")
        void secondWriterLocked() throws Exception {
            store(0);
            BackupDir one = TestBackups.sealedBackup(local.resolve("backup-1"), TestBackups.id(1), 1);
            BackupDir two = TestBackups.sealedBackup(local.resolve("backup-2"), TestBackups.id(2), 2);
            Archive other = open(false);
            java.util.concurrent.atomic.AtomicReference<Throwable> second = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean tried = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Thread> secondThread = new java.util.concurrent.atomic.AtomicReference<>();
            OperationContext ctx = OperationContext.builder(one.directory()).progress(p -> {
                if (tried.compareAndSet(false, true)) {
                    // Another thread, as another process would be: a lock held by this thread may be reentrant.
                    Thread t = new Thread(() -> {
                        try {
                            other.store(TestBackups.storeRequest(two, 2), TestBackups.context(two.directory()));
                            second.compareAndSet(null, new AssertionError("a second store succeeded while the first held the lock"));
                        } catch (Throwable e) {
                            second.compareAndSet(null, e);
                        }
                    });
                    t.start();
                    try {
                        t.join(20_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (t.isAlive()) {
                        second.compareAndSet(null, new AssertionError(
                                "the second store blocked for 20 s instead of failing at once with LOCKED"));
                    }
                    secondThread.set(t);
                }
            }).build();
            Generation g = archive.store(TestBackups.storeRequest(one, 1), ctx);
            if (secondThread.get() != null) {
                secondThread.get().join(60_000);
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(tried.get(),
                    "the archive reported no progress during a store, so the kit cannot run a second store meanwhile");
            Throwable e = second.get();
            assertTrue(e instanceof ResilienceException, () -> "the second store did not fail with a ResilienceException: " + e);
            assertEquals(ErrorCode.LOCKED, ((ResilienceException) e).code(), () -> "wrong code: " + e);
            assertEquals(g, archive.generations().get(archive.generations().size() - 1));
            assertEquals(2, archive.generations().size());
        }
    }

}
