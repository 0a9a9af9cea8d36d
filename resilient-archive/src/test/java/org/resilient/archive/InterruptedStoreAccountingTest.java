package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;

@DisplayName("A generation's new bytes are the same whether or not a store of it was interrupted before")
class InterruptedStoreAccountingTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("after a store interrupted half way, the next store of the same data reports all its new bytes")
    void newBytesAfterInterruptedStore() throws Exception {
        Path src1 = TestTrees.tree(tmp, "src1", 1);
        Path src2 = TestTrees.bigTree(tmp, "src2", 2);
        long expected;
        long half;
        try (DirArchive a = TestTrees.open(tmp.resolve("reference"))) {
            TestTrees.store(a, src1, "b1", TestTrees.november(1));
            Generation reference = TestTrees.store(a, src2, "b2", TestTrees.november(2));
            expected = reference.newBytes();
            half = reference.logicalBytes() / 2; // a store streams its walk: its progress has no total
        }
        Path repo = tmp.resolve("repo");
        try (DirArchive a = TestTrees.open(repo)) {
            TestTrees.store(a, src1, "b1", TestTrees.november(1));
            long packsBefore = count(repo.resolve("packs"));
            // Interrupted once more than half the bytes are written: the packs finished so far stay, in no index.
            Cancellation c = Cancellation.create();
            OperationContext halfWay = OperationContext.builder(src2).cancellation(c).progress(p -> {
                if (p.done() > half) {
                    c.cancel();
                }
            }).build();
            ResilienceException e = assertThrows(ResilienceException.class,
                    () -> a.store(TestTrees.request(src2, "b2", Instant.parse("2026-11-02T00:00:00Z")), halfWay));
            assertEquals(ErrorCode.CANCELLED, e.code(), e.getMessage());
            assertTrue(count(repo.resolve("packs")) > packsBefore + 2, "the interrupted store left packs");
            assertEquals(1, a.generations().size());
            Generation g = TestTrees.store(a, src2, "b2", TestTrees.november(2));
            assertEquals(expected, g.newBytes(), "new bytes of " + g);
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pack")).count();
        }
    }
}
