package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.testservers.MariaDbServer;

/**
 * Routines, triggers, events and views reach the standby exactly, or the standby keeps what it had: each object
 * under the {@code sql_mode} it was created with, a failed object undoes the whole import, cross-database
 * foreign keys point where the leader's do, and a promoted standby exports what it imported.
 */
class MysqlObjectsTest extends TwoServerTest {
    private static int round;

    private static Path export(Settings s) throws IOException {
        return export("objects-" + (++round), s);
    }

    private static Map<String, String> modes(MariaDbServer server, String db) {
        Map<String, String> out = new java.util.TreeMap<>();
        String lit = "'" + db + "'";
        for (String q : List.of(
                "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION)"
                        + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + lit,
                "SELECT CONCAT('TRIGGER ', TRIGGER_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION)"
                        + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + lit,
                "SELECT CONCAT('EVENT ', EVENT_NAME), CONCAT_WS('|', SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION)"
                        + " FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + lit)) {
            for (List<String> r : TestDb.query(server, q)) {
                out.put(r.get(0), r.get(1));
            }
        }
        return out;
    }

    @Test
    @DisplayName("each routine, trigger and event is recreated under its own sql_mode and character sets")
    void objectsKeepTheirModes() throws IOException {
        TestDb.exec(source, "CREATE DATABASE modes", "USE modes",
                "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 'one')",
                "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
                "CREATE FUNCTION cat2(a VARCHAR(20), b VARCHAR(20)) RETURNS VARCHAR(40) DETERMINISTIC RETURN a || b",
                "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.name = NEW.name || '!'",
                "SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES'",
                "CREATE PROCEDURE \"quoted\"() SELECT \"name\" FROM \"t\" WHERE \"id\" = 1",
                "CREATE FUNCTION \"ansi_count\"() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(\"id\") FROM \"t\")",
                "CREATE EVENT \"ev\" ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM \"t\" WHERE \"id\" < 0",
                "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'",
                "CREATE FUNCTION bs() RETURNS VARCHAR(10) DETERMINISTIC RETURN 'a\\b'",
                "SET NAMES latin1",
                "CREATE FUNCTION cmp() RETURNS INT DETERMINISTIC RETURN 'a' = 'A'",
                "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
                "SET SESSION sql_mode = ''",
                "CREATE FUNCTION cmp_bin() RETURNS INT DETERMINISTIC RETURN 'a' = 'A'");
        importInto(export(TestDb.settings(source, "modes")), "modes");

        List<String> dbs = List.of("modes");
        TestDb.assertSameContent(TestDb.fingerprint(source, dbs, false), TestDb.fingerprint(standby, dbs, false));
        assertEquals(modes(source, "modes"), modes(standby, "modes"));
        assertTrue(modes(standby, "modes").get("FUNCTION cat2").startsWith("PIPES_AS_CONCAT|"), modes(standby, "modes").toString());
        for (String call : List.of("SELECT modes.cat2('ab', 'cd')", "SELECT modes.ansi_count()", "SELECT modes.bs()",
                "SELECT LENGTH(modes.bs())", "SELECT modes.cmp()", "SELECT modes.cmp_bin()")) {
            assertEquals(TestDb.value(source, call), TestDb.value(standby, call), call);
        }
        assertEquals("abcd", TestDb.value(standby, "SELECT modes.cat2('ab', 'cd')"));
        // the trigger computes as on the leader (root writes although the standby is read-only)
        for (MariaDbServer s : List.of(source, standby)) {
            TestDb.exec(s, "INSERT INTO modes.t VALUES (2, 'two')");
        }
        assertEquals("two!", TestDb.value(standby, "SELECT name FROM modes.t WHERE id = 2"));
    }

    @Test
    @DisplayName("an object that cannot be created undoes the import: tables, views, triggers, routines, events as before")
    void failedObjectLeavesStandbyAsItWas() throws IOException {
        TestDb.exec(source, "CREATE DATABASE keep", "USE keep",
                "CREATE TABLE k (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM",
                "INSERT INTO k VALUES (1, 'a'), (2, 'b')",
                "CREATE VIEW kv AS SELECT id FROM k",
                "CREATE VIEW kvv AS SELECT id FROM kv",
                "CREATE TRIGGER k_bi BEFORE INSERT ON k FOR EACH ROW SET NEW.v = UPPER(NEW.v)",
                "CREATE PROCEDURE p() SELECT 1",
                "SET SESSION sql_mode = 'ANSI_QUOTES'",
                "CREATE FUNCTION \"f\"() RETURNS INT RETURN 1",
                "SET SESSION sql_mode = DEFAULT",
                "CREATE EVENT e ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM k WHERE id < 0");
        importInto(export(TestDb.settings(source, "keep")), "keep");
        List<String> dbs = List.of("keep");
        Map<String, String> before = TestDb.fingerprint(standby, dbs, true);
        Map<String, String> modesBefore = modes(standby, "keep");
        assertEquals(List.of("keep.e SLAVESIDE_DISABLED"), TestDb.query(standby, "SELECT CONCAT(EVENT_SCHEMA, '.', EVENT_NAME, ' ',"
                + " STATUS) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'keep'").stream().map(r -> r.get(0)).toList());

        // The leader changes everything, and gets a view on a database the standby does not have.
        TestDb.exec(source, "CREATE DATABASE elsewhere", "CREATE TABLE elsewhere.x (id INT) ENGINE=InnoDB", "USE keep",
                "INSERT INTO k VALUES (3, 'c')", "DROP TABLE m", "CREATE TABLE n (id INT) ENGINE=InnoDB",
                "DROP PROCEDURE p", "CREATE PROCEDURE p2() SELECT 2", "DROP TRIGGER k_bi", "DROP EVENT e",
                "CREATE OR REPLACE VIEW kv AS SELECT id, v FROM k",
                "CREATE VIEW zz_broken AS SELECT id FROM elsewhere.x");
        Path dump = export(TestDb.settings(source, "keep"));
        ResilienceException e = assertThrows(ResilienceException.class, () -> importInto(dump, "keep"));
        assertTrue(e.getMessage().contains("zz_broken") && e.getMessage().contains("previous data"), e.getMessage());

        TestDb.assertSameContent(before, TestDb.fingerprint(standby, dbs, true));
        assertEquals(modesBefore, modes(standby, "keep"));
        assertEquals("[]", TestDb.query(standby, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME LIKE 'keep\\_\\_%'").toString(), "nothing left behind");
        assertEquals("1", TestDb.value(standby, "SELECT @@GLOBAL.read_only"));
        TestDb.exec(standby, "INSERT INTO keep.k VALUES (9, 'x')");
        assertEquals("X", TestDb.value(standby, "SELECT v FROM keep.k WHERE id = 9"), "the standby's trigger is back");
    }

    @Test
    @DisplayName("a foreign key into another database points where the leader's does, after every import")
    void crossDatabaseForeignKeys() throws IOException {
        TestDb.exec(source, "CREATE DATABASE fa", "CREATE DATABASE fb",
                "CREATE TABLE fa.parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE fb.child (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_parent FOREIGN KEY (pid)"
                        + " REFERENCES fa.parent (id) ON DELETE CASCADE) ENGINE=InnoDB",
                "INSERT INTO fa.parent VALUES (1), (2)", "INSERT INTO fb.child VALUES (10, 1), (20, 2)");
        List<String> dbs = List.of("fa", "fb");
        for (int i = 0; i < 2; i++) {
            importInto(export(TestDb.settings(source, "fa,fb")), "fa,fb");
            TestDb.assertSameContent(TestDb.fingerprint(source, dbs, false), TestDb.fingerprint(standby, dbs, false));
            assertEquals("[[fa, parent]]", TestDb.query(standby, "SELECT UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME"
                    + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'fb'").toString(),
                    "import " + (i + 1));
        }
        // and it acts as on the leader: deleting a parent deletes its children
        for (MariaDbServer s : List.of(source, standby)) {
            TestDb.exec(s, "DELETE FROM fa.parent WHERE id = 1");
        }
        assertEquals(TestDb.query(source, "SELECT id FROM fb.child ORDER BY id"),
                TestDb.query(standby, "SELECT id FROM fb.child ORDER BY id"));
        assertEquals("[[20]]", TestDb.query(standby, "SELECT id FROM fb.child ORDER BY id").toString());
    }

    @Test
    @DisplayName("a promoted standby without mysql.databases exports what it imported")
    void promotedStandbyExportsWhatItImported() throws IOException {
        TestDb.exec(source, "CREATE DATABASE imp1", "CREATE TABLE imp1.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO imp1.t VALUES (1)");
        importInto(export(TestDb.settings(source, "imp1")), "");
        Path dump = export(TestDb.settings(standby, ""));
        String description = Files.readString(dump.resolve(DumpLayout.DESCRIPTION), StandardCharsets.UTF_8);
        String line = description.lines().filter(l -> l.startsWith("databases=")).findFirst().orElseThrow();
        List<String> exported = List.of(line.substring("databases=".length()).split(","));
        assertTrue(exported.contains("imp1"), line);
        assertTrue(exported.stream().noneMatch(d -> d.equals("mysql") || d.contains("__r") || d.endsWith("_schema")), line);
        assertTrue(Files.readString(dump.resolve("imp1.t.sql"), StandardCharsets.UTF_8).contains("(1)"));
    }

    /** What a kill -9 looks like to the swap: it stops at a point, without any clean-up. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    @Test
    @DisplayName("a crash before or during the swap is undone before the next import or promotion")
    void crashDuringSwapIsRepaired() throws IOException {
        TestDb.exec(source, "CREATE DATABASE crash", "USE crash",
                "CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB", "INSERT INTO c VALUES (1, 'a')",
                "CREATE VIEW cv AS SELECT id FROM c",
                "CREATE TRIGGER c_bi BEFORE INSERT ON c FOR EACH ROW SET NEW.v = UPPER(NEW.v)",
                "SET SESSION sql_mode = 'PIPES_AS_CONCAT'",
                "CREATE FUNCTION cf(a VARCHAR(9)) RETURNS VARCHAR(20) DETERMINISTIC RETURN a || '?'",
                "SET SESSION sql_mode = DEFAULT",
                "CREATE EVENT ce ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM c WHERE id < 0");
        importInto(export(TestDb.settings(source, "crash")), "crash");
        List<String> dbs = List.of("crash");
        Map<String, String> before = TestDb.fingerprint(standby, dbs, false);
        Map<String, String> modesBefore = modes(standby, "crash");
        TestDb.exec(source, "USE crash", "INSERT INTO c VALUES (2, 'b')", "DROP TRIGGER c_bi", "DROP FUNCTION cf",
                "CREATE OR REPLACE VIEW cv AS SELECT id, v FROM c");
        Path changed = export(TestDb.settings(source, "crash"));
        for (String point : List.of("before-rename", "objects crash")) {
            MysqlImporter crashing = new MysqlImporter(MysqlSettings.from(TestDb.settings(standby, "crash")),
                    Long.MAX_VALUE, p -> {
                        if (p.equals(point)) {
                            throw new SimulatedCrash(p);
                        }
                    });
            assertThrows(SimulatedCrash.class, () -> crashing.importBackup(TestDb.importContext(changed)));
            // the crash left the standby without its triggers and views (and, during the swap, with new tables)
            assertTrue(!before.equals(TestDb.fingerprint(standby, dbs, false)), point);
            promoteStandby("crash");
            TestDb.assertSameContent(before, TestDb.fingerprint(standby, dbs, false));
            assertEquals(modesBefore, modes(standby, "crash"), point);
            assertEquals("[]", TestDb.query(standby, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                    + " WHERE SCHEMA_NAME LIKE 'crash\\_\\_%'").toString(), point + ": nothing left behind");
        }
        importInto(changed, "crash");
        TestDb.assertSameContent(TestDb.fingerprint(source, dbs, false), TestDb.fingerprint(standby, dbs, false));
    }
}
