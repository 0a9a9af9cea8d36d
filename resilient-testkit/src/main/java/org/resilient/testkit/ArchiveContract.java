package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
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
 * tests; what a test needs is declared with {@link Requires} and skipped, naming the missing
 * {@link ArchiveFeature}, where the archive's test does not declare it ({@link #features()}).
 */
@DisplayName("Archive contract")
public abstract class ArchiveContract extends ArchiveBoundsContract {
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
            TestBackups.assertFailsLeavingNothing(ErrorCode.NOT_FOUND, target,
                    () -> archive.restore("no-such-generation", target, RestoreOptions.DEFAULT, ctx()),
                    "a failed restore created its target");
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

        @Requires(archive = ArchiveFeature.DAMAGE)
        @Test
        @DisplayName("damaged data is reported; a restore of it fails with ARCHIVE_CORRUPT, a partial one names the damage")
        void damageFound() {
            Generation first = store(1);
            Generation second = store(2);
            assertTrue(damage(archiveDir, second), "the test declares ArchiveFeature.DAMAGE but damage(Path, Generation)"
                    + " damaged nothing");
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

        @Requires(archive = ArchiveFeature.ON_DISK)
        @Test
        @DisplayName("a directory that is not an archive is refused, also with create, and left as it was")
        void notAnArchive() throws IOException {
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

}
