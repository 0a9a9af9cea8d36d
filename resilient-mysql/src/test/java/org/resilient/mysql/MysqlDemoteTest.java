package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.spi.Importer;
import org.resilient.testservers.MariaDbServer;

/**
 * Demotion of a leader's live server on a real MariaDB 10.11: an ordinary account with every privilege on its
 * database cannot write however it tries, its open session is ended with its uncommitted write, the events stop,
 * and promotion gives everything back.
 */
class MysqlDemoteTest {
    @RegisterExtension
    static MariaDbServer source = MariaDbServer.shared("source");

    private static final String DB = "fence_app";
    private static final String USER = "fenceapp";
    private static final String PASSWORD = "fence-app-pw";
    /** The ways an ordinary client writes, or tries to get around a read-only setting. */
    private static final Map<String, String[]> WRITES = Map.of(
            "INSERT", new String[] {"INSERT INTO " + DB + ".t VALUES (10)"},
            "START TRANSACTION READ WRITE; INSERT", new String[] {"START TRANSACTION READ WRITE",
                "INSERT INTO " + DB + ".t VALUES (11)", "COMMIT"},
            "SET SESSION tx_read_only = 0; INSERT", new String[] {"SET SESSION tx_read_only = 0",
                "INSERT INTO " + DB + ".t VALUES (12)"},
            "CREATE TABLE", new String[] {"CREATE TABLE " + DB + ".t2 (i INT)"});

    private final MysqlComponentProvider provider = new MysqlComponentProvider();

    @Test
    @DisplayName("an ordinary account cannot write after demote, its open session ends, and it writes after promote")
    void ordinaryAccountFencedAndReleased(@TempDir Path tmp) throws SQLException {
        source.execute("DROP DATABASE IF EXISTS " + DB + "; CREATE DATABASE " + DB + "; CREATE TABLE " + DB
                + ".t (i INT) ENGINE=InnoDB; INSERT INTO " + DB + ".t VALUES (1), (2);"
                + "CREATE EVENT " + DB + ".tick ON SCHEDULE EVERY 1 HOUR DO INSERT INTO " + DB + ".t VALUES (0);"
                + "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';"
                + "GRANT ALL PRIVILEGES ON " + DB + ".* TO '" + USER + "'@'127.0.0.1';");
        try {
            WRITES.forEach((what, sql) -> assertTrue(canWrite(sql), what + " refused before demote"));
            source.execute("DROP TABLE " + DB + ".t2; DELETE FROM " + DB + ".t WHERE i >= 10;");

            try (Connection open = connect(); Statement st = open.createStatement()) {
                st.execute("START TRANSACTION");
                st.execute("INSERT INTO " + DB + ".t VALUES (3)");
                demote(tmp);
                assertThrows(SQLException.class, () -> st.execute("COMMIT"), "the session open at demote time committed");
            }
            assertEquals("2", source.queryValue("SELECT COUNT(*) FROM " + DB + ".t"),
                    "the write of the ended session must not be committed, and the data must stay");
            assertEquals("1", source.queryValue("SELECT @@GLOBAL.read_only"));
            assertEquals("SLAVESIDE_DISABLED", source.queryValue("SELECT STATUS FROM information_schema.EVENTS "
                    + "WHERE EVENT_SCHEMA = '" + DB + "'"), "the event still runs on the demoted leader");
            WRITES.forEach((what, sql) -> assertFalse(canWrite(sql), what + " accepted after demote"));
            demote(tmp); // idempotent
            WRITES.forEach((what, sql) -> assertFalse(canWrite(sql), what + " accepted after a second demote"));
            assertEquals("2", source.queryValue("SELECT COUNT(*) FROM " + DB + ".t"));
        } finally {
            // the server is shared with other test classes: it must be writable again whatever happened
            promote(tmp);
        }
        assertEquals("0", source.queryValue("SELECT @@GLOBAL.read_only"));
        assertEquals("ENABLED", source.queryValue("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"
                + DB + "'"), "promote did not enable the event again");
        WRITES.forEach((what, sql) -> assertTrue(canWrite(sql), what + " refused after promote"));
        source.execute("DROP DATABASE " + DB + "; DROP USER '" + USER + "'@'127.0.0.1';");
    }

    private void demote(Path tmp) {
        try (Importer importer = provider.importer(TestDb.settings(source, DB))) {
            importer.demote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(2)).build());
        }
    }

    private void promote(Path tmp) {
        try (Importer importer = provider.importer(TestDb.settings(source, DB))) {
            importer.promote(RoleChangeContext.builder().directory(tmp).epoch(new Epoch(3)).build());
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(source.jdbcUrl(DB), USER, PASSWORD);
    }

    /** Whether the statements run; false when the server refuses them as read-only. */
    private static boolean canWrite(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1290 || e.getMessage().contains("read-only")) { // ER_OPTION_PREVENTS_STATEMENT
                return false;
            }
            throw new IllegalStateException("unexpected failure writing as " + USER + ": " + e.getMessage(), e);
        }
    }
}
