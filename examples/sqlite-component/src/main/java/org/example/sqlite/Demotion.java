package org.example.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * Fences a live database: waits for its writers with an exclusive lock, then marks its header read-only, so that
 * every client's next transaction gets "attempt to write a readonly database". The database is left in
 * rollback-journal mode (a WAL database is switched back, which needs its other connections closed). SQLite
 * remembers "read-only" for the life of a connection: after a later promotion, clients reconnect to write again.
 */
final class Demotion {
    private Demotion() {
    }

    static void fence(Path database, Duration busyTimeout, String what) throws IOException {
        try (Connection c = Sqlite.open(database, busyTimeout, false); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode=DELETE")) {
                String mode = r.next() ? r.getString(1) : "?";
                if (!"delete".equalsIgnoreCase(mode)) {
                    throw new ResilienceException(ErrorCode.WRONG_STATE, what + ": the database stays in " + mode
                            + " mode while other connections have it open; stop its clients, then demote again");
                }
            }
            s.execute("BEGIN EXCLUSIVE"); // waits up to sqlite.busy-timeout for running writers
            // The channel is closed only after the lock is released: closing a file drops the process's POSIX locks.
            FileChannel ch = FileChannel.open(database, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                SqliteHeader.setReadOnly(ch, true);
            } finally {
                s.execute("ROLLBACK");
                ch.close();
            }
        } catch (SQLException e) {
            throw new ResilienceException(ErrorCode.LOCKED, what + ": " + e.getMessage()
                    + "; a client holds the database longer than sqlite.busy-timeout", e);
        }
    }
}
