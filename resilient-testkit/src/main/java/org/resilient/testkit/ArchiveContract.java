package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ManifestEntry;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;

/**
 * The contract of an {@link Archive}: every stored backup comes back byte for byte (modes, times, empty
 * directories, links), the history lists generations oldest first, pruning keeps what the policy says,
 * verify finds a sound archive sound, and everything survives a close and reopen. An archive's whole test:
 * <pre>
 * class MyArchiveTest extends ArchiveContract {
 *     protected Archive openArchive(Path dir, boolean create) { return new MyArchiveProvider().open(...); }
 * }
 * </pre>
 * Archives that can be damaged on disk also override {@link #damage(Path, Generation)} to get the damage
 * tests.
 */
@DisplayName("Archive contract")
@org.junit.jupiter.api.extension.ExtendWith(KnownIssue.Condition.class)
// A hanging implementation fails its test instead of hanging the build.
@org.junit.jupiter.api.Timeout(120)
public abstract class ArchiveContract {
    /** The archive's directory (or name, for archives not on disk). */
    protected Path archiveDir;
    /** The kit's scratch directory, for sample backups and restore targets. */
    protected Path local;
    /** The archive open for the running test. */
    protected Archive archive;
    private final List<Archive> opened = new ArrayList<>();
    private final List<BackupDir> samples = new ArrayList<>();

    /**
     * Opens the archive under test.
     *
     * @param dir where it lives (a directory in the test's temporary directory, not created yet)
     * @param create whether to create it if missing
     * @return the open archive
     */
    protected abstract Archive openArchive(Path dir, boolean create);

    /**
     * Damages the stored data of a generation on disk (e.g. flips bytes in one of its pack files), for the
     * tests that check that verify and restore notice. The default does nothing and returns false, which
     * skips those tests.
     *
     * @param dir the archive's directory
     * @param generation the generation whose data to damage
     * @return true if something was damaged
     */
    protected boolean damage(Path dir, Generation generation) {
        return false;
    }

    /**
     * Leaves the lock of a writer that crashed (a process that is gone) in the archive, for the test that
     * checks that the next writer takes it over. The default does nothing and returns false, which skips it.
     *
     * @param dir the archive's directory
     * @return true if a stale lock was left
     */
    protected boolean leaveStaleLock(Path dir) {
        return false;
    }

    /**
     * Whether the archive lives in {@code dir} on disk (false for archives that only use it as a name).
     *
     * @return true by default
     */
    protected boolean onDisk() {
        return true;
    }

    @BeforeEach
    void openForTest(@TempDir Path tempDir) throws IOException {
        archiveDir = tempDir.resolve("archive");
        local = Files.createDirectories(tempDir.resolve("local"));
        archive = open(true);
    }

    @AfterEach
    void closeAfterTest() {
        opened.forEach(Archive::close);
        TestBackups.makeWritable(local);
    }

    /**
     * Opens the archive again, closed after the test.
     *
     * @param create whether to create it
     * @return the archive
     */
    protected Archive open(boolean create) {
        Archive a = openArchive(archiveDir, create);
        opened.add(a);
        return a;
    }

    /**
     * Makes sample backup {@code n} (tree variant {@code n}) and stores it.
     *
     * @param n the sample number, also giving its time
     * @return the generation
     */
    protected Generation store(int n) {
        BackupDir b = TestBackups.sealedBackup(local.resolve("backup-" + n), TestBackups.id(n), n);
        samples.add(b);
        return archive.store(TestBackups.storeRequest(b, n), TestBackups.context(b.directory()));
    }

    /**
     * The sample backup stored by {@link #store(int)} {@code n}.
     *
     * @param n the sample number
     * @return its directory
     */
    protected Path sample(int n) {
        return local.resolve("backup-" + n);
    }

    /**
     * Restores a generation into a new directory and checks it equals sample {@code n}.
     *
     * @param g the generation
     * @param n the sample it must equal
     * @return the restored directory
     */
    protected Path restoreAndCompare(Generation g, int n) {
        Path target = local.resolve("restored-" + g.id());
        List<Damage> damages = archive.restore(g.id(), target, RestoreOptions.DEFAULT, ctx());
        assertEquals(List.of(), damages, "a clean restore reported damage");
        TestBackups.verify(target);
        assertSameTree(sample(n), target);
        return target;
    }

    private OperationContext ctx() {
        return TestBackups.context(local);
    }

    private static void assertSameTree(Path expected, Path actual) {
        assertEquals(TestBackups.entries(expected), TestBackups.entries(actual),
                "the restored tree differs from the stored one (content, mode, time, link or empty directory)");
    }

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

