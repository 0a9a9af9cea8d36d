package org.resilient.postgres;

import java.util.ArrayList;
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
 * Drops the replaced copies of a standby's databases ({@code <db>__resilient_old}) in the background: the import
 * queues them once its swap has committed (it is done then, and nobody needs what it replaced) and returns
 * without waiting for them.
 *
 * <p>Why in the background: PostgreSQL 15's {@code DROP DATABASE} always requests an immediate checkpoint (and
 * waits for it: {@code dropdb} in {@code dbcommands.c}, so that the checkpointer forgets the dropped files' fsync
 * requests), and it cannot run in a transaction block, so drops can neither be batched nor made cheaper. The
 * first drop after a restore writes out everything the restore left dirty; later ones cost a checkpoint record
 * each. Done inline this cost seconds per import (about 10 s for 50 databases); here the import does not wait
 * for it (the checkpoint's writes still share the disk with whatever runs next).
 *
 * <p>Drops run one at a time per server on a daemon thread, each with its own session. A process that dies
 * before they end leaves {@code __resilient_old} databases beside their live ones: the next import hands them to
 * this class again ({@link StandbySwap#repair}), and before its own swap (which needs those names) it waits for
 * the drops of the names it will use ({@link #awaitDropped}), dropping there what is still left.
 */
final class ReplacedCopies {
    /** Called on the dropping thread before each drop: lets a test hold the clean-up to see it run late. */
    static volatile Runnable beforeDrop = () -> { };
    private static final Map<String, ThreadPoolExecutor> DROPPERS = new ConcurrentHashMap<>();
    /** The drops not yet finished, by server and database name. */
    private static final Map<String, Future<?>> PENDING = new ConcurrentHashMap<>();

    private ReplacedCopies() {
    }

    /**
     * Drops databases of a server in the background (one after another); a drop that fails is logged, and the
     * next import drops the database then.
     *
     * @param settings the server and credentials
     * @param tools where the client tools are
     * @param loggerName where to log
     * @param names the databases to drop
     */
    static void dropLater(PostgresSettings settings, PgTools tools, String loggerName, List<String> names) {
        ThreadPoolExecutor dropper = DROPPERS.computeIfAbsent(settings.where(), w -> {
            // no idle thread is kept: it ends 10 s after its last drop, and it never keeps the JVM alive
            return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "postgres-drop-replaced-" + w);
                t.setDaemon(true);
                return t;
            });
        });
        for (String name : names) {
            String key = settings.where() + "/" + name;
            // a name whose drop is pending already (a leftover the next import found while it ran) is not queued twice
            PENDING.computeIfAbsent(key, k -> dropper.submit(() -> {
                try {
                    beforeDrop.run();
                    drop(settings, tools, loggerName, name);
                } finally {
                    PENDING.remove(key);
                }
            }));
        }
    }

    /**
     * Waits until the background drops of the given databases (if any) have ended, so that their names can be
     * used again; checks the cancellation while it waits.
     *
     * @param settings the server
     * @param names the databases
     * @param cancellation the import's cancellation
     */
    static void awaitDropped(PostgresSettings settings, List<String> names, Cancellation cancellation) {
        for (String name : names) {
            Future<?> f = PENDING.get(settings.where() + "/" + name);
            while (f != null && !f.isDone()) {
                cancellation.throwIfCancelled("waiting for the drop of '" + name + "' on " + settings.where());
                try {
                    f.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // still running, or failed (logged by the task): the caller looks at what exists
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while waiting for the drop of '"
                            + name + "' on " + settings.where());
                }
            }
        }
    }

    /**
     * The databases of a server whose background drop has not ended (for tests and messages).
     *
     * @param settings the server
     * @return their names
     */
    static List<String> pending(PostgresSettings settings) {
        List<String> names = new ArrayList<>();
        String prefix = settings.where() + "/";
        PENDING.forEach((k, f) -> {
            if (k.startsWith(prefix) && !f.isDone()) {
                names.add(k.substring(prefix.length()));
            }
        });
        return names;
    }

    private static void drop(PostgresSettings settings, PgTools tools, String loggerName, String name) {
        Logger log = LoggerFactory.getLogger(loggerName);
        long start = System.nanoTime();
        try (PgSession pg = new PgSession(settings, tools, Cancellation.never(), loggerName)) {
            pg.execute(settings.maintenanceDatabase(), "DROP DATABASE IF EXISTS " + PgSession.ident(name) + " WITH (FORCE)");
            log.info("dropped the replaced copy '{}' on {} in {} ms (after the import)", name, settings.where(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.warn("could not drop the replaced copy '{}' on {} (the next import will): {}", name, settings.where(),
                    e.getMessage());
        }
    }
}
