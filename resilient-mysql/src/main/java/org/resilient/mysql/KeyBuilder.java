package org.resilient.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ErrorCode;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds deferred keys ({@code ALTER TABLE ... ADD KEY}, see {@link DeferredKeys}) on a connection and thread
 * of its own, one table after the other in the order given, while the importer goes on loading the other
 * tables: a key build is one thread's sort, so the load keeps the other cores busy meanwhile.
 */
final class KeyBuilder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyBuilder.class);

    private final MysqlSettings settings;
    private final OperationContext context;
    private final ExecutorService executor;
    private final List<Future<?>> builds = new ArrayList<>();
    private volatile MysqlConnection connection;
    private volatile String connectionId;
    private volatile boolean aborted;
    private int submitted;

    KeyBuilder(MysqlSettings settings, OperationContext context) {
        this.settings = settings;
        this.context = context;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mysql-key-builder");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues a key build; it starts once the builds queued before it are done.
     *
     * @param alter the {@code ALTER TABLE} statement
     */
    void submit(String alter) {
        int number = submitted++;
        builds.add(executor.submit(() -> {
            if (aborted) {
                return;
            }
            context.cancellation().throwIfCancelled("mysql import");
            context.progress().progress("keys", number, -1, "tables");
            long started = System.nanoTime();
            connection().execute(alter);
            LOG.debug("built deferred keys in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
                    MysqlConnection.abbreviate(alter));
        }));
    }

    /** @return the number of key builds queued */
    int count() {
        return submitted;
    }

    /**
     * Waits until every queued build is done.
     *
     * @throws ResilienceException the first build's failure
     */
    void awaitAll() {
        for (Future<?> f : builds) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ResilienceException(ErrorCode.CANCELLED, "mysql import interrupted while building keys");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new ResilienceException(ErrorCode.INTERNAL, "building deferred keys failed: " + cause, cause);
            }
        }
    }

    /**
     * Stops after a failure elsewhere: skips the queued builds, interrupts the running one (through another
     * connection) and waits for the thread to end, so the temporary database can be dropped.
     *
     * @param other a connection to the same server
     */
    void abort(MysqlConnection other) {
        aborted = true;
        String id = connectionId;
        if (id != null && builds.stream().anyMatch(f -> !f.isDone())) {
            try {
                other.execute("KILL QUERY " + id);
            } catch (ResilienceException e) {
                LOG.debug("could not interrupt the key build: {}", e.getMessage());
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.MINUTES)) {
                LOG.warn("a deferred key build on {} did not stop", settings.where());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MysqlConnection connection() {
        if (connection == null) {
            MysqlConnection c = MysqlConnection.open(settings);
            connectionId = c.column("SELECT CONNECTION_ID()").get(0);
            connection = c;
        }
        return connection;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        MysqlConnection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
