package org.resilient.mysql;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running dump from a connection of its own and stops it, saying what it waits for, when one of the
 * dump's sessions has been waiting for a lock or a table flush longer than {@code mysql.stall-timeout}: mydumper takes
 * a global read lock to start its consistent snapshot, and {@code FLUSH TABLES WITH READ LOCK} waits, silently and
 * without end, behind any statement that keeps a table open (a long query, an idle transaction holding a table lock).
 * The error names the sessions in the way (id, user, host, command, time, statement) so the operator can end them.
 * The waiting statement is ended too ({@code KILL QUERY}): it may be the exporter's own global read lock.
 */
final class DumpWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DumpWatchdog.class);
    private static final Duration EVERY = Duration.ofSeconds(2);

    private final MysqlSettings settings;
    private final Duration stall;
    private final Cancellation outer;
    private final Cancellation dump = Cancellation.create();
    private final ScheduledExecutorService timer;
    private final java.nio.file.Path output;
    private final java.util.Set<String> ignored = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private MysqlConnection connection;
    private volatile String stalled;
    private volatile boolean waitedOnItself;
    private long outputSize = -1;
    private long outputSince = System.nanoTime();

    private DumpWatchdog(MysqlSettings settings, Duration stall, Cancellation outer, java.nio.file.Path output) {
        this.output = output;
        this.settings = settings;
        this.stall = stall;
        this.outer = outer;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mysql-dump-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching.
     *
     * @param settings the server's settings
     * @param stall how long a dump session may wait for a lock
     * @param outer the export's own cancellation, passed on to the dump
     * @param output the directory the dump writes into, watched for growth
     * @return the watchdog; run the dump with {@link #cancellation()}
     */
    // The future is not kept: check() catches its own failures (a failure would otherwise end the checks silently)
    // and close() ends the timer.
    @SuppressWarnings("FutureReturnValueIgnored")
    static DumpWatchdog start(MysqlSettings settings, Duration stall, Cancellation outer, java.nio.file.Path output) {
        DumpWatchdog w = new DumpWatchdog(settings, stall, outer, output);
        w.timer.scheduleWithFixedDelay(w::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    /**
     * A session of the exporter's own that idles on purpose (the connection holding the global read lock).
     *
     * @param connection the session
     */
    void ignore(MysqlConnection connection) {
        ignored.add(connection.column("SELECT CONNECTION_ID()").get(0));
    }

    /** @return the cancellation to run the dump with: the export's, or the watchdog's when the dump stalls */
    Cancellation cancellation() {
        return dump;
    }

    /**
     * Turns the failure of a dump this watchdog stopped into an error saying what it waited for.
     *
     * @param e the dump's failure
     * @return the error to throw
     */
    ResilienceException explain(ResilienceException e) {
        String why = stalled;
        if (why == null || outer.isCancelled()) {
            return e;
        }
        return new ResilienceException(ErrorCode.TIMEOUT, why, e);
    }

    private void check() {
        if (outer.isCancelled()) {
            dump.cancel();
            return;
        }
        try {
            if (connection == null) {
                connection = MysqlConnection.open(settings);
            }
            // The dump's sessions run as this account; a session of it waiting longer than allowed for a lock or a
            // flush is the dump's (this connection is excluded).
            List<List<String>> waiting = connection.query("SELECT ID, TIME, STATE, LEFT(IFNULL(INFO, ''), 200) FROM"
                    + " information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"
                    + " AND (STATE LIKE 'Waiting for%lock%' OR STATE LIKE 'Waiting for table flush%')"
                    + " AND TIME >= " + stall.toSeconds() + " ORDER BY TIME DESC LIMIT 1");
            if (stalled != null) {
                return;
            }
            if (waiting.isEmpty()) {
                checkIdle();
                return;
            }
            List<String> w = waiting.get(0);
            List<List<String>> blockers = connection.query("SELECT ID, USER, HOST, COMMAND, TIME, IFNULL(STATE, ''),"
                    + " LEFT(IFNULL(INFO, ''), 200) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
                    + " AND ID <> " + Long.parseLong(w.get(0)) + " AND COMMAND NOT IN ('Daemon', 'Binlog Dump')"
                    + " AND (TIME >= " + stall.toSeconds() + " OR ID IN (SELECT trx_mysql_thread_id FROM"
                    + " information_schema.INNODB_TRX)) ORDER BY TIME DESC LIMIT 10");
            StringBuilder s = new StringBuilder("the dump of " + settings.where() + " made no progress for " + w.get(1)
                    + " s: its session " + w.get(0) + " is '" + w.get(2) + "' (" + w.get(3) + "), so mydumper was stopped."
                    + " Sessions that may hold it up (end them, e.g. KILL <id>, or let them finish, then export again):");
            for (List<String> b : blockers) {
                s.append("\n  session ").append(b.get(0)).append(" user ").append(b.get(1)).append('@').append(b.get(2))
                        .append(", ").append(b.get(3)).append(" for ").append(b.get(4)).append(" s");
                if (!b.get(5).isEmpty()) {
                    s.append(", ").append(b.get(5));
                }
                if (!b.get(6).isEmpty()) {
                    s.append(": ").append(b.get(6));
                }
            }
            if (blockers.isEmpty()) {
                s.append("\n  (none found in the process list: another account may hold a lock; see SHOW PROCESSLIST)");
            }
            stalled = s.toString();
            LOG.error("{}", stalled);
            dump.cancel();
            // The waiting statement may be this exporter's own global read lock, which no process kill ends.
            connection.execute("KILL QUERY " + Long.parseLong(w.get(0)));
        } catch (RuntimeException e) {
            LOG.debug("the dump watchdog could not look at {}: {}", settings.where(), e.getMessage());
        }
    }

    /**
     * mydumper 0.10 can also stop inside itself: every one of its sessions idles on the server and no dump file
     * grows (seen after its consistent snapshot started, with non-InnoDB tables). Nothing will change then.
     */
    private void checkIdle() {
        long size = size(output);
        if (size != outputSize) {
            outputSize = size;
            outputSince = System.nanoTime();
            return;
        }
        long quiet = (System.nanoTime() - outputSince) / 1_000_000_000L;
        if (quiet < stall.toSeconds()) {
            return;
        }
        List<List<String>> sessions = connection.query("SELECT ID, COMMAND, TIME FROM information_schema.PROCESSLIST"
                + " WHERE ID <> CONNECTION_ID() AND USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)");
        sessions.removeIf(row -> ignored.contains(row.get(0)));
        boolean idle = sessions.stream().allMatch(row -> "Sleep".equals(row.get(1))
                && Long.parseLong(row.get(2)) >= stall.toSeconds());
        if (!idle) {
            return;
        }
        stalled = "the dump of " + settings.where() + " made no progress for " + quiet + " s: no dump file grew and "
                + (sessions.isEmpty() ? "mydumper has no session on the server"
                        : "all " + sessions.size() + " of mydumper's sessions on the server are idle")
                + ", so mydumper waits on itself (mydumper 0.10 can hang so after starting its snapshot) and was"
                + " stopped. Export again; it is retried by itself (export.retries)";
        waitedOnItself = true;
        LOG.error("{}", stalled);
        dump.cancel();
    }

    /** @return whether the dump was stopped because mydumper waited on itself (no session of it doing anything) */
    boolean waitedOnItself() {
        return waitedOnItself;
    }

    private static long size(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum() + 1;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            connection.close();
        }
    }
}
