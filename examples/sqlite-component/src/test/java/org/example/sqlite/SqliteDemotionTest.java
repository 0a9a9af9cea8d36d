package org.example.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.Settings;
import org.resilient.api.spi.Importer;

/**
 * Demotion fences a live database against the clients still connected to it (the kit's own demotion tests come
 * with ImporterContract; this one holds a client connection open across the demotion).
 */
@DisplayName("Demoting a sqlite leader")
class SqliteDemotionTest {
    @TempDir
    Path dir;

    private Importer importer(Path db) {
        return new SqliteComponentProvider().importer(Settings.empty().with("sqlite.database", db.toString()));
    }

    private RoleChangeContext context(long epoch) {
        return RoleChangeContext.builder().directory(dir).epoch(new Epoch(epoch)).loggerName("test").build();
    }

    @Test
    @DisplayName("makes a client's next write fail, keeps the data, is idempotent, and promotion undoes it for new connections")
    void fencesConnectedClients() throws SQLException {
        Path db = dir.resolve("live.db");
        SqliteFixture.sql(db, "CREATE TABLE t (v INTEGER)", "INSERT INTO t VALUES (1)");
        String before = SqliteFixture.fingerprint(db);
        try (Connection client = SqliteFixture.connect(db); Statement s = client.createStatement()) {
            s.execute("INSERT INTO t VALUES (2)"); // the client is connected and has written before
            String written = SqliteFixture.fingerprint(db);
            try (Importer i = importer(db)) {
                i.demote(context(2));
                i.demote(context(2));
            }
            SQLException refused = assertThrows(SQLException.class, () -> s.execute("INSERT INTO t VALUES (3)"),
                    "a client connected before the demotion can still write");
            assertTrue(refused.getMessage().contains("readonly"), refused::getMessage);
            assertEquals(written, SqliteFixture.fingerprint(db), "the demotion changed the data");
            assertFalse(SqliteFixture.writable(db));
            try (Importer i = importer(db)) {
                i.promote(context(3));
            }
            // SQLite remembers "read-only" for the life of a connection: clients reconnect after a promotion.
            assertThrows(SQLException.class, () -> s.execute("INSERT INTO t VALUES (4)"));
        }
        assertTrue(SqliteFixture.writable(db), "a new connection cannot write after the promotion");
        SqliteFixture.sql(db, "INSERT INTO t VALUES (5)");
        assertFalse(before.equals(SqliteFixture.fingerprint(db)));
    }
}
