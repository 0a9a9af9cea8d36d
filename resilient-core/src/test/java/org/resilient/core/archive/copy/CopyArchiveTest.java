package org.resilient.core.archive.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Cancellation;
import org.resilient.api.Damage;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ProgressListener;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.Settings;
import org.resilient.api.StoreRequest;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.api.spi.Archive;
import org.resilient.api.spi.ArchiveProvider;
import org.resilient.core.fs.TestTrees;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.registry.Registry;

@DisplayName("The copy archive")
class CopyArchiveTest {
    static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");

    @TempDir
    Path tmp;
    ArchiveProvider provider;
    Path dir;
    Archive archive;

    @BeforeEach
    void setUp() {
        provider = Registry.load().archive("copy");
        dir = tmp.resolve("archive");
        archive = provider.open(URI.create("copy:" + dir), Settings.empty(), true);
    }

    private OperationContext ctx(Instant now) {
        return OperationContext.builder(tmp).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    /** Makes a sealed backup (a sample tree plus a marker file) and stores it at a time. */
    private Generation store(String id, Instant time, String marker) throws IOException {
        Path backup = tmp.resolve("backups/" + id);
        TestTrees.sample(backup.resolve("data"));
        Files.writeString(backup.resolve("data/marker.txt"), marker);
        SealedBackup s = TestTrees.seal(backup, id);
        return archive.store(new StoreRequest(backup, s.manifest().backupId(), time, "node0", Epoch.INITIAL,
                s.manifestDigest()), ctx(time));
    }

    private Path generationData(Generation g, String file) {
        return dir.resolve("generations").resolve(g.id()).resolve("backup/data").resolve(file);
    }

    @Test
    @DisplayName("stores generations that restore byte for byte and verify again (also with sha256sum -c)")
    void roundTrip() throws Exception {
        Generation g1 = store("b1", NOW.minusSeconds(60), "one");
        Generation g2 = store("b2", NOW, "two");
        assertEquals(List.of(g1, g2), archive.generations());
        assertTrue(g1.id().compareTo(g2.id()) < 0, "ids sort by time");
        assertEquals(g1.fileCount() + 0, g2.fileCount());
        assertTrue(g2.newBytes() < g2.logicalBytes(), "only the changed marker is new content: " + g2);

        Path out = tmp.resolve("restored");
        assertEquals(List.of(), archive.restore(g1.id(), out, RestoreOptions.DEFAULT, ctx(NOW)));
        BackupVerifier.verify(out, ProgressListener.NONE, Cancellation.never());
        assertEquals(TestTrees.fingerprint(tmp.resolve("backups/b1")), TestTrees.fingerprint(out));
        assertEquals("one", Files.readString(out.resolve("data/marker.txt")));
        Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", "SIGNATURE").directory(out.toFile()).start();
        assertEquals(0, p.waitFor());

        // A reopened archive sees the same history.
        archive.close();
        try (Archive again = provider.open(URI.create("copy:" + dir), Settings.empty(), false)) {
            assertEquals(List.of(g1, g2), again.generations());
        }
    }

    @Test
    @DisplayName("lists generations by backup time, also when an older backup is stored later; ids stay unique")
    void orderByBackupTime() throws IOException {
        Generation newer = store("b2", NOW, "two");
        Generation older = store("b1", NOW.minusSeconds(60), "one");
        Generation sameTime = store("b3", NOW, "three");
        assertEquals(List.of(older, newer, sameTime), archive.generations());
        assertEquals(3, archive.generations().stream().map(Generation::id).distinct().count());
        assertTrue(older.id().compareTo(newer.id()) < 0 && newer.id().compareTo(sameTime.id()) < 0);
    }

    @Test
    @DisplayName("prunes what the retention policy does not keep, newest kept")
    void prune() throws IOException {
        Generation g1 = store("b1", NOW.minus(Duration.ofDays(3)), "1");
        Generation g2 = store("b2", NOW.minus(Duration.ofDays(2)), "2");
        Generation g3 = store("b3", NOW.minus(Duration.ofDays(1)), "3");
        PruneResult r = archive.prune(new RetentionPolicy(1, Duration.ofHours(36), 0, 0, 0), ctx(NOW));
        assertEquals(List.of(g1.id(), g2.id()), r.removed());
        assertEquals(List.of(g3.id()), r.kept());
        assertTrue(r.reclaimedBytes() > 2 * g1.logicalBytes());
        assertEquals(List.of(g3), archive.generations());
        assertFalse(Files.exists(dir.resolve("generations").resolve(g1.id())));
        assertTrue(archive.verify(VerifyLevel.READ_DATA, ctx(NOW)).ok());
    }

    @Test
    @DisplayName("stats count generations, logical, unique and stored bytes")
    void stats() throws IOException {
        Generation g1 = store("b1", NOW.minusSeconds(60), "one");
        Generation g2 = store("b2", NOW, "two");
        ArchiveStats s = archive.stats();
        assertEquals(2, s.generations());
        assertEquals(g1.logicalBytes() + g2.logicalBytes(), s.logicalBytes());
        assertEquals(g1.logicalBytes() + 3, s.uniqueBytes(), "the second adds only its marker's content");
        assertEquals(g1.storedBytes() + g2.storedBytes(), s.storedBytes());
        assertEquals(g1.fileCount() * 2, s.chunks());
    }

    @Nested
    @DisplayName("verify and damage")
    class Damaged {
        @Test
        @DisplayName("READ_DATA finds a flipped byte that STRUCTURE cannot see, naming generation and file")
        void flippedByte() throws IOException {
            store("b1", NOW.minusSeconds(60), "one");
            Generation g2 = store("b2", NOW, "two");
            assertTrue(archive.verify(VerifyLevel.READ_DATA, ctx(NOW)).ok());
            try (RandomAccessFile f = new RandomAccessFile(generationData(g2, "big.bin").toFile(), "rw")) {
                f.seek(1000);
                int b = f.read();
                f.seek(1000);
                f.write(b ^ 0x01);
            }
            assertTrue(archive.verify(VerifyLevel.STRUCTURE, ctx(NOW)).ok(), "same sizes: structure is fine");
            VerifyReport r = archive.verify(VerifyLevel.READ_DATA, ctx(NOW));
            assertEquals(2, r.generationsChecked());
            assertTrue(r.bytesRead() > 2 * 256 * 1024, "bytes read: " + r.bytesRead());
            assertEquals(1, r.damages().size(), r.damages().toString());
            Damage d = r.damages().get(0);
            assertEquals(g2.id(), d.generationId());
            assertEquals("data/big.bin", d.path());
        }

        @Test
        @DisplayName("STRUCTURE finds a truncated, a removed and an added file, and a changed MANIFEST")
        void structure() throws IOException {
            Generation g = store("b1", NOW, "one");
            Files.write(generationData(g, "big.bin"), new byte[3]);
            Files.delete(generationData(g, "a/one.txt"));
            Files.writeString(generationData(g, "added.txt"), "x");
            VerifyReport r = archive.verify(VerifyLevel.STRUCTURE, ctx(NOW));
            assertEquals(List.of("data/a/one.txt", "data/added.txt", "data/big.bin"),
                    r.damages().stream().map(Damage::path).sorted().toList());
            Path manifest = dir.resolve("generations").resolve(g.id()).resolve("backup/MANIFEST");
            Files.writeString(manifest, Files.readString(manifest).replace("node0", "node9"));
            assertTrue(archive.verify(VerifyLevel.STRUCTURE, ctx(NOW)).damages().stream()
                    .anyMatch(d -> "MANIFEST".equals(d.path())));
        }

        @Test
        @DisplayName("restoring a damaged generation is ARCHIVE_CORRUPT and writes nothing; partial restore skips the file")
        void restoreDamaged() throws IOException {
            Generation g = store("b1", NOW, "one");
            Files.writeString(generationData(g, "a/one.txt"), "ONE\n");
            Path out = tmp.resolve("out");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> archive.restore(g.id(), out, RestoreOptions.DEFAULT, ctx(NOW)));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, e.code());
            assertTrue(e.getMessage().contains("data/a/one.txt"), e.getMessage());
            assertFalse(Files.exists(out));
            try (Stream<Path> s = Files.list(tmp)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("restore")), "no temp dir left");
            }
            List<Damage> damages = archive.restore(g.id(), out, new RestoreOptions(true), ctx(NOW));
            assertEquals(List.of("data/a/one.txt"), damages.stream().map(Damage::path).toList());
            assertFalse(Files.exists(out.resolve("data/a/one.txt")));
            assertEquals("one", Files.readString(out.resolve("data/marker.txt")));
        }

        @Test
        @DisplayName("an unreadable GENERATION file is reported, not a crash")
        void badMetadata() throws IOException {
            Generation g = store("b1", NOW, "one");
            Files.writeString(dir.resolve("generations").resolve(g.id()).resolve("GENERATION"), "version=1\n");
            VerifyReport r = archive.verify(VerifyLevel.STRUCTURE, ctx(NOW));
            assertEquals(1, r.damages().size());
            assertEquals(g.id(), r.damages().get(0).generationId());
            assertEquals(List.of(), archive.generations());
        }
    }

    @Test
    @DisplayName("an unfinished store (no GENERATION file) is ignored, then removed by the next store")
    void unfinishedStore() throws IOException {
        Generation g1 = store("b1", NOW.minusSeconds(60), "one");
        Path unfinished = dir.resolve("generations/20261125T165959.000Z/backup/data");
        Files.createDirectories(unfinished);
        Files.writeString(unfinished.resolve("half"), "half");
        assertEquals(List.of(g1), archive.generations());
        assertTrue(archive.verify(VerifyLevel.READ_DATA, ctx(NOW)).ok());
        Generation g2 = store("b2", NOW, "two");
        assertEquals(List.of(g1, g2), archive.generations());
        assertFalse(Files.exists(unfinished));
    }

    @Test
    @DisplayName("a store while another process holds the lock is LOCKED and stores nothing")
    void locked() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(dir.resolve("lock"), "host=" + org.resilient.support.lock.LockHolder.hostName()
                    + "\npid=" + sleeper.pid() + "\nsince=2026-11-25T10:00:00Z\n");
            ResilienceException e = assertThrows(ResilienceException.class, () -> store("b1", NOW, "one"));
            assertEquals(ErrorCode.LOCKED, e.code());
            assertTrue(e.getMessage().contains("pid " + sleeper.pid()), e.getMessage());
            assertEquals(List.of(), archive.generations());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        store("b2", NOW, "two"); // the holder is gone: its lock is taken over
        assertEquals(1, archive.generations().size());
    }

    @Test
    @DisplayName("a cancelled store leaves no generation and no directory behind, and the lock is free again")
    void cancelledStore() throws IOException {
        Path backup = tmp.resolve("backups/b1");
        TestTrees.sample(backup.resolve("data"));
        SealedBackup s = TestTrees.seal(backup, "b1");
        Cancellation c = Cancellation.create();
        OperationContext cancelling = OperationContext.builder(tmp).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .cancellation(c).progress(p -> c.cancel()).build();
        ResilienceException e = assertThrows(ResilienceException.class, () -> archive.store(new StoreRequest(backup,
                s.manifest().backupId(), NOW, "node0", Epoch.INITIAL, s.manifestDigest()), cancelling));
        assertEquals(ErrorCode.CANCELLED, e.code());
        assertEquals(List.of(), archive.generations());
        try (Stream<Path> g = Files.list(dir.resolve("generations"))) {
            assertEquals(0, g.count());
        }
        assertFalse(Files.exists(dir.resolve("lock")));
        store("b2", NOW, "two");
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {
        @Test
        @DisplayName("opening a missing archive without create is NOT_FOUND")
        void missing() {
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> provider.open(URI.create("copy:" + tmp.resolve("nope")), Settings.empty(), false));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
        }

        @Test
        @DisplayName("a location that is a file is IO_ERROR saying so")
        void isAFile() throws IOException {
            Path f = Files.writeString(tmp.resolve("file"), "x");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> provider.open(URI.create("copy:" + f), Settings.empty(), true));
            assertEquals(ErrorCode.IO_ERROR, e.code());
            assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        }

        @Test
        @DisplayName("a non-empty directory that is not an archive is refused")
        void notAnArchive() throws IOException {
            Path d = Files.createDirectories(tmp.resolve("stuff"));
            Files.writeString(d.resolve("precious"), "x");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> provider.open(URI.create("copy:" + d), Settings.empty(), true));
            assertEquals(ErrorCode.IO_ERROR, e.code());
            assertEquals("x", Files.readString(d.resolve("precious")));
        }

        @Test
        @DisplayName("an archive of a newer format version is ARCHIVE_VERSION")
        void newerVersion() throws IOException {
            Files.writeString(dir.resolve("ARCHIVE"), "format=resilient-copy-archive\nversion=2\n");
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> provider.open(URI.create("copy:" + dir), Settings.empty(), false));
            assertEquals(ErrorCode.ARCHIVE_VERSION, e.code());
        }

        @Test
        @DisplayName("a relative or foreign location is CONFIG_INVALID")
        void badLocation() {
            for (String l : List.of("copy:relative/dir", "dir:/x", "copy://host/x")) {
                ResilienceException e = assertThrows(ResilienceException.class,
                        () -> provider.open(URI.create(l), Settings.empty(), true), l);
                assertEquals(ErrorCode.CONFIG_INVALID, e.code(), l);
            }
        }

        @Test
        @DisplayName("restore refuses an unknown generation and a non-empty target")
        void restoreBadInput() throws IOException {
            Generation g = store("b1", NOW, "one");
            assertEquals(ErrorCode.NOT_FOUND, assertThrows(ResilienceException.class, () -> archive.restore(
                    "20990101T000000.000Z", tmp.resolve("o"), RestoreOptions.DEFAULT, ctx(NOW))).code());
            assertEquals(ErrorCode.NOT_FOUND, assertThrows(ResilienceException.class, () -> archive.restore(
                    "../../etc", tmp.resolve("o"), RestoreOptions.DEFAULT, ctx(NOW))).code());
            Path full = Files.createDirectories(tmp.resolve("full"));
            Files.writeString(full.resolve("keep"), "keep");
            assertThrows(ResilienceException.class, () -> archive.restore(g.id(), full, RestoreOptions.DEFAULT, ctx(NOW)));
            assertEquals("keep", Files.readString(full.resolve("keep")));
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            archive.restore(g.id(), empty, RestoreOptions.DEFAULT, ctx(NOW));
            assertEquals("one", Files.readString(empty.resolve("data/marker.txt")));
        }

        @Test
        @DisplayName("a request whose manifest digest does not match is VERIFICATION_FAILED and stores nothing")
        void digestMismatch() throws IOException {
            Path backup = tmp.resolve("backups/b1");
            TestTrees.sample(backup.resolve("data"));
            SealedBackup s = TestTrees.seal(backup, "b1");
            ResilienceException e = assertThrows(ResilienceException.class, () -> archive.store(new StoreRequest(
                    backup, s.manifest().backupId(), NOW, "node0", Epoch.INITIAL, "0".repeat(64)), ctx(NOW)));
            assertEquals(ErrorCode.VERIFICATION_FAILED, e.code());
            assertEquals(List.of(), archive.generations());
            try (Stream<Path> g = Files.list(dir.resolve("generations"))) {
                assertEquals(0, g.count());
            }
        }
    }
}
