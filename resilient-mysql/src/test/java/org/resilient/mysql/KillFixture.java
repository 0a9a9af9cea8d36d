package org.resilient.mysql;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.testservers.MariaDbServer;

/**
 * The database {@code killed} of the kill tests: an old and a new version that differ in every kind of object
 * (tables, rows, views, triggers, routines and events, created under several sql_modes), and what a server holding
 * it looks like, so that a standby can be compared with exactly the old or exactly the new backup.
 */
final class KillFixture {
    static final List<String> DBS = List.of("killed");

    private KillFixture() {
    }

    /** Makes the old version of the database on a server. */
    static void createOld(MariaDbServer server) {
        TestDb.exec(server, "DROP DATABASE IF EXISTS killed", "CREATE DATABASE killed", "USE killed",
                "CREATE TABLE k (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE gone (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO gone VALUES (7)",
                "INSERT INTO k VALUES (1, 'a'), (2, 'b')",
                "CREATE VIEW kv AS SELECT id FROM k",
                "CREATE TRIGGER k_bi BEFORE INSERT ON k FOR EACH ROW SET NEW.v = UPPER(NEW.v)",
                "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
                "CREATE FUNCTION kf(a VARCHAR(9)) RETURNS VARCHAR(20) DETERMINISTIC RETURN a || '?'",
                "SET SESSION sql_mode = 'ANSI_QUOTES'",
                "CREATE PROCEDURE \"kp\"() SELECT COUNT(*) FROM \"k\"",
                "SET SESSION sql_mode = DEFAULT",
                "CREATE EVENT ke ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM k WHERE id < 0");
    }

    /** Changes the old version into the new one. */
    static void changeToNew(MariaDbServer server) {
        TestDb.exec(server, "USE killed", "INSERT INTO k VALUES (3, 'c')", "UPDATE k SET v = 'z' WHERE id = 1", "DROP TABLE gone",
                "CREATE TABLE added (id INT PRIMARY KEY, n INT) ENGINE=InnoDB", "INSERT INTO added VALUES (1, 10)",
                "DROP TRIGGER k_bi", "CREATE TRIGGER added_bi BEFORE INSERT ON added FOR EACH ROW SET NEW.n = NEW.n * 2",
                "DROP FUNCTION kf", "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
                "CREATE FUNCTION kf(a VARCHAR(9)) RETURNS VARCHAR(20) DETERMINISTIC RETURN a || '!'",
                "SET SESSION sql_mode = DEFAULT", "CREATE OR REPLACE VIEW kv AS SELECT id, v FROM k",
                "CREATE VIEW av AS SELECT n FROM added", "DROP EVENT ke",
                "CREATE EVENT ke2 ON SCHEDULE EVERY 2 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM added WHERE id < 0");
    }

    /**
     * What a server holds of the database: tables, row checksums, views, routines, triggers, events, and the
     * sql_mode and character sets of each routine, trigger and event (SHOW CREATE does not show them all).
     */
    static Map<String, String> state(MariaDbServer server) {
        Map<String, String> out = new TreeMap<>(TestDb.fingerprint(server, DBS, false));
        for (String q : List.of(
                "SELECT CONCAT('mode routine ', ROUTINE_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT,"
                        + " COLLATION_CONNECTION) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'killed'",
                "SELECT CONCAT('mode trigger ', TRIGGER_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT,"
                        + " COLLATION_CONNECTION) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'killed'",
                "SELECT CONCAT('mode event ', EVENT_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT,"
                        + " COLLATION_CONNECTION) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'killed'")) {
            for (List<String> r : TestDb.query(server, q)) {
                out.put(r.get(0), r.get(1));
            }
        }
        return out;
    }

    /** The temporary databases of the component left on a server ({@code killed__rtmp}, {@code killed__rold}). */
    static String leftovers(MariaDbServer server) {
        return TestDb.query(server, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME LIKE 'killed\\_\\_%'").toString();
    }
}
