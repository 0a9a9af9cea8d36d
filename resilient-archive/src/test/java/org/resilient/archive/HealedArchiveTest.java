package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Generation;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;

@DisplayName("Verify reports the archive's real state once a missing pack is put back")
class HealedArchiveTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @DisplayName("pack moved away, then, while it is away:")
    @ValueSource(strings = {"verify", "restore", "store", "prune", "store+prune"})
    void putBack(String whileAway) throws Exception {
        Path src1 = TestTrees.tree(tmp, "src1", 1);
        Path src2 = TestTrees.tree(tmp, "src2", 2);
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g1 = TestTrees.store(a, src1, "b1", TestTrees.november(1));
            Path pack = TestTrees.firstPack(repo);
            Path away = Files.move(pack, tmp.resolve("away.pack"));
            for (VerifyLevel level : VerifyLevel.values()) {
                assertFalse(a.verify(level, TestTrees.ctx(tmp)).ok(), "a missing pack is damage");
            }
            for (String step : whileAway.split("\\+", -1)) {
                switch (step) {
                    case "restore" -> a.restore(g1.id(), tmp.resolve("partial"), new RestoreOptions(true),
                            TestTrees.ctx(tmp));
                    case "store" -> TestTrees.store(a, src2, "b2", TestTrees.november(2));
                    case "prune" -> a.prune(new RetentionPolicy(5, java.time.Duration.ZERO, 0, 0, 0),
                            TestTrees.ctx(tmp));
                    default -> a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
                }
            }
            Files.move(away, pack);
            for (VerifyLevel level : VerifyLevel.values()) {
                VerifyReport r = a.verify(level, TestTrees.ctx(tmp));
                assertTrue(r.ok(), level + " after putting the pack back: " + r.damages());
            }
            Path out = tmp.resolve("out");
            a.restore(g1.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src1, out);
            List<Generation> gens = a.generations();
            assertTrue(gens.stream().anyMatch(g -> g.id().equals(g1.id())));
        }
    }

    @Test
    @DisplayName("a pack found damaged by a read, then put back whole from a copy: every level reports it whole")
    void damagedPackPutBack() throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            Generation g1 = TestTrees.store(a, src, "b1", TestTrees.november(1));
            Path pack = TestTrees.firstPack(repo);
            byte[] whole = Files.readAllBytes(pack);
            byte[] flipped = whole.clone();
            flipped[org.resilient.archive.pack.PackFormat.HEADER + 40] ^= 0x40;
            Files.write(pack, flipped);
            assertFalse(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            assertFalse(a.verify(VerifyLevel.STRUCTURE, TestTrees.ctx(tmp)).ok(), "the damage found is remembered");
            Files.write(pack, whole);
            // A restore first (it must not refuse the chunk on the old record), then every level of verify.
            a.restore(g1.id(), tmp.resolve("out"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src, tmp.resolve("out"));
            for (VerifyLevel level : List.of(VerifyLevel.STRUCTURE, VerifyLevel.READ_DATA)) {
                VerifyReport r = a.verify(level, TestTrees.ctx(tmp));
                assertTrue(r.ok(), level + " after putting the pack back: " + r.damages());
            }
        }
    }
}
