package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.Cancellation;
import org.resilient.api.Capability;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ManifestEntry;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.NodeLayout;

/**
 * The contract of a component's {@link org.resilient.api.spi.Importer}: imports replace the standby's
 * content, never touch their input, fail cleanly on damaged input, keep the last good state when they
 * fail or are cancelled ({@link Capability#ATOMIC_IMPORT}), promotion makes the standby the live copy
 * ({@link Capability#PROMOTE}, {@link Capability#READ_ONLY_STANDBY}), and demotion fences a deposed live copy
 * against ordinary writers until the next promotion ({@link Capability#DEMOTE}). A component's whole test is:
 * <pre>
 * class MyImporterTest extends ImporterContract {
 *     protected ComponentFixture createFixture(Path tempDir) { return new MyFixture(tempDir); }
 * }
 * </pre>
 */
@DisplayName("Importer contract")
public abstract class ImporterContract extends ComponentContractSupport {

    /** Imports that succeed. */
    @Nested
    @DisplayName("An import")
    class Imports {
        @Test
        @DisplayName("gives the standby the content of the backup")
        void importsContent() {
            fixture.seed();
            importBackup(exportBackup());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }

        @Test
        @DisplayName("replaces the previous content as a whole, also by an older backup")
        void replacesContent() {
            fixture.seed();
            BackupDir first = exportBackup();
            String firstContent = fixture.liveFingerprint();
            fixture.change(1);
            BackupDir second = exportBackup();
            importBackup(second);
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
            importBackup(first);
            assertEquals(firstContent, fixture.standbyFingerprint(),
                    "importing the older backup must give exactly its content, not a merge");
        }

        @Test
        @DisplayName("does not modify its input directory")
        void leavesInputAlone() {
            fixture.seed();
            BackupDir backup = exportBackup();
            List<ManifestEntry> before = TestBackups.entries(backup.directory());
            importBackup(backup);
            assertEquals(before, TestBackups.entries(backup.directory()),
                    "the import changed files, modes or times in " + NodeLayout.data(backup.directory()));
            TestBackups.verify(backup.directory());
        }

        @Requires(Capability.ATOMIC_IMPORT)
        @Test
        @DisplayName("is never seen half done: the standby, looked at while the import runs, is the old or the new state")
        void neverSeenHalfDone() {
            fixture.seed();
            importBackup(exportBackup());
            String before = fixture.standbyFingerprint();
            fixture.change(1);
            BackupDir backup = exportBackup();
            String after = fixture.liveFingerprint();
            // Looked at from the importer's own progress reports: mid-import, without racing a second thread.
            List<String> seen = new java.util.ArrayList<>();
            importBackup(backup, Cancellation.never(), p -> {
                if (seen.size() < 50) {
                    seen.add(fixture.standbyFingerprint());
                }
            });
            org.junit.jupiter.api.Assumptions.assumeFalse(seen.isEmpty(),
                    "the importer reported no progress, so the kit could not look at the standby mid-import");
            for (String fingerprint : seen) {
                assertTrue(fingerprint.equals(before) || fingerprint.equals(after), () -> "component '"
                        + provider().name() + "' declares Capability.ATOMIC_IMPORT, but while the import ran the standby"
                        + " was neither the last good state nor the backup's (written in place?); seen " + seen.size()
                        + " times: " + seen + ", before " + before + ", after " + after);
            }
            assertEquals(after, fixture.standbyFingerprint());
        }
    }

    /** Imports that fail. */
    @Nested
    @DisplayName("An import that fails")
    class FailedImports {
        @Test
        @DisplayName("on damaged data throws a ResilienceException")
        void damagedDataFails() {
            fixture.seed();
            BackupDir backup = exportBackup();
            assumeTrue(fixture.detectsDamagedInput() && fixture.damage(NodeLayout.data(backup.directory())),
                    () -> "fixture says component '" + provider().name() + "' cannot tell damaged data from good data");
            assertThrows(ResilienceException.class, () -> importBackup(backup),
                    "an import of a damaged dump must fail, not import part of it");
        }

