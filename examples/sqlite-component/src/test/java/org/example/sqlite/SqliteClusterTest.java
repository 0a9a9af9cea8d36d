package org.example.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.NodeRole;
import org.resilient.harness.Cluster;

/** The sqlite component in a whole cluster (leader, pull-backup nodes with archives, standbys) in one JVM. */
@DisplayName("A cluster of sqlite nodes")
class SqliteClusterTest {
    @TempDir
    Path dir;

    private Cluster cluster() {
        // Each node gets its own database file; the pull-backup nodes never open theirs.
        return Cluster.replicate("db", 3, "sqlite", node -> Map.of("sqlite.database", dir.resolve(node + ".db").toString()));
    }

    private Path db(String node) {
        return dir.resolve(node + ".db");
    }

    @Test
    @DisplayName("copies the leader's database to every standby, which stays read-only, and follows its changes")
    void replicates() {
        try (Cluster c = cluster()) {
            SqliteFixture.sql(db("db0"), "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES ('a', '1')");
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(SqliteFixture.fingerprint(db("db0")), SqliteFixture.fingerprint(db(standby)), standby);
                assertFalse(SqliteFixture.writable(db(standby)), standby + " accepts writes before a takeover");
            }
            SqliteFixture.sql(db("db0"), "UPDATE t SET v = '2'", "INSERT INTO t VALUES ('b', '3')");
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(SqliteFixture.fingerprint(db("db0")), SqliteFixture.fingerprint(db(standby)), standby);
            }
        }
    }

    @Test
    @DisplayName("after the leader is lost, promotes a standby, which takes writes and feeds the other")
    void takeover() {
        try (Cluster c = cluster()) {
            SqliteFixture.sql(db("db0"), "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES ('a', '1')");
            c.cycle();
            String leader = c.takeover().status().name();
            assertEquals(NodeRole.EXPORT, c.node(leader).role());
            assertTrue(SqliteFixture.writable(db(leader)), "the promoted standby refuses writes");
            SqliteFixture.sql(db(leader), "INSERT INTO t VALUES ('after', 'takeover')");
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(SqliteFixture.fingerprint(db(leader)), SqliteFixture.fingerprint(db(standby)), standby);
            }
        }
    }
}
