package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.spi.Exporter;
import org.resilient.api.spi.Importer;
import org.resilient.testservers.PostgresServer;

/** Exports real databases from one server and imports them into another, comparing every table. */
class PostgresRoundTripTest extends TwoServerTest {
    @Test
    @DisplayName("every kind of data survives export and import into a read-only standby, which promote makes writable")
    void roundTrip(@TempDir Path tmp) throws Exception {
        String tricky = TestData.TRICKY_DB;
        String second = SOURCE.createDatabase();
        SOURCE.createDatabase(tricky);
        TestData.seedRich(SOURCE, tricky);
        TestData.seedBig(SOURCE, tricky, 1_000_000);
        SOURCE.psql(second, "CREATE TABLE t(i int); INSERT INTO t VALUES (1), (2), (3);");
        String role = "Reader " + ProcessHandle.current().pid();
        SOURCE.psql("postgres", "CREATE ROLE " + PostgresServer.quoteIdentifier(role) + " LOGIN PASSWORD 'pw'");
        SOURCE.psql(tricky, "GRANT USAGE ON SCHEMA sales TO " + PostgresServer.quoteIdentifier(role)
                + "; GRANT SELECT ON sales.customer TO " + PostgresServer.quoteIdentifier(role));
        SOURCE.psql("postgres", "ALTER DATABASE " + PostgresServer.quoteIdentifier(tricky) + " OWNER TO "
                + PostgresServer.quoteIdentifier(role));

        Path backup = Files.createDirectory(tmp.resolve("b1"));
        try (Exporter exporter = provider.exporter(TestBackups.settings(SOURCE, tricky, second)
                .with("postgres.globals", "true"))) {
            exporter.export(TestBackups.exportContext(backup));
        }
        DumpMetadata meta = DumpMetadata.read(backup);
        assertEquals(List.of(tricky, second), meta.databases().stream().map(DumpMetadata.Database::name).toList());
        assertTrue(Files.isRegularFile(backup.resolve(DumpMetadata.GLOBALS_FILE)), "globals.sql written");
        try (Stream<Path> files = Files.walk(backup)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".gz")), "pg_dump must not compress (-Z 0)");
        }

        try (Importer importer = provider.importer(TestBackups.settings(STANDBY).with("postgres.globals", "true"))) {
            importer.importBackup(TestBackups.importContext(backup));
        }
        assertEquals(List.of("t"), STANDBY.psql(tricky, "SELECT has_table_privilege("
                + "'" + role + "'" + ", 'sales.customer', 'SELECT')"), "roles and grants came along");
        // the fence holds the database while it is a standby; it records the owner for the promotion
        assertEquals(List.of(STANDBY.user()), owner(STANDBY, tricky), "the fenced standby belongs to the importer");
        TreeMap<String, String> live = DatabaseFingerprint.of(SOURCE, tricky);
        assertEquals(live, DatabaseFingerprint.of(STANDBY, tricky));
        assertEquals("1000000 rows", live.get("data big").split(",", -1)[0], "the big table was seeded");
        assertEquals(DatabaseFingerprint.of(SOURCE, second), DatabaseFingerprint.of(STANDBY, second));
        assertEquals(List.of(), STANDBY.psql("postgres",
                "SELECT datname FROM pg_database WHERE datname LIKE '%resilient%'"), "no work database left");

        assertThrows(SQLException.class, () -> write(STANDBY, tricky), "the standby is read-only");

        try (Importer importer = provider.importer(TestBackups.settings(STANDBY))) {
            importer.promote(TestBackups.promoteContext(tmp));
        }
        write(STANDBY, tricky);
        assertEquals(List.of(role), owner(STANDBY, tricky), "the database owner came along, restored by promote");
        // the trigger fired on the promoted copy, and the sequence continues where the source stood
        assertEquals(List.of("1"), STANDBY.psql(tricky, "SELECT count(*) FROM sales.audit WHERE customer = 'promoted'"));
        assertEquals(SOURCE.psql(tricky, "SELECT nextval('sales.order_no')"),
                STANDBY.psql(tricky, "SELECT nextval('sales.order_no')"));
    }

    @Test
    @DisplayName("a second import replaces the standby's content with the newer backup")
    void secondImportReplaces(@TempDir Path tmp) throws Exception {
        String db = SOURCE.createDatabase();
        SOURCE.psql(db, "CREATE TABLE t(i int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100);");
        var exportSettings = TestBackups.settings(SOURCE, db);
        var importSettings = TestBackups.settings(STANDBY);
        Path b1 = Files.createDirectory(tmp.resolve("b1"));
        Path b2 = Files.createDirectory(tmp.resolve("b2"));
        provider.exporter(exportSettings).export(TestBackups.exportContext(b1));
        provider.importer(importSettings).importBackup(TestBackups.importContext(b1));
        TreeMap<String, String> first = DatabaseFingerprint.of(STANDBY, db);

        SOURCE.psql(db, "DELETE FROM t WHERE i > 50; CREATE TABLE u(x text); INSERT INTO u VALUES ('new');");
        provider.exporter(exportSettings).export(TestBackups.exportContext(b2));
        // a client connected to the standby must not block the swap
        try (Connection reader = DatabaseFingerprint.connect(STANDBY, db)) {
            provider.importer(importSettings).importBackup(TestBackups.importContext(b2));
            assertFalse(reader.isValid(5), "sessions on the replaced database were ended by the swap");
        }
        TreeMap<String, String> second = DatabaseFingerprint.of(STANDBY, db);
        assertNotEquals(first, second);
        assertEquals(DatabaseFingerprint.of(SOURCE, db), second);
        assertEquals(List.of("50"), STANDBY.psql(db, "SELECT count(*) FROM t"));
    }

    private static List<String> owner(PostgresServer server, String db) {
        return server.psql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + db + "'");
    }

    private static void write(PostgresServer server, String db) throws SQLException {
        try (Connection c = DatabaseFingerprint.connect(server, db); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO sales.customer(name) VALUES ('promoted')");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sales.customer")) {
                rs.next();
            }
        }
    }
}
