package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.resilient.api.Damage;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.RestoreOptions;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;
import org.resilient.archive.pack.PackEntries;
import org.resilient.archive.pack.PackReader;

@DisplayName("A store never references a chunk found damaged, and repair heals what a source still has")
class DamagedDedupTest {
    @TempDir
    Path tmp;

    private List<Path> packs(Path repo) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve("packs"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
        }
    }

    /** Flips one byte in the middle of a chunk of every pack (or of the first): each then holds one damaged chunk. */
    private void damagePacks(Path repo, boolean all) throws IOException {
        List<Path> packs = packs(repo);
        for (Path pack : all ? packs : packs.subList(0, 1)) {
            PackEntries entries = PackReader.readTrailer(pack);
            int c = entries.count() / 2;
            long at = entries.offsets()[c] + entries.storedLengths()[c] / 2;
            try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x40);
            }
        }
    }

    @ParameterizedTest(name = "found by {0}")
    @DisplayName("damage found by a read, then a store of the same data: the new generation is whole, the old healed")
    @ValueSource(strings = {"verify", "restore"})
    void storeAfterDamage(String foundBy) throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g1 = TestTrees.store(a, src, "b1", TestTrees.november(1));
            // A verify reads every chunk; a refused restore stops at the first damaged file.
            damagePacks(repo, foundBy.equals("verify"));
            switch (foundBy) {
                case "verify" -> assertFalse(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
                default -> assertEquals(ErrorCode.ARCHIVE_CORRUPT, assertThrows(ResilienceException.class,
                        () -> a.restore(g1.id(), tmp.resolve("r"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp)))
                        .code());
            }
            VerifyReport known = a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp));
            assertFalse(known.ok(), "the damage found is known without reading again");
            Generation g2 = TestTrees.store(a, src, "b2", TestTrees.november(2));
            assertTrue(g2.newBytes() > 0, "the damaged chunks were written again: " + g2);
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertTrue(r.ok(), "no generation uses damaged bytes: " + r.damages());
            for (Generation g : List.of(g1, g2)) {
                Path out = tmp.resolve("out-" + g.id());
                assertTrue(a.restore(g.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp)).isEmpty());
                TestTrees.assertSameTree(src, out);
            }
        }
    }

    @Test
    @DisplayName("repair heals from a directory that has the data without storing a generation; without it, it marks")
    void repair() throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        Path unrelated = TestTrees.tree(tmp, "unrelated", 7);
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g1 = TestTrees.store(a, src, "b1", TestTrees.november(1));
            damagePacks(repo, true);
            VerifyReport missing = a.repair(TestTrees.request(unrelated, "b9", Instant.now()), TestTrees.ctx(tmp));
            assertFalse(missing.ok());
            assertTrue(missing.damages().stream().map(Damage::generationId).allMatch(g1.id()::equals),
                    missing.damages().toString());
            Path marker = repo.resolve("generations/" + g1.id() + ".unhealed");
            assertTrue(Files.readString(marker).contains(g1.id()), "the generation is marked unhealed");
            assertEquals(List.of(g1), a.generations());

            VerifyReport healed = a.repair(TestTrees.request(src, "b1", Instant.now()), TestTrees.ctx(tmp));
            assertTrue(healed.ok(), healed.damages().toString());
            assertFalse(Files.exists(marker), "healed: the mark is gone");
            assertEquals(List.of(g1), a.generations(), "a repair stores no generation");
            VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
            assertTrue(r.ok(), r.damages().toString());
            Path out = tmp.resolve("out");
            a.restore(g1.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src, out);
        }
    }
}