        @Requires(Capability.ATOMIC_IMPORT)
        @Test
        @DisplayName("on damaged data keeps the standby's last good state")
        void damagedDataKeepsLastGoodState() {
            fixture.seed();
            importBackup(exportBackup());
            String good = fixture.standbyFingerprint();
            fixture.change(1);
            BackupDir backup = exportBackup();
            assumeTrue(fixture.detectsDamagedInput() && fixture.damage(NodeLayout.data(backup.directory())),
                    () -> "fixture says component '" + provider().name() + "' cannot tell damaged data from good data");
            assertThrows(ResilienceException.class, () -> importBackup(backup));
            assertEquals(good, fixture.standbyFingerprint(), "the failed import changed the standby");
        }

        @Test
        @DisplayName("on data that is not a dump of this component (garbage, or nothing) throws and keeps the last good state")
        void foreignDataRefused() {
            assumeTrue(fixture.detectsDamagedInput(),
                    () -> "fixture says component '" + provider().name() + "' cannot tell damaged data from good data");
            fixture.seed();
            importBackup(exportBackup());
            String good = fixture.standbyFingerprint();
            List<BackupDir> foreign = List.of(
                    TestBackups.garbageBackup(kitDir.resolve("garbage"), nextId()),
                    TestBackups.emptyBackup(kitDir.resolve("empty"), nextId()));
            for (BackupDir b : foreign) {
                String what = b.manifest().fileCount() == 0 ? "an empty backup" : "a backup of random bytes";
                assertThrows(ResilienceException.class, () -> importBackup(b),
                        () -> "the import of " + what + " did not fail: it must not report success for importing nothing");
                if (provider().capabilities().contains(Capability.ATOMIC_IMPORT)) {
                    assertEquals(good, fixture.standbyFingerprint(), () -> "the failed import of " + what + " changed the standby");
                }
            }
        }

        @Test
        @DisplayName("when cancelled before it starts throws CANCELLED and keeps the last good state")
        void cancelledInAdvance() {
            fixture.seed();
            importBackup(exportBackup());
            String good = fixture.standbyFingerprint();
            fixture.change(1);
            BackupDir backup = exportBackup();
            assertFailsWith(ErrorCode.CANCELLED, () -> importBackup(backup, cancelled(), ProgressListener.NONE),
                    "an import cancelled in advance");
            if (provider().capabilities().contains(Capability.ATOMIC_IMPORT)) {
                assertEquals(good, fixture.standbyFingerprint(), "the cancelled import changed the standby");
            }
        }

        @Requires(Capability.ATOMIC_IMPORT)
        @Test
        @DisplayName("when cancelled midway either completes whole or keeps the last good state")
        void cancelledMidway() {
            fixture.seed();
            importBackup(exportBackup());
            String good = fixture.standbyFingerprint();
            fixture.change(1);
            BackupDir backup = exportBackup();
            Cancellation cancellation = Cancellation.create();
            AtomicInteger events = new AtomicInteger();
            boolean completed;
            try {
                importBackup(backup, cancellation, p -> {
                    events.incrementAndGet();
                    cancellation.cancel();
                });
                completed = true;
            } catch (ResilienceException e) {
                assertEquals(ErrorCode.CANCELLED, e.code(), () -> "a cancelled import failed with the wrong code: " + e);
                completed = false;
            }
            String expected = completed ? fixture.liveFingerprint() : good;
            assertEquals(expected, fixture.standbyFingerprint(), completed
                    ? "the import returned normally after cancellation but the standby is not the backup's content"
                    : "the cancelled import changed the standby");
            // And the standby is still usable: the next import works.
            importBackup(backup);
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }
    }

    /** Promotion of the standby. */
    @Nested
    @DisplayName("Promotion")
    @Requires(Capability.PROMOTE)
    class Promotion {
        @Test
        @DisplayName("keeps the imported content")
        void promoteKeepsContent() {
            fixture.seed();
            importBackup(exportBackup());
            String imported = fixture.standbyFingerprint();
            promote(new Epoch(1));
            assertEquals(imported, fixture.standbyFingerprint());
        }

