package org.example.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.sqlite.SQLiteConfig;

/** Opening connections, and stopping a running statement when its operation is cancelled. */
final class Sqlite {
    /** The name of the one file in an export's data directory. */
    static final String DUMP_FILE = "database.sqlite";

    private Sqlite() {
    }

    /**
     * Opens a connection.
     *
     * @param database the file
     * @param busyTimeout how long to wait for other connections' locks
     * @param readOnly whether to open it read-only
     * @return the connection
     * @throws SQLException if SQLite cannot open it
     */
    static Connection open(Path database, Duration busyTimeout, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        return config.createConnection("jdbc:sqlite:" + database);
    }

    /**
     * A string literal for SQL: single quotes doubled.
     *
     * @param path a file name
     * @return {@code 'the/path'}
     */
    static String literal(Path path) {
        return "'" + path.toString().replace("'", "''") + "'";
    }

    /**
     * The failure of a statement: {@code CANCELLED} if the operation was cancelled (the watcher interrupted it),
     * else {@code code} with what failed and SQLite's reason.
     *
     * @param e SQLite's exception
     * @param cancellation the operation's signal
     * @param code the code of a real failure
     * @param what what failed and what to do
     * @return the exception to throw
     */
    static ResilienceException failure(SQLException e, Cancellation cancellation, ErrorCode code, String what) {
        if (cancellation.isCancelled()) {
            return new ResilienceException(ErrorCode.CANCELLED, what + ": cancelled", e);
        }
        return new ResilienceException(code, what + ": " + e.getMessage(), e);
    }

    /**
     * Interrupts a statement (SQLite's {@code sqlite3_interrupt}) once its operation is cancelled, so that a long
     * {@code VACUUM INTO} or {@code integrity_check} stops within about {@link #POLL} instead of running to the end.
     */
    static final class Interrupter implements AutoCloseable {
        /** How often the signal is looked at: the bound on how late a cancellation is noticed. */
        static final Duration POLL = Duration.ofMillis(20);
        private final Thread watcher;

        Interrupter(Cancellation cancellation, Statement statement) {
            // Cancellation has no callbacks: a small daemon thread looks at it while the statement runs.
            watcher = new Thread(() -> {
                try {
                    while (!cancellation.isCancelled()) {
                        Thread.sleep(POLL.toMillis());
                    }
                    statement.cancel();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the statement finished: close() stops the watcher
                } catch (SQLException ignored) {
                    // The statement is already closed: nothing left to stop.
                }
            }, "sqlite-cancellation-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        @Override
        public void close() {
            watcher.interrupt();
            try {
                watcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
