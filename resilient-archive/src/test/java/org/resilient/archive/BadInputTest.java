package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackReader;
import org.resilient.support.lock.LockHolder;

@DisplayName("Bad input gets a clear error, loses nothing intact, and verify names the damage")
class BadInputTest extends TwoGenerations {
    private DirArchive archive() {
        return DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false);
    }

    private Path sourceOf(String generationId) {
        return generationId.equals(g1.id()) ? src1 : src2;
    }

    /** The damage tied to a file of a generation. */
    private static Damage fileDamage(VerifyReport r) {
        return r.damages().stream().filter(d -> d.generationId() != null && d.path() != null && d.offset() >= 0)
                .findFirst().orElseThrow(() -> new AssertionError("no file damage in " + r.damages()));
    }

    /** Restore of the damaged generation is refused naming the file; --partial restores every other file. */
    private void assertRestoreRefusedThenPartial(DirArchive a, Damage d) throws IOException {
        ResilienceException e = assertThrows(ResilienceException.class, () -> a.restore(d.generationId(),
                tmp.resolve("refused"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
        assertEquals(ErrorCode.ARCHIVE_CORRUPT, e.code());
        assertTrue(e.getMessage().contains(d.path()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("refused")), "a refused restore leaves nothing");
        Path partial = tmp.resolve("partial");
        List<Damage> met = a.restore(d.generationId(), partial, new RestoreOptions(true), TestTrees.ctx(tmp));
        assertTrue(met.stream().anyMatch(x -> x.path().equals(d.path())), met.toString());
        assertFalse(Files.exists(partial.resolve(d.path())), "the damaged file is skipped");
        Path source = sourceOf(d.generationId());
        try (Stream<Path> s = Files.walk(source)) {
            for (Path f : s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                String rel = source.relativize(f).toString();
                if (met.stream().noneMatch(x -> x.path().equals(rel))) {
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(partial.resolve(rel)), rel);
                }
            }
        }
    }

    @Test
    @DisplayName("a flipped byte in a pack: read-data verify names generation, file, offset and pack; restore refuses")
    void flippedByte() throws IOException {
        Path pack = packs().get(0);
        PackEntries entries = PackReader.readTrailer(pack);
        long at = entries.offsets()[0] + entries.storedLengths()[0] / 2;
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        try (DirArchive a = archive()) {
            assertTrue(a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp)).ok(), "structure does not read data");
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertFalse(r.ok());
            Damage d = fileDamage(r);
            assertEquals("packs/" + pack.getFileName(), d.location());
            assertTrue(d.description().contains("SHA-256") || d.description().contains("decompress"), d.toString());
            assertRestoreRefusedThenPartial(a, d);
        }
    }

    @Test
    @DisplayName("a truncated pack: structure verify names it and the files using it; restore refuses")
    void truncatedPack() throws IOException {
        Path pack = packs().get(0);
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        try (DirArchive a = archive()) {
            VerifyReport r = a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp));
            assertTrue(r.damages().stream().anyMatch(d -> d.path() == null
                    && ("packs/" + pack.getFileName()).equals(d.location()) && d.description().contains("size")),
                    r.damages().toString());
            assertRestoreRefusedThenPartial(a, fileDamage(r));
        }
    }

    @Test
    @DisplayName("a missing pack: verify names it and the files using it; the other generation still restores")
    void missingPack() throws IOException {
        Path pack = packs().get(0);
        Files.delete(pack);
        try (DirArchive a = archive()) {
            VerifyReport r = a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp));
            assertTrue(r.damages().stream().anyMatch(d -> d.description().contains("missing")), r.damages().toString());
            Damage d = fileDamage(r);
            assertRestoreRefusedThenPartial(a, d);
            // A new store heals: chunks of the missing pack are written again.
            Path src = d.generationId().equals(g1.id()) ? src1 : src2;
            TestTrees.store(a, src, "again", TestTrees.november(3));
            Generation last = a.generations().get(a.generations().size() - 1);
            a.restore(last.id(), tmp.resolve("healed"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src, tmp.resolve("healed"));
        }
    }

    @Test
    @DisplayName("a deleted index: rebuilt from the packs' trailers, nothing lost")
    void deletedIndex() throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("index"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(repo.resolve("index"));
        try (DirArchive a = archive()) {
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            a.restore(g1.id(), tmp.resolve("o1"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src1, tmp.resolve("o1"));
            Generation g3 = TestTrees.store(a, src2, "b3", Instant.now());
            assertTrue(g3.newBytes() == 0, "everything deduplicated against the rebuilt index: " + g3);
            try (Stream<Path> s = Files.list(repo.resolve("index"))) {
                assertEquals(1, s.count(), "the next store indexes the packs again");
            }
        }
    }

    @Test
    @DisplayName("a generation file with garbage: not listed, verify names it, other generations intact, prune refused")
    void garbageGeneration() throws IOException {
        Files.write(repo.resolve("generations").resolve(g1.id() + ".gen"),
                "this is not a generation at all, just garbage bytes".getBytes(StandardCharsets.UTF_8));
        try (DirArchive a = archive()) {
            assertEquals(List.of(g2.id()), a.generations().stream().map(Generation::id).toList());
            VerifyReport r = a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp));
            assertTrue(r.damages().stream().anyMatch(d -> g1.id().equals(d.generationId())
                    && d.location().contains(g1.id())), r.damages().toString());
            ResilienceException e = assertThrows(ResilienceException.class, () -> a.restore(g1.id(),
                    tmp.resolve("o1"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, e.code());
            a.restore(g2.id(), tmp.resolve("o2"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src2, tmp.resolve("o2"));
            ResilienceException p = assertThrows(ResilienceException.class,
                    () -> a.prune(new RetentionPolicy(1, java.time.Duration.ZERO, 0, 0, 0), TestTrees.ctx(tmp)));
            assertEquals(ErrorCode.ARCHIVE_CORRUPT, p.code());
            assertTrue(p.getMessage().contains(g1.id()), p.getMessage());
        }
    }

    @Test
    @DisplayName("a damaged newest generation only loses its guidance: the next store cuts afresh and succeeds")
    void damagedParent() throws IOException {
        Path gen = repo.resolve("generations").resolve(g2.id() + ".gen");
        byte[] b = Files.readAllBytes(gen);
        b[b.length / 3] ^= 0x40; // inside the compressed tree: the metadata still reads, the checksum fails
        Files.write(gen, b);
        try (DirArchive a = archive()) {
            assertTrue(a.generations().stream().anyMatch(g -> g.id().equals(g2.id())), "still listed");
            Generation g3 = TestTrees.store(a, src2, "b3", TestTrees.november(3));
            a.restore(g3.id(), tmp.resolve("o3"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src2, tmp.resolve("o3"));
            assertEquals(0, g3.newBytes(), "the content was already stored: " + g3);
        }
    }

    @Test
    @DisplayName("an archive of a newer format version is refused with ARCHIVE_VERSION")
    void newerFormat() throws IOException {
        Path config = repo.resolve("config");
        Files.writeString(config, Files.readString(config).replace("format=1", "format=99"));
        ResilienceException e = assertThrows(ResilienceException.class, this::archive);
        assertEquals(ErrorCode.ARCHIVE_VERSION, e.code());
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        Files.writeString(config, Files.readString(config).replace("format=99", "format=1"));
        Path gen = repo.resolve("generations").resolve(g2.id() + ".gen");
        byte[] b = Files.readAllBytes(gen);
        b[5] = 99;
        Files.write(gen, b);
        try (DirArchive a = archive()) {
            ResilienceException ge = assertThrows(ResilienceException.class, a::generations);
            assertEquals(ErrorCode.ARCHIVE_VERSION, ge.code());
        }
    }

    @Test
    @DisplayName("a lock held by a live process: LOCKED naming host, pid and start; once it dies the lock is taken over")
    void liveLock() throws Exception {
        Process holder = new ProcessBuilder("sleep", "120").start();
        try {
            String start = Instant.now().toString();
            Files.writeString(repo.resolve("lock"), "host=" + LockHolder.hostName() + "\npid=" + holder.pid()
                    + "\nstart=" + start + "\noperation=store\ntoken=x\n");
            try (DirArchive a = archive()) {
                ResilienceException e = assertThrows(ResilienceException.class,
                        () -> TestTrees.store(a, src1, "b9", Instant.now()));
                assertEquals(ErrorCode.LOCKED, e.code());
                assertTrue(e.getMessage().contains("pid " + holder.pid()), e.getMessage());
                assertTrue(e.getMessage().contains(LockHolder.hostName()), e.getMessage());
                assertTrue(e.getMessage().contains(start), e.getMessage());
                holder.destroyForcibly().waitFor();
                Generation g = TestTrees.store(a, src1, "b9", Instant.now());
                assertEquals(0, g.newBytes());
                assertFalse(Files.exists(repo.resolve("lock")), "released after the store");
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    @DisplayName("a repo path that is a file is refused with IO_ERROR")
    void repoIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> DirArchive.open(file, ArchiveSettings.from(TestTrees.smallSettings()), true));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        assertEquals("x", Files.readString(file));
        Path notArchive = Files.createDirectory(tmp.resolve("other"));
        Files.writeString(notArchive.resolve("keep"), "y");
        ResilienceException e2 = assertThrows(ResilienceException.class,
                () -> DirArchive.open(notArchive, ArchiveSettings.from(TestTrees.smallSettings()), true));
        assertEquals(ErrorCode.IO_ERROR, e2.code());
    }
}
