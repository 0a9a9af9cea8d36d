package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ArchiveStats;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.PruneResult;
import org.resilient.api.RestoreOptions;
import org.resilient.api.RetentionPolicy;
import org.resilient.api.VerifyLevel;
import org.resilient.archive.chunking.FastCdc;
import org.resilient.archive.index.ChunkIndex;

@DisplayName("Deduplication and prune")
class DedupAndPruneTest {
    @TempDir
    Path tmp;

    /** Rewrites a dump file with a few rows changed in place and some rows appended. */
    private static void editDump(Path file, long seed, int changes, int appended) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < changes; i++) {
            int at = r.nextInt(lines.size());
            lines.set(at, lines.get(at) + "\tupdated-" + seed);
        }
        for (int i = 0; i < appended; i++) {
            lines.add("appended row " + seed + " " + i);
        }
        Files.write(file, lines);
    }

    @Test
    @DisplayName("an unchanged backup adds nothing; a few scattered changes add only a few chunks")
    void dedup() throws Exception {
        Path src = TestTrees.tree(tmp, "src", 1);
        try (DirArchive a = TestTrees.open(tmp.resolve("repo"))) {
            Generation g1 = TestTrees.store(a, src, "b1", Instant.now());
            Generation same = TestTrees.store(a, src, "b2", Instant.now());
            assertEquals(0, same.newBytes());
            assertTrue(same.storedBytes() < g1.storedBytes() / 20, "only metadata: " + same);
            editDump(src.resolve("data/tables/t1.dat"), 7, 5, 50);
            Generation edited = TestTrees.store(a, src, "b3", Instant.now());
            // 6 edit sites, each costing at most ~2 chunks of up to 32 KiB with these settings
            assertTrue(edited.newBytes() > 0 && edited.newBytes() < 6 * 2 * 32768, "few new bytes: " + edited);
            ArchiveStats st = a.stats();
            assertEquals(3, st.generations());
            assertTrue(st.uniqueBytes() < g1.logicalBytes() + 6 * 2 * 32768);
            assertTrue(st.reduction() > 2.5, "three copies stored about once, compressed: " + st);
            a.restore(edited.id(), tmp.resolve("out"), RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
            TestTrees.assertSameTree(src, tmp.resolve("out"));
        }
    }

    @Test
    @DisplayName("an insertion shifts bytes but content-defined boundaries re-synchronise")
    void boundariesResync() {
        FastCdc cdc = new FastCdc(2048, 8192, 32768, 42);
        byte[] data = TestTrees.random(5, 1 << 20);
        byte[] shifted = new byte[data.length + 7];
        System.arraycopy(data, 0, shifted, 0, 1000);
        System.arraycopy(data, 1000, shifted, 1007, data.length - 1000);
        List<Integer> a = cuts(cdc, data, 0);
        List<Integer> b = cuts(cdc, shifted, 7);
        long common = a.stream().filter(b::contains).count();
        assertTrue(common >= a.size() - 2, "all but the first boundaries are found again: " + common + "/" + a.size());
        double avg = (double) data.length / a.size();
        assertTrue(avg > 4096 && avg < 16384, "average chunk size near 8 KiB: " + avg);
    }

    private static List<Integer> cuts(FastCdc cdc, byte[] d, int shift) {
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        while (pos < d.length) {
            pos += cdc.cut(d, pos, d.length - pos);
            out.add(pos - shift);
        }
        return out;
    }

    @Test
    @DisplayName("the chunk index costs under 100 bytes per chunk")
    void indexMemory() {
        ChunkIndex idx = new ChunkIndex();
        SplittableRandom r = new SplittableRandom(1);
        byte[] h = new byte[32];
        double worst = 0;
        for (int i = 1; i <= 300_000; i++) {
            r.nextBytes(h);
            idx.put(h, i % 1000, i * 10L, 100, 200, true);
            if (i % 1000 == 0) {
                worst = Math.max(worst, (double) idx.heapBytes() / i);
            }
        }
        assertEquals(300_000, idx.size());
        assertTrue(worst < 100, "bytes per chunk: " + worst);
        r = new SplittableRandom(1);
        for (int i = 1; i <= 300_000; i++) {
            r.nextBytes(h);
            int slot = idx.find(h);
            assertTrue(slot >= 0);
            assertEquals(i * 10L, idx.offset(slot));
            assertEquals(i % 1000, idx.pack(slot));
        }
        r.nextBytes(h);
        assertEquals(-1, idx.find(h));
    }

    @Test
    @DisplayName("retention keeps the right generations and prune reclaims the space of the others")
    void pruneReclaims() throws Exception {
        Path repo = tmp.resolve("repo");
        List<Generation> gens = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        Instant t0 = Instant.parse("2026-10-01T12:00:00Z");
        try (DirArchive a = TestTrees.open(repo)) {
            for (int i = 0; i < 6; i++) {
                Path src = tmp.resolve("src" + i);
                TestTrees.makeTree(src, 10 + i); // each generation mostly new data
                sources.add(src);
                gens.add(a.store(TestTrees.request(src, "b" + i, t0.plus(Duration.ofDays(i))), TestTrees.ctx(src)));
            }
            long before = a.stats().storedBytes();
            Instant now = t0.plus(Duration.ofDays(6));
            OperationContext ctx = OperationContext.builder(tmp).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
            // keep the newest 2 and anything within 3.5 days: generations 3, 4, 5
            PruneResult r = a.prune(new RetentionPolicy(2, Duration.ofHours(84), 0, 0, 0), ctx);
            assertEquals(List.of(gens.get(0).id(), gens.get(1).id(), gens.get(2).id()), r.removed());
            assertEquals(List.of(gens.get(3).id(), gens.get(4).id(), gens.get(5).id()), r.kept());
            long after = a.stats().storedBytes();
            assertTrue(r.reclaimedBytes() > 0);
            assertTrue(after < before * 0.65, "half the data is gone: " + before + " -> " + after);
            long off = Math.abs(before - after - r.reclaimedBytes());
            assertTrue(off <= 64 * 1024, "reported reclaim matches the disk within 64 KiB: off by " + off);
            assertTrue(a.verify(VerifyLevel.READ_DATA, TestTrees.ctx(tmp)).ok());
            for (int i = 3; i < 6; i++) {
                Path out = tmp.resolve("out" + i);
                a.restore(gens.get(i).id(), out, RestoreOptions.DEFAULT, TestTrees.ctx(tmp));
                TestTrees.assertSameTree(sources.get(i), out);
            }
            // a second prune with the same policy finds nothing to do and rewrites nothing
            try (Stream<Path> s = Files.list(repo.resolve("packs"))) {
                List<Path> packsBefore = s.sorted().toList();
                PruneResult again = a.prune(new RetentionPolicy(2, Duration.ofHours(84), 0, 0, 0), ctx);
                assertTrue(again.removed().isEmpty());
                try (Stream<Path> s2 = Files.list(repo.resolve("packs"))) {
                    assertEquals(packsBefore, s2.sorted().toList());
                }
            }
        }
    }
}
