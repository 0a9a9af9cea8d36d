package org.resilient.support.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * Two takers racing for one lock, many times over. The winner does what the archive does once it holds its
 * lock: it removes every other file it finds in the lock's directory (the archive removes {@code .tmp-*} files
 * left by interrupted writes; this removes even more). The loser must get {@code LOCKED} every time, never an
 * I/O error because its temporary file was removed under it (issue 16, item 4).
 */
@DisplayName("LockFile: concurrent takers")
class LockRaceTest {
    private static final int ROUNDS = 300;

    @TempDir
    Path tmp;

    @Test
    @DisplayName("of two takers racing, one wins and the other gets LOCKED, every time")
    void racingTakers() throws Exception {
        Path lock = tmp.resolve("lock");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                CountDownLatch attempted = new CountDownLatch(2);
                List<Future<String>> outcomes = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    outcomes.add(pool.submit(() -> take(lock, start, attempted)));
                }
                int won = 0;
                for (Future<String> f : outcomes) {
                    String outcome = f.get(30, TimeUnit.SECONDS);
                    if (outcome.equals("won")) {
                        won++;
                    } else {
                        assertTrue(outcome.startsWith("LOCKED: archive x is locked by pid "),
                                "round " + round + ": " + outcome);
                    }
                }
                assertEquals(1, won, "round " + round + ": exactly one taker holds the lock");
                assertFalse(Files.exists(lock), "round " + round + ": released");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String take(Path lock, CyclicBarrier start, CountDownLatch attempted) throws Exception {
        start.await(30, TimeUnit.SECONDS);
        try (LockFile held = LockFile.acquire(lock, "archive x", "store", Clock.systemUTC(), w -> { })) {
            removeOthers(lock);
            attempted.countDown();
            // Hold the lock until the other taker has tried, so that it always meets a held lock.
            assertTrue(attempted.await(30, TimeUnit.SECONDS), "the other taker never finished its attempt");
            return "won";
        } catch (ResilienceException e) {
            attempted.countDown();
            return e.code() == ErrorCode.LOCKED ? "LOCKED: " + e.getMessage() : e.code() + ": " + e.getMessage();
        }
    }

    /** What a cleaner holding the lock does: removes every other file beside it. */
    private static void removeOthers(Path lock) {
        try (var files = Files.list(lock.getParent())) {
            for (Path p : files.toList()) {
                if (!p.equals(lock)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