        @Test
        @DisplayName("takes over the lock left by a writer that crashed")
        void staleLockTakenOver() {
            Generation first = store(0);
            archive.close();
            opened.remove(archive);
            org.junit.jupiter.api.Assumptions.assumeTrue(leaveStaleLock(archiveDir),
                    "the archive test does not override leaveStaleLock(Path)");
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

    /** Several generations. */
    @Nested
    @DisplayName("The history")
    class History {
        @Test
        @DisplayName("lists generations oldest first, with unique ids and their backup ids")
        void listsOldestFirst() {
            List<Generation> stored = List.of(store(1), store(2), store(3));
            List<Generation> listed = archive.generations();
            assertEquals(stored, listed);
            assertEquals(List.of(TestBackups.id(1), TestBackups.id(2), TestBackups.id(3)),
                    listed.stream().map(Generation::backupId).toList());
            assertEquals(3, new HashSet<>(listed.stream().map(Generation::id).toList()).size(), "ids are not unique");
            for (int i = 1; i < listed.size(); i++) {
                assertTrue(listed.get(i - 1).time().isBefore(listed.get(i).time()), "not oldest first");
            }
        }

        @Test
        @DisplayName("lists generations by backup time, also when an older backup is stored later")
        void oldestFirstByBackupTime() {
            // A pull-backup node catching up may store an older backup after a newer one.
            Generation newer = store(2);
            Generation older = store(1);
            assertEquals(List.of(older, newer), archive.generations(),
                    "generations must be listed oldest first by the time the backup was made (Generation.time)");
            restoreAndCompare(older, 1);
        }

        @Test
        @DisplayName("restores every generation as it was stored")
        void restoresEach() {
            List<Generation> gs = List.of(store(1), store(2), store(3));
            restoreAndCompare(gs.get(1), 2);
            restoreAndCompare(gs.get(0), 1);
            restoreAndCompare(gs.get(2), 3);
        }

        @Test
        @DisplayName("adds up in the stats")
        void stats() {
            List<Generation> gs = List.of(store(1), store(2), store(3));
            ArchiveStats s = archive.stats();
            assertEquals(3, s.generations());
            assertEquals(gs.stream().mapToLong(Generation::logicalBytes).sum(), s.logicalBytes());
            assertTrue(s.uniqueBytes() > 0 && s.uniqueBytes() <= s.logicalBytes(), () -> "uniqueBytes " + s);
            assertTrue(s.storedBytes() > 0, () -> "storedBytes " + s);
        }
    }

    /** What is refused. */
    @Nested
    @DisplayName("A restore")
    class RestoreErrors {
        @Test
        @DisplayName("of an unknown generation fails with NOT_FOUND and creates nothing")
        void unknownGeneration() {
            store(0);
            Path target = local.resolve("target");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> archive.restore("no-such-generation", target, RestoreOptions.DEFAULT, ctx()));
            assertEquals(ErrorCode.NOT_FOUND, e.code(), () -> "wrong code: " + e);
            assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "a failed restore created its target");
        }

