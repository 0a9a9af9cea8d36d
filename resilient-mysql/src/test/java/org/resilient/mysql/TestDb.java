package org.resilient.mysql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ExportContext;
import org.resilient.api.ImportContext;
import org.resilient.api.Manifest;
import org.resilient.api.Settings;
import org.resilient.testservers.MariaDbServer;

/** Test helpers: JDBC access to a test server, settings, contexts and content fingerprints. */
final class TestDb {
    static final String PASSWORD = "pa\"ss w0rd#;x";

    private TestDb() {
    }

    /** Settings for a server as root (no password) over TCP. */
    static Settings settings(MariaDbServer server, String databases) {
        return Settings.of(Map.of("mysql.host", server.host(), "mysql.port", Integer.toString(server.port()),
                "mysql.user", "root", "mysql.databases", databases, "mysql.threads", "2",
                // a hung tool fails the test in minutes instead of blocking the suite for the 6h default
                "mysql.timeout", "3m"));
    }

    /** Creates an account with a password that needs quoting (through stdin, never argv). */
    static void createUser(MariaDbServer server, String user, String password, String privileges) {
        server.execute("CREATE USER IF NOT EXISTS '" + user + "'@'localhost' IDENTIFIED BY '" + password.replace("'", "''") + "';"
                + "CREATE USER IF NOT EXISTS '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password.replace("'", "''") + "';"
                + "GRANT " + privileges + " ON *.* TO '" + user + "'@'localhost';"
                + "GRANT " + privileges + " ON *.* TO '" + user + "'@'127.0.0.1';");
    }

    static Connection connect(MariaDbServer server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(""), "root", "");
    }

    static void exec(MariaDbServer server, String... sql) {
        try (Connection c = connect(server); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<List<String>> query(MariaDbServer server, String sql) {
        try (Connection c = connect(server); Statement st = c.createStatement()) {
            return rows(st, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static String value(MariaDbServer server, String sql) {
        List<List<String>> rows = query(server, sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /**
     * Everything a round trip must keep, per object: CHECKSUM TABLE EXTENDED and SHOW CREATE TABLE (with
     * AUTO_INCREMENT) of each table, and the definitions of views, routines, triggers and events.
     *
     * @param withEventStatus false to leave out whether events are enabled (standbys keep them disabled)
     */
    static Map<String, String> fingerprint(MariaDbServer server, List<String> dbs, boolean withEventStatus) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = connect(server); Statement st = c.createStatement()) {
            for (String db : dbs) {
                for (List<String> t : rows(st, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA='"
                        + db + "' ORDER BY TABLE_NAME")) {
                    String name = "`" + db + "`.`" + t.get(0) + "`";
                    if (t.get(1).equals("VIEW")) {
                        out.put("view " + name, rows(st, "SHOW CREATE VIEW " + name).get(0).get(1));
                    } else {
                        out.put("table " + name, rows(st, "SHOW CREATE TABLE " + name).get(0).get(1));
                        out.put("checksum " + name, rows(st, "CHECKSUM TABLE " + name + " EXTENDED").get(0).get(1));
                    }
                }
                for (List<String> r : rows(st, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='"
                        + db + "' ORDER BY 1, 2")) {
                    out.put("routine " + db + "." + r.get(1),
                            rows(st, "SHOW CREATE " + r.get(0) + " `" + db + "`.`" + r.get(1) + "`").get(0).get(2));
                }
                for (List<String> r : rows(st, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='"
                        + db + "' ORDER BY 1")) {
                    out.put("trigger " + db + "." + r.get(0),
                            rows(st, "SHOW CREATE TRIGGER `" + db + "`.`" + r.get(0) + "`").get(0).get(2));
                }
                for (List<String> r : rows(st, "SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA='"
                        + db + "' ORDER BY 1")) {
                    String def = rows(st, "SHOW CREATE EVENT `" + db + "`.`" + r.get(0) + "`").get(0).get(3);
                    if (!withEventStatus) {
                        def = def.replace(" DISABLE ON SLAVE ", " ").replace(" ENABLE ", " ").replace(" DISABLE ", " ");
                    }
                    out.put("event " + db + "." + r.get(0), def);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Asserts equal fingerprints, naming the first object that differs. */
    static void assertSameContent(Map<String, String> live, Map<String, String> copy) {
        org.junit.jupiter.api.Assertions.assertEquals(live.keySet(), copy.keySet(), "objects differ");
        for (String k : live.keySet()) {
            org.junit.jupiter.api.Assertions.assertEquals(live.get(k), copy.get(k), k);
        }
    }

    private static List<List<String>> rows(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static ExportContext exportContext(Path dir) {
        return ExportContext.builder().directory(dir).backupId(BackupId.of(Instant.now(), "src"))
                .loggerName("test.export").build();
    }

    static ImportContext importContext(Path dir) {
        Manifest m = new Manifest(BackupId.of(Instant.now(), "src"), "mysql", "src", Epoch.INITIAL, Instant.now(), List.of());
        return ImportContext.builder().directory(dir).manifest(m).loggerName("test.import").build();
    }

    static Path freshDir(Path parent, String name) throws java.io.IOException {
        return Files.createDirectories(parent.resolve(name));
    }
}
