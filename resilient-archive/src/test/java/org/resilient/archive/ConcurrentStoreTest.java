package org.resilient.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Two stores into one archive at once, many times: each either stores or is refused with {@code LOCKED}
 * ("locked by ..."), never an I/O error because the winner, cleaning the temporary files of interrupted
 * writes, removed the loser's attempt at the lock (issue 16, item 4).
 */
@DisplayName("Concurrent stores: the loser is always LOCKED")
class ConcurrentStoreTest {
    private static final int ROUNDS = 40;

    @TempDir
    Path tmp;

    @Test
    @DisplayName("two stores started together: every one stores or gets LOCKED, never IO_ERROR")
    void racingStores() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("data"));
        Files.write(src.resolve("data/t.dat"), TestTrees.dumpText(1, 200));
        Path repo = tmp.resolve("repo");
        TestTrees.open(repo).close();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int stored = 0;
        int locked = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<String>> outcomes = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String id = "b" + round + "-" + t;
                    outcomes.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        try (DirArchive a = TestTrees.open(repo)) {
                            a.store(TestTrees.request(src, id, Instant.now()), TestTrees.ctx(tmp));
                            return "stored";
                        } catch (ResilienceException e) {
                            return e.code() + ": " + e.getMessage();
                        }
                    }));
                }
                for (Future<String> f : outcomes) {
                    String o = f.get(60, TimeUnit.SECONDS);
                    if (o.equals("stored")) {
                        stored++;
                    } else {
                        assertTrue(o.startsWith(ErrorCode.LOCKED + ": the archive " + repo + " is locked by pid "),
                                "round " + round + ": " + o);
                        locked++;
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2 * ROUNDS, stored + locked);
        assertEquals(stored, TestTrees.open(repo).generations().size());
    }
}