        @Test
        @DisplayName("into a directory that is not empty is refused and changes nothing there")
        void nonEmptyTarget() throws IOException {
            Generation g = store(0);
            Path target = Files.createDirectories(local.resolve("target"));
            Files.writeString(target.resolve("mine"), "keep me");
            assertThrows(ResilienceException.class, () -> archive.restore(g.id(), target, RestoreOptions.DEFAULT, ctx()));
            try (var s = Files.list(target)) {
                assertEquals(List.of(target.resolve("mine")), s.toList(), "the restore wrote into a non-empty target");
            }
            assertEquals("keep me", Files.readString(target.resolve("mine")));
        }
    }

    /** Retention. */
    @Nested
    @DisplayName("Pruning")
    class Pruning {
        @Test
        @DisplayName("with keep-last 2 keeps the two newest, and they still restore")
        void keepLast() {
            List<Generation> gs = List.of(store(1), store(2), store(3), store(4));
            OperationContext now = OperationContext.builder(local)
                    .clock(Clock.fixed(TestBackups.time(10), ZoneOffset.UTC)).build();
            PruneResult r = archive.prune(new RetentionPolicy(2, Duration.ZERO, 0, 0, 0), now);
            assertEquals(Set.of(gs.get(0).id(), gs.get(1).id()), Set.copyOf(r.removed()));
            assertEquals(Set.of(gs.get(2).id(), gs.get(3).id()), Set.copyOf(r.kept()));
            assertEquals(List.of(gs.get(2), gs.get(3)), archive.generations());
            assertTrue(r.reclaimedBytes() >= 0, "negative reclaimed bytes");
            assertTrue(archive.verify(VerifyLevel.READ_DATA, ctx()).ok(), "prune left the archive unsound");
            restoreAndCompare(gs.get(2), 3);
            restoreAndCompare(gs.get(3), 4);
        }

        @Test
        @DisplayName("with keep-within keeps what is recent by the context's clock")
        void keepWithin() {
            List<Generation> gs = List.of(store(1), store(2), store(3), store(4));
            // Now is 30 minutes after sample 4 (samples are an hour apart): 160 minutes back reaches sample 2.
            OperationContext now = OperationContext.builder(local)
                    .clock(Clock.fixed(TestBackups.time(4).plus(Duration.ofMinutes(30)), ZoneOffset.UTC)).build();
            PruneResult r = archive.prune(new RetentionPolicy(0, Duration.ofMinutes(160), 0, 0, 0), now);
            assertEquals(Set.of(gs.get(0).id()), Set.copyOf(r.removed()));
            assertEquals(List.of(gs.get(1), gs.get(2), gs.get(3)), archive.generations());
            restoreAndCompare(gs.get(1), 2);
        }

        @Test
        @DisplayName("never removes the newest generation")
        void keepsNewest() {
            List<Generation> gs = List.of(store(1), store(2));
            OperationContext now = OperationContext.builder(local)
                    .clock(Clock.fixed(TestBackups.time(1000), ZoneOffset.UTC)).build();
            archive.prune(new RetentionPolicy(0, Duration.ZERO, 0, 0, 0), now);
            assertEquals(List.of(gs.get(1)), archive.generations());
            restoreAndCompare(gs.get(1), 2);
        }
    }

    /** Verify. */
    @Nested
    @DisplayName("Verifying")
    class Verifying {
        @Test
        @DisplayName("a sound archive finds it sound at both levels")
        void soundArchive() {
            store(1);
            store(2);
            VerifyReport structure = archive.verify(VerifyLevel.STRUCTURE, ctx());
            assertTrue(structure.ok(), () -> "damage in a sound archive: " + structure.damages());
            assertEquals(2, structure.generationsChecked());
            VerifyReport data = archive.verify(VerifyLevel.READ_DATA, ctx());
            assertTrue(data.ok(), () -> "damage in a sound archive: " + data.damages());
            assertEquals(2, data.generationsChecked());
            assertTrue(data.bytesRead() > 0, "READ_DATA read no bytes");
        }

        @Test
        @DisplayName("an empty archive finds it sound")
        void emptyArchive() {
            VerifyReport r = archive.verify(VerifyLevel.READ_DATA, ctx());
            assertTrue(r.ok(), () -> "damage in an empty archive: " + r.damages());
            assertEquals(0, r.generationsChecked());
        }

        @Test
        @DisplayName("damaged data is reported; a restore of it fails with ARCHIVE_CORRUPT, a partial one names the damage")
        void damageFound() {
            Generation first = store(1);
            Generation second = store(2);
            org.junit.jupiter.api.Assumptions.assumeTrue(damage(archiveDir, second),
                    "the archive test does not override damage(Path, Generation)");
            VerifyReport r = archive.verify(VerifyLevel.READ_DATA, ctx());
            assertFalse(r.ok(), "verify READ_DATA did not find the damage");
            Path target = local.resolve("restored");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> archive.restore(second.id(), target, RestoreOptions.DEFAULT, ctx()));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, e.code(), () -> "wrong code: " + e);
            assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "a failed restore left its target");
            Path partial = local.resolve("partial");
            List<Damage> met = archive.restore(second.id(), partial, new RestoreOptions(true), ctx());
            assertFalse(met.isEmpty(), "a partial restore of damaged data reported no damage");
            assertTrue(Files.isDirectory(partial.resolve("data")), "a partial restore did not restore the intact part");
            assertEquals(List.of(first, second), archive.generations(), "damage detection changed the history");
        }
    }

    /** Close and reopen. */
    @Nested
    @DisplayName("Reopening")
    class Reopening {
        @Test
        @DisplayName("after close keeps every generation, and they restore")
        void reopen() {
            List<Generation> gs = List.of(store(1), store(2));
            ArchiveStats stats = archive.stats();
            archive.close();
            opened.remove(archive);
            archive = open(false);
            assertEquals(gs, archive.generations());
            assertEquals(stats, archive.stats());
            restoreAndCompare(gs.get(0), 1);
            restoreAndCompare(gs.get(1), 2);
            Generation third = store(3);
            assertEquals(List.of(gs.get(0), gs.get(1), third), archive.generations());
        }

        @Test
        @DisplayName("a directory that is not an archive is refused, also with create, and left as it was")
        void notAnArchive() throws IOException {
            org.junit.jupiter.api.Assumptions.assumeTrue(onDisk(), "the archive does not live on disk");
            Path other = Files.createDirectories(archiveDir.resolveSibling("not-an-archive"));
            Files.writeString(other.resolve("precious.txt"), "mine");
            assertThrows(ResilienceException.class, () -> openArchive(other, true),
                    "an archive was opened in a directory holding other files");
            try (var s = Files.list(other)) {
                assertEquals(List.of(other.resolve("precious.txt")), s.toList(), "the directory was changed");
            }
        }

        @Test
        @DisplayName("a missing archive without create fails with NOT_FOUND")
        void missingWithoutCreate() {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> openArchive(archiveDir.resolveSibling("no-such-archive"), false));
            assertEquals(ErrorCode.NOT_FOUND, e.code(), () -> "wrong code: " + e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
