package org.resilient.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.NodeRole;
import org.resilient.api.spi.Importer;
import org.resilient.core.ManualLoop;
import org.resilient.core.NodeStatus;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.harness.KillCluster;
import org.resilient.harness.KilledNode;
import org.resilient.harness.StatusTruth;
import org.resilient.testservers.CrashLeftovers;

/**
 * Issue 16.18 and 16.19 for PostgreSQL, at the level of a whole node: an import node (a JVM of its own running it
 * through the public API, {@link PgKillableNode}) is killed with {@code kill -9} while pg_restore fills the work
 * database, or while its swap transaction waits between its two renames (held there by a test transaction that
 * holds the live database's catalog row). When the node starts again its component's {@code recover} drops what
 * the import left, its status is truthful at once, no pg_restore or psql outlives the node, the standby is exactly
 * the old or the new backup, and the next poll brings it to the new one.
 */
@DisplayName("postgres: an import node killed with kill -9 during its import, and started again")
class PostgresNodeKillTest extends TwoServerTest {
    private static final String DB = "pgkilled";
    @TempDir
    static Path work;
    private static KillCluster cluster;
    private static BackupId oldId;
    private static BackupId newId;
    private static Map<String, String> oldState;
    private static Map<String, String> newState;

    private static Resilient.Builder standbyNode() {
        return PgNodes.standby(cluster.standbyDirectory(), cluster.uri("pbs1"), STANDBY.host(),
                Integer.toString(STANDBY.port()), STANDBY.user(), STANDBY.password(), DB);
    }

    private static void importInto(BackupId id) {
        try (Importer i = new PostgresComponentProvider().importer(TestBackups.settings(STANDBY, DB))) {
            i.importBackup(TestBackups.importContext(cluster.deliveredData(id)));
        }
    }

    private static Resilient.Builder leader(String name) {
        return Resilient.node(name, NodeRole.EXPORT).component("postgres")
                .set("postgres.host", SOURCE.host()).set("postgres.port", Integer.toString(SOURCE.port()))
                .set("postgres.user", SOURCE.user()).set("postgres.databases", DB).set("postgres.sslmode", "disable")
                .environment(Map.of("RESILIENT_POSTGRES_PASSWORD", SOURCE.password()));
    }

    private static Map<String, String> state() throws Exception {
        return new TreeMap<>(DatabaseFingerprint.of(STANDBY, DB));
    }

    /** The cluster, made once: the old backup imported, the new one delivered and pending (kept as a template). */
    private static synchronized void cluster() throws Exception {
        if (cluster != null) {
            return;
        }
        SOURCE.createDatabase(DB);
        // big enough that pg_restore runs long enough to be caught at it
        TestData.seedBig(SOURCE, DB, 300_000);
        SOURCE.psql(DB, "CREATE TABLE t(id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b');"
                + "CREATE VIEW tv AS SELECT id FROM t; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';");
        cluster = new KillCluster(work.resolve("nodes"), leader("db0"));
        try (ResilientNode db1 = standbyNode().build()) {
            oldId = cluster.exportAndDeliver();
            assertEquals(Optional.of(oldId), db1.poll());
            SOURCE.psql(DB, "UPDATE t SET v = 'z' WHERE id = 1; INSERT INTO t VALUES (3, 'c'); CREATE TABLE added(n int);"
                    + "DELETE FROM big WHERE id % 1000 = 0; CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';");
            newId = cluster.exportAndDeliver();
        }
        cluster.saveStandbyNode();
        importInto(newId);
        newState = state();
        importInto(oldId);
        oldState = state();
        assertNotEquals(oldState, newState);
        STANDBY.psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kill_holder')"
                + " THEN CREATE ROLE kill_holder; END IF; END $$");
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "killed {0}")
    @ValueSource(strings = {"during pg_restore", "between the renames of the swap"})
    @Timeout(600)
    void killed(String point) throws Exception {
        cluster();
        cluster.restoreStandbyNode();
        importInto(oldId);
        assertEquals(oldState, state(), "the standby does not start from the old backup");

        try (Connection holder = DatabaseFingerprint.connect(STANDBY, "postgres");
             KilledNode node = KilledNode.start(PgKillableNode.class, work.resolve("node-" + point.replace(' ', '-') + ".log"),
                     Map.of(), Map.of("KILL_PG_PASSWORD", STANDBY.password()), cluster.standbyDirectory().toString(),
                     cluster.uri("pbs1").toString(), STANDBY.host(), Integer.toString(STANDBY.port()), STANDBY.user(), DB)) {
            boolean swap = point.startsWith("between");
            if (swap) {
                // the swap's first rename (of the live database) waits for this transaction's change of its row
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    st.execute("ALTER DATABASE " + DB + " OWNER TO kill_holder");
                }
            }
            node.awaitLine("POLLING");
            awaitOnStandby(swap
                    ? "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%RENAME TO%'"
                    : "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'resilient'"
                    + " AND datname = '" + WorkNames.tmp(DB) + "' AND query LIKE 'COPY%'", node);
            node.kill();
            if (swap) {
                holder.rollback();
                // the swap's session may live on after its client died: wait until the server ended it
                awaitOnStandby("SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM pg_stat_activity"
                        + " WHERE query LIKE '%RENAME TO%' AND pid <> pg_backend_pid()", null);
            }
        }
        Path orphan = CrashLeftovers.orphanSecret("pgpass");
        try (ResilientNode db1 = standbyNode().build(); ManualLoop loop = ManualLoop.of(db1)) {
            NodeStatus s = db1.status();
            Map<String, String> after = state();
            assertFalse(Files.exists(orphan), "the pgpass file of a dead process outlived the node's start");
            assertEquals(List.of(), workDatabases(), point + ": work databases left after the start");
            assertTrue(after.equals(oldState) || after.equals(newState),
                    point + ": the standby is neither exactly the old nor exactly the new backup: " + after);
            if (point.startsWith("during")) {
                assertEquals(oldState, after, point + ": the standby is not the old backup");
            }
            StatusTruth.assertTruthful(s, after, Map.of(oldId, oldState, newId, newState), newId, point);
            loop.poll(Cancellation.never());
            s = db1.status();
            assertTrue(s.healthy(), point + ": after the next poll: " + s.problems());
            assertEquals(newId, s.lastImport().backupId(), point + ": the state does not name the new backup");
            assertEquals(newState, state(), point + ": the next poll did not bring the new backup");
            assertEquals(List.of(), workDatabases(), point + ": work databases left behind");
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a leader opened through the library API removes a pgpass file a killed export left, at its start")
    @Timeout(600)
    void leaderRemovesOrphanSecrets() throws Exception {
        cluster();
        Path orphan = CrashLeftovers.orphanSecret("pgpass");
        try (ResilientNode db0 = leader("db0").directory(work.resolve("db0-again")).build();
             ManualLoop loop = ManualLoop.of(db0)) {
            assertFalse(Files.exists(orphan), "the pgpass file of a dead process outlived the start of a leader");
        }
    }

    private static List<String> workDatabases() {
        return STANDBY.psql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE '" + DB + "\\_\\_%'");
    }

    /** Polls the standby until the query returns a count above zero (the node, if given, must still run). */
    private static void awaitOnStandby(String countQuery, KilledNode node) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        BooleanSupplier reached = () -> !STANDBY.psql("postgres", countQuery).get(0).equals("0");
        while (!reached.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached in 120 s: " + countQuery);
            assertTrue(node == null || node.process().isAlive(), "the node ended before it was caught: " + countQuery);
            Thread.sleep(20);
        }
    }
}