        @Requires(Capability.READ_ONLY_STANDBY)
        @Test
        @DisplayName("makes a read-only standby writable")
        void promoteMakesWritable() {
            fixture.seed();
            importBackup(exportBackup());
            assertFalse(fixture.standbyWritable(), "the standby accepts writes before promotion");
            promote(new Epoch(1));
            assertTrue(fixture.standbyWritable(), "the standby refuses writes after promotion");
        }

        @Test
        @DisplayName("after a second import still works")
        void importThenPromoteAgain() {
            fixture.seed();
            importBackup(exportBackup());
            fixture.change(1);
            importBackup(exportBackup());
            promote(new Epoch(2));
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint());
        }
    }

    /**
     * Demotion of a live copy whose node learned that another node leads: ordinary clients can no longer write
     * to it, it keeps its data, and a later promotion (the node wins an election again) undoes it.
     */
    @Nested
    @DisplayName("Demotion")
    @Requires({Capability.DEMOTE, Capability.PROMOTE})
    class Demotion {
        @Test
        @DisplayName("makes a promoted live copy refuse ordinary writes and keeps its content")
        void demoteFencesWrites() {
            String content = promotedLiveCopy();
            assertTrue(fixture.standbyWritable(), "the promoted copy refuses writes before it was demoted");
            demote(new Epoch(2));
            assertFalse(fixture.standbyWritable(), () -> "component '" + provider().name()
                    + "' declares Capability.DEMOTE, but its demoted copy still accepts writes from an ordinary client");
            assertEquals(content, fixture.standbyFingerprint(), "demotion changed the data");
        }

        @Test
        @DisplayName("is idempotent: demoting twice keeps the copy fenced and its content")
        void demoteTwice() {
            String content = promotedLiveCopy();
            demote(new Epoch(2));
            demote(new Epoch(2));
            demote(new Epoch(3));
            assertFalse(fixture.standbyWritable(), "the copy accepts writes after a second demotion");
            assertEquals(content, fixture.standbyFingerprint(), "a second demotion changed the data");
            // and the second demotion must not have recorded the fenced state as the one to restore
            promote(new Epoch(4));
            assertTrue(fixture.standbyWritable(), "after two demotions, promotion did not make the copy writable again");
        }

        @Test
        @DisplayName("is undone by promotion: a demoted node that wins an election again is writable")
        void promoteUndoesDemote() {
            String content = promotedLiveCopy();
            demote(new Epoch(2));
            promote(new Epoch(3));
            assertTrue(fixture.standbyWritable(), "the demoted copy refuses writes after it was promoted again");
            assertEquals(content, fixture.standbyFingerprint(), "demotion and promotion changed the data");
        }

        @Test
        @DisplayName("then an import (re-seeding the node as a standby) keeps it fenced, and promotion opens it")
        void importAfterDemote() {
            promotedLiveCopy();
            demote(new Epoch(2));
            fixture.change(1);
            importBackup(exportBackup());
            assertEquals(fixture.liveFingerprint(), fixture.standbyFingerprint(), "the import after demotion");
            if (provider().capabilities().contains(Capability.READ_ONLY_STANDBY)) {
                assertFalse(fixture.standbyWritable(), "the demoted node accepts writes after an import");
            }
            promote(new Epoch(3));
            assertTrue(fixture.standbyWritable(), "the re-seeded standby refuses writes after promotion");
        }

        @Test
        @DisplayName("of a standby that was never promoted keeps it fenced, and promotion still opens it")
        void demoteStandby() {
            fixture.seed();
            importBackup(exportBackup());
            String content = fixture.standbyFingerprint();
            demote(new Epoch(2));
            assertFalse(fixture.standbyWritable(), "the demoted standby accepts writes");
            assertEquals(content, fixture.standbyFingerprint(), "demotion changed the standby's data");
            promote(new Epoch(3));
            assertTrue(fixture.standbyWritable(), "a standby demoted before its first promotion stays fenced after it");
        }

        /** Seeds, imports and promotes; returns the content of the live copy so made. */
        private String promotedLiveCopy() {
            fixture.seed();
            importBackup(exportBackup());
            promote(new Epoch(1));
            return fixture.standbyFingerprint();
        }
    }
}
