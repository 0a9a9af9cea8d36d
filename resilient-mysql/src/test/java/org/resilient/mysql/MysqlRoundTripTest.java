package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.resilient.api.Epoch;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.spi.Importer;

/**
 * Export from a real source server, import into a real standby, and compare everything: per-table
 * CHECKSUM TABLE and SHOW CREATE TABLE (AUTO_INCREMENT included), views, routines, triggers, events.
 * The steps build on each other (first import, re-import after changes, promote), hence the order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MysqlRoundTripTest extends TwoServerTest {
    static final List<String> DBS = List.of("shop", "audit", "big");

    @BeforeAll
    static void seed() throws IOException {
        String sql = new String(MysqlRoundTripTest.class.getResourceAsStream("/seed-shop.sql").readAllBytes(),
                StandardCharsets.UTF_8);
        source.execute(sql);
        // A million rows, generated inside the server by the Sequence engine.
        source.execute("CREATE DATABASE big; CREATE TABLE big.numbers (id INT PRIMARY KEY, sq BIGINT, txt VARCHAR(32),"
                + " KEY (sq)) ENGINE=InnoDB; INSERT INTO big.numbers SELECT seq, seq * seq, MD5(seq) FROM mysql.seq_1_to_1000000;");
        TestDb.createUser(standby, "app", "app-pw", "SELECT, INSERT, UPDATE, DELETE");
    }

    private static Path export(String name, String dbs) throws IOException {
        return export(name, TestDb.settings(source, dbs));
    }

    @Test
    @Order(1)
    @DisplayName("the export is plain mydumper output: uncompressed .sql files with views, triggers and routines")
    void exportLayout() throws IOException {
        Path dir = export("layout", String.join(",", DBS));
        for (String f : List.of("shop-schema-create.sql", "shop.customer-schema.sql", "shop.customer.sql",
                "shop.order_view-schema-view.sql", "shop.legacy-schema-triggers.sql", "shop-schema-post.sql",
                "big.numbers.00000.sql", "big.numbers.00001.sql", "big.numbers.00002.sql", "audit.log.sql", "metadata", DumpLayout.DESCRIPTION)) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " missing in " + dir);
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".gz")), "mydumper must not compress");
        }
        assertTrue(Files.readString(dir.resolve("shop.customer.sql"), StandardCharsets.UTF_8).contains("😀"));
    }

    @Test
    @Order(2)
    @DisplayName("everything survives the round trip: tables, AUTO_INCREMENT, views, routines, triggers, events")
    void roundTrip() throws IOException {
        assertNotEquals(TestDb.fingerprint(source, DBS, false), TestDb.fingerprint(standby, DBS, false));
        importInto(export("first", String.join(",", DBS)), "");
        Map<String, String> live = TestDb.fingerprint(source, DBS, false);
        Map<String, String> copy = TestDb.fingerprint(standby, DBS, false);
        TestDb.assertSameContent(live, copy);
        assertTrue(live.keySet().containsAll(List.of("routine shop.add_order", "routine shop.with_tax",
                "trigger shop.customer_audit", "trigger shop.legacy_upper", "event shop.cleanup", "view `shop`.`order_total`",
                "checksum `big`.`numbers`")), live.keySet().toString());
        assertTrue(copy.get("table `shop`.`customer`").contains("AUTO_INCREMENT=1000"), copy.get("table `shop`.`customer`"));
        assertTrue(copy.get("table `shop`.`empty_one`").contains("AUTO_INCREMENT=777"));
        assertEquals("1000000", TestDb.value(standby, "SELECT COUNT(*) FROM big.numbers"));
        assertEquals("Zoë 😀 Ünïcode", TestDb.value(standby, "SELECT name FROM shop.customer WHERE id = 1"));
        assertEquals("14814.8148", TestDb.value(standby, "SELECT shop.with_tax(12345.679)"));
        assertEquals("1", TestDb.value(standby, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = 'shop' AND CONSTRAINT_NAME = 'fk_customer' AND REFERENCED_TABLE_NAME = 'customer'"));
        assertEquals("[]", TestDb.query(standby, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%\\_\\_r%'").toString(),
                "temporary databases are gone");
    }

    @Test
    @Order(3)
    @DisplayName("the standby is read-only for applications, and its events do not run before promotion")
    void standbyIsReadOnly() {
        assertEquals("1", TestDb.value(standby, "SELECT @@GLOBAL.read_only"));
        assertEquals("SLAVESIDE_DISABLED", TestDb.value(standby, "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_NAME = 'cleanup'"));
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection(standby.jdbcUrl("shop"), "app", "app-pw")) {
                c.createStatement().execute("INSERT INTO legacy VALUES (99, 'x', NULL)");
            }
        });
        assertTrue(e.getMessage().contains("read-only") || e.getMessage().contains("read_only"), e.getMessage());
    }

    @Test
    @Order(4)
    @DisplayName("a re-import replaces the standby's content, including dropped tables and changed routines")
    void reimportAfterChanges() throws IOException {
        TestDb.exec(source,
                "INSERT INTO shop.customer (name, created) VALUES ('new 🚀', NOW(6))",
                "DROP TABLE shop.empty_one",
                "CREATE TABLE shop.added (k VARCHAR(10) PRIMARY KEY) ENGINE=MyISAM",
                "INSERT INTO shop.added VALUES ('x')",
                "DROP PROCEDURE shop.add_order",
                "CREATE OR REPLACE VIEW shop.order_total AS SELECT COUNT(*) AS n FROM shop.order_view");
        // Only the small databases this time: the million rows are proven above, and the test stays fast.
        importInto(export("second", "shop,audit"), "");
        TestDb.assertSameContent(TestDb.fingerprint(source, DBS, false), TestDb.fingerprint(standby, DBS, false));
        assertFalse(TestDb.fingerprint(standby, DBS, false).containsKey("table `shop`.`empty_one`"));
        assertEquals("1", TestDb.value(standby, "SELECT @@GLOBAL.read_only"));
    }

    @Test
    @Order(5)
    @DisplayName("promote makes the standby writable and enables its events")
    void promote() throws SQLException {
        try (Importer i = PROVIDER.importer(TestDb.settings(standby, ""))) {
            i.promote(RoleChangeContext.builder().directory(work).epoch(new Epoch(1)).build());
        }
        assertEquals("0", TestDb.value(standby, "SELECT @@GLOBAL.read_only"));
        TestDb.assertSameContent(TestDb.fingerprint(source, DBS, true), TestDb.fingerprint(standby, DBS, true));
        try (Connection c = DriverManager.getConnection(standby.jdbcUrl("shop"), "app", "app-pw")) {
            c.createStatement().execute("INSERT INTO legacy VALUES (99, 'x', NULL)");
        }
        assertEquals("X", TestDb.value(standby, "SELECT t FROM shop.legacy WHERE id = 99"), "trigger ran");
    }
}
