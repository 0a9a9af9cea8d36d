package org.resilient.mysql;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops what a committed swap replaced ({@code <db>__rold}, and the emptied {@code <db>__rtmp}) on a daemon thread
 * after the import has returned: with thousands of tables that drop deletes thousands of files (seconds), and
 * nobody needs the replaced tables once the swap's journal is gone.
 *
 * <p>A process that dies before the drops end leaves a {@code __rold} without a journal beside an empty
 * {@code __rtmp}: {@link SwapJournal#recover} recognises that as a finished swap, and the next import hands it here
 * again. Before its own swap, which needs those names, an import waits for the server's pending drops
 * ({@link #awaitDropped}); the load before it overlaps them.
 */
final class ReplacedCopies {
    private static final Logger LOG = LoggerFactory.getLogger(ReplacedCopies.class);
    /**
     * By server, the last queued drop: each import's drops run after the previous import's, on a daemon thread of
     * their own (never keeping the JVM alive).
     */
    private static final Map<String, CompletableFuture<Void>> LAST = new ConcurrentHashMap<>();

    private ReplacedCopies() {
    }

    /**
     * Drops databases of the settings' server in the background, after the drops queued before; a drop that fails
     * is logged and left to the next import.
     *
     * @param settings the server and credentials
     * @param names the databases to drop
     */
    static void dropLater(MysqlSettings settings, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        Executor daemon = task -> {
            Thread t = new Thread(task, "mysql-drop-replaced-" + settings.where());
            t.setDaemon(true);
            t.start();
        };
        LAST.compute(settings.where(), (where, before) -> (before == null ? CompletableFuture.<Void>completedFuture(null)
                : before).thenRunAsync(() -> drop(settings, names), daemon));
    }

    /**
     * Waits until the background drops queued for the settings' server (if any) have ended, checking the
     * cancellation.
     *
     * @param settings the server
     * @param cancellation the import's cancellation
     */
    static void awaitDropped(MysqlSettings settings, Cancellation cancellation) {
        CompletableFuture<Void> last = LAST.get(settings.where());
        while (last != null && !last.isDone()) {
            cancellation.throwIfCancelled("waiting for the drop of the tables an earlier import replaced on "
                    + settings.where());
            try {
                last.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still running, or failed (logged by the task): the swap drops what is left itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while waiting for the drop of the"
                        + " tables an earlier import replaced on " + settings.where());
            }
        }
    }

    private static void drop(MysqlSettings settings, List<String> names) {
        long start = System.nanoTime();
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            for (String name : names) {
                c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(name));
            }
            LOG.info("dropped {} on {} in {} ms, after the import", names, settings.where(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("could not drop {} on {} (the next import will): {}", names, settings.where(), e.getMessage());
        }
    }
}
