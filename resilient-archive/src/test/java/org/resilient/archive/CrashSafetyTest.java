package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Generation;
import org.resilient.api.RestoreOptions;
import org.resilient.api.VerifyLevel;
import org.resilient.api.VerifyReport;

@DisplayName("A store killed with kill -9 at any moment leaves the archive valid and is resumed by the next one")
class CrashSafetyTest {
    @TempDir
    Path tmp;

    private static long count(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)
                    && !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private Process startStore(Path repo, Path src) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), StoreProcess.class.getName(), repo.toString(), src.toString(),
                "archive.pack-size=131072", "archive.compression=12", "archive.threads=1")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    @Test
    @DisplayName("killed after 1, 3, 8, 15 and 30 packs, and as it starts: verify passes, the old generation restores,"
            + " the next store succeeds reusing the packs written")
    void killAtManyPoints() throws Exception {
        Path repo = tmp.resolve("repo");
        Path src1 = TestTrees.tree(tmp, "src1", 1);
        Path src2 = TestTrees.bigTree(tmp, "src2", 2);
        Generation g1;
        try (DirArchive a = TestTrees.open(repo)) {
            g1 = TestTrees.store(a, src1, "b1", TestTrees.november(1));
        }
        long basePacks = count(repo.resolve("packs"), ".pack");
        List<String> killedAt = new ArrayList<>();
        int[] packTargets = {0, 1, 3, 8, 15, 30};
        for (int target : packTargets) {
            Process p = startStore(repo, src2);
            long wanted = basePacks + target;
            IntPredicate reached = n -> n >= wanted;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (p.isAlive() && System.nanoTime() < deadline
                    && !reached.test((int) count(repo.resolve("packs"), ".pack"))) {
                Thread.onSpinWait();
            }
            if (p.isAlive()) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
                killedAt.add("packs+" + (count(repo.resolve("packs"), ".pack") - basePacks));
            }
            p.waitFor();
            basePacks = count(repo.resolve("packs"), ".pack");
            try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false)) {
                VerifyReport r = a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp));
                assertTrue(r.ok(), "after kill at " + killedAt + ": " + r.damages());
                assertTrue(a.generations().stream().anyMatch(g -> g.id().equals(g1.id())));
                Path out = tmp.resolve("restore-" + target);
                a.restore(g1.id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
                TestTrees.assertSameTree(src1, out);
            }
        }
        assertTrue(killedAt.size() >= 4, "the child must be killed mid-store at least 4 times: " + killedAt
                + " (child log: " + Files.readString(tmp.resolve("child.log")) + ")");
        try (DirArchive a = DirArchive.open(repo, ArchiveSettings.from(TestTrees.smallSettings()), false)) {
            long before = a.generations().size();
            Generation g = TestTrees.store(a, src2, "b2", Instant.now());
            assertEquals(before + 1, a.generations().size());
            assertTrue(g.newBytes() < g.logicalBytes() / 2, "the killed stores' packs are reused: " + g
                    + " killed at " + killedAt);
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            a.restore(g.id(), tmp.resolve("final"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src2, tmp.resolve("final"));
        }
    }
}
