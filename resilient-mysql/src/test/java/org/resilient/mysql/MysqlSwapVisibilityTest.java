package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.resilient.api.spi.Exporter;

/**
 * Issue 18: a reader of the standby during an import. Views are never missing and always answer (they are
 * replaced with {@code CREATE OR REPLACE}, never dropped); triggers are missing only while their own database is
 * swapped, never two databases' at once; the replaced tables are dropped after the import returned.
 */
@DisplayName("mysql: what a reader of the standby sees while an import swaps it")
class MysqlSwapVisibilityTest extends TwoServerTest {
    private static final List<String> DBS = List.of("vis_a", "vis_b", "vis_c");
    private static final int TABLES = 12;

    private static Path export(String name) throws Exception {
        Path dir = TestDb.freshDir(work, name);
        try (Exporter e = MysqlObjectsTest.PROVIDER.exporter(TestDb.settings(source, String.join(",", DBS)))) {
            e.export(TestDb.exportContext(dir));
        }
        return dir;
    }

    private static MysqlImporter importer(java.util.function.Consumer<String> points) {
        return new MysqlImporter(MysqlSettings.from(TestDb.settings(standby, String.join(",", DBS))), Long.MAX_VALUE,
                points);
    }

    /** Views (schema.name) and the schemas holding at least one trigger, as one reader sees them now. */
    private record Seen(Set<String> views, Set<String> withTriggers) {
    }

    private static Seen look(Connection c) throws SQLException {
        String in = "('" + String.join("','", DBS) + "')";
        Set<String> views = new TreeSet<>();
        Set<String> triggers = new TreeSet<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet r = st.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS"
                    + " WHERE TABLE_SCHEMA IN " + in)) {
                while (r.next()) {
                    views.add(r.getString(1) + "." + r.getString(2));
                }
            }
            try (ResultSet r = st.executeQuery("SELECT DISTINCT TRIGGER_SCHEMA FROM information_schema.TRIGGERS"
                    + " WHERE TRIGGER_SCHEMA IN " + in)) {
                while (r.next()) {
                    triggers.add(r.getString(1));
                }
            }
            for (String db : DBS) {
                // a view that exists but cannot answer (its table missing) is as bad as a missing one
                try (ResultSet r = st.executeQuery("SELECT COUNT(*) FROM " + db + ".both_v")) {
                    r.next();
                }
            }
        }
        return new Seen(views, triggers);
    }

    @Test
    @Timeout(600)
    @DisplayName("views never missing, triggers missing only around their own database's rename")
    void readerDuringImport() throws Exception {
        List<String> setup = new ArrayList<>();
        for (String db : DBS) {
            setup.add("DROP DATABASE IF EXISTS " + db);
            setup.add("CREATE DATABASE " + db);
            for (int t = 0; t < TABLES; t++) {
                setup.add("CREATE TABLE " + db + ".t" + t + " (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB");
                setup.add("INSERT INTO " + db + ".t" + t + " VALUES (1, 'one'), (2, 'two')");
                setup.add("CREATE TRIGGER " + db + ".t" + t + "_bi BEFORE INSERT ON " + db + ".t" + t
                        + " FOR EACH ROW SET NEW.v = UPPER(NEW.v)");
            }
            setup.add("CREATE VIEW " + db + ".both_v AS SELECT id, v FROM " + db + ".t0");
            setup.add("CREATE VIEW " + db + ".on_view AS SELECT id FROM " + db + ".both_v");
            setup.add("CREATE VIEW " + db + ".old_only AS SELECT id FROM " + db + ".t1");
        }
        TestDb.exec(source, setup.toArray(String[]::new));
        Path first = export("vis-first");
        List<String> change = new ArrayList<>();
        for (String db : DBS) {
            change.add("INSERT INTO " + db + ".t0 VALUES (3, 'three')");
            change.add("CREATE OR REPLACE VIEW " + db + ".both_v AS SELECT id, v, 1 AS changed FROM " + db + ".t0");
            change.add("DROP VIEW " + db + ".old_only");
            change.add("CREATE VIEW " + db + ".new_only AS SELECT id FROM " + db + ".t2");
        }
        TestDb.exec(source, change.toArray(String[]::new));
        Path second = export("vis-second");
        importer(p -> { }).importBackup(TestDb.importContext(first));

        Set<String> stable = new TreeSet<>();
        for (String db : DBS) {
            stable.add(db + ".both_v");
            stable.add(db + ".on_view");
        }
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicBoolean importing = new AtomicBoolean(true);
        AtomicInteger polls = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try (Connection c = TestDb.connect(standby)) {
                while (importing.get()) {
                    Seen s = look(c);
                    polls.incrementAndGet();
                    check(s, stable, problems, "a concurrent reader");
                }
            } catch (SQLException e) {
                problems.add("a concurrent reader's query failed: " + e.getMessage());
            }
        }, "standby-reader");
        reader.start();
        // Deterministic looks too: right after each database's rename, before its objects are replaced.
        List<String> atObjects = new ArrayList<>();
        try (Connection c = TestDb.connect(standby)) {
            importer(point -> {
                if (point.startsWith("objects ")) {
                    try {
                        Seen s = look(c);
                        check(s, stable, problems, "at " + point);
                        atObjects.add(point.substring(8) + " " + s.withTriggers());
                    } catch (SQLException e) {
                        problems.add("at " + point + ": " + e.getMessage());
                    }
                }
            }).importBackup(TestDb.importContext(second));
        } finally {
            importing.set(false);
            reader.join();
        }
        assertEquals(List.of(), problems, "what readers of the standby saw during the import");
        assertTrue(polls.get() > 0, "the concurrent reader never looked");
        // the database just renamed has no triggers yet, the others have theirs
        assertEquals(List.of("vis_a [vis_b, vis_c]", "vis_b [vis_a, vis_c]", "vis_c [vis_a, vis_b]"), atObjects);
        try (Connection c = TestDb.connect(standby)) {
            Seen end = look(c);
            Set<String> expected = new TreeSet<>(stable);
            DBS.forEach(db -> expected.add(db + ".new_only"));
            assertEquals(expected, end.views(), "the views after the import");
            assertEquals(new TreeSet<>(DBS), end.withTriggers(), "the triggers after the import");
        }
        MysqlSettings settings = MysqlSettings.from(TestDb.settings(standby, String.join(",", DBS)));
        ReplacedCopies.awaitDropped(settings, org.resilient.api.Cancellation.never());
        assertEquals("[]", TestDb.query(standby, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME LIKE 'vis\\_%\\_\\_%'").toString(), "temporary databases left after the import");
        TestDb.assertSameContent(TestDb.fingerprint(source, DBS, false), TestDb.fingerprint(standby, DBS, false));
    }

    /** Every stable view present; at most one database without its triggers. */
    private static void check(Seen s, Set<String> stable, List<String> problems, String who) {
        Set<String> missing = new TreeSet<>(stable);
        missing.removeAll(s.views());
        if (!missing.isEmpty()) {
            problems.add(who + " saw views missing: " + missing);
        }
        if (s.withTriggers().size() < DBS.size() - 1) {
            problems.add(who + " saw only " + s.withTriggers() + " with triggers");
        }
    }
}
