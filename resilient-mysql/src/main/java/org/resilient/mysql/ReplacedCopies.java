package org.resilient.mysql;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * again. Before its own swap, which needs those names, an import waits for the pending drops of them
 * ({@link #awaitDropped}); the load before it overlaps them.
 */
final class ReplacedCopies {
    private static final Logger LOG = LoggerFactory.getLogger(ReplacedCopies.class);
    /** One dropping thread per server: drops of one server run one after another. */
    private static final Map<String, ThreadPoolExecutor> DROPPERS = new ConcurrentHashMap<>();
    /** The drops not yet ended, by server and database name. */
    private static final Map<String, Future<?>> PENDING = new ConcurrentHashMap<>();

    private ReplacedCopies() {
    }

    /**
     * Drops databases of the settings' server in the background; a drop that fails is logged and left to the next
     * import.
     *
     * @param settings the server and credentials
     * @param names the databases to drop
     */
    static void dropLater(MysqlSettings settings, List<String> names) {
        ThreadPoolExecutor dropper = DROPPERS.computeIfAbsent(settings.where(), w ->
                // no idle thread is kept, and it never keeps the JVM alive
                new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "mysql-drop-replaced-" + w);
                    t.setDaemon(true);
                    return t;
                }));
        for (String name : names) {
            String key = settings.where() + "/" + name;
            PENDING.computeIfAbsent(key, k -> dropper.submit(() -> {
                try {
                    drop(settings, name);
                } finally {
                    PENDING.remove(key);
                }
            }));
        }
    }

    /**
     * Waits until the background drops of these databases (if any) have ended, checking the cancellation.
     *
     * @param settings the server
     * @param names the databases
     * @param cancellation the import's cancellation
     */
    static void awaitDropped(MysqlSettings settings, List<String> names, Cancellation cancellation) {
        for (String name : names) {
            Future<?> f = PENDING.get(settings.where() + "/" + name);
            while (f != null && !f.isDone()) {
                cancellation.throwIfCancelled("waiting for the drop of " + name + " on " + settings.where());
                try {
                    f.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // still running, or failed (logged by the task): the swap drops what is left itself
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while waiting for the drop of "
                            + name + " on " + settings.where());
                }
            }
        }
    }

    /**
     * Whether a database's drop is still pending (for tests).
     *
     * @param settings the server
     * @param name the database
     * @return true while it has not ended
     */
    static boolean pending(MysqlSettings settings, String name) {
        Future<?> f = PENDING.get(settings.where() + "/" + name);
        return f != null && !f.isDone();
    }

    private static void drop(MysqlSettings settings, String name) {
        long start = System.nanoTime();
        try (MysqlConnection c = MysqlConnection.open(settings)) {
            c.execute("DROP DATABASE IF EXISTS " + DatabaseNames.q(name));
            LOG.info("dropped {} on {} in {} ms, after the import", name, settings.where(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("could not drop {} on {} (the next import will): {}", name, settings.where(), e.getMessage());
        }
    }
}
