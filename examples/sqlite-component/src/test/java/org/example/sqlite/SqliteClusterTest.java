package org.example.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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

    private Cluster failingOver() {
        return Cluster.builder("db", 3).component("sqlite", node -> Map.of("sqlite.database", db(node).toString()))
                .automaticFailover().build();
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

    @Test
    @DisplayName("fails over by itself: the leader crashes, its lease expires, a standby takes over, the old leader"
            + " returns as a read-only standby")
    void automaticFailover() {
        try (Cluster c = failingOver()) {
            SqliteFixture.sql(db("db0"), "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES ('a', '1')");
            c.cycle();
            c.crash("db0");
            String leader = c.awaitLeader(Duration.ofSeconds(20)).name();
            assertTrue(SqliteFixture.writable(db(leader)), "the promoted standby refuses writes");
            SqliteFixture.sql(db(leader), "INSERT INTO t VALUES ('after', 'takeover')");
            c.restart("db0");
            c.run(Duration.ofSeconds(2));
            assertEquals(NodeRole.IMPORT, c.node("db0").role(), "the old leader did not step down");
            c.cycle();
            for (String standby : c.imports()) {
                assertEquals(SqliteFixture.fingerprint(db(leader)), SqliteFixture.fingerprint(db(standby)), standby);
                assertFalse(SqliteFixture.writable(db(standby)), standby + " accepts writes as a standby");
            }
        }
    }

    @Test
    @DisplayName("keeps a standby whole when it crashes in the middle of copying a backup in, and imports after its restart")
    void crashMidImport() {
        try (Cluster c = cluster()) {
            SqliteFixture.sql(db("db0"), "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES ('a', '1')");
            c.cycle();
            String good = SqliteFixture.fingerprint(db("db1"));
            SqliteFixture.sql(db("db0"), "INSERT INTO t VALUES ('b', '2')");
            c.faults().crashAt("db1", "copy", 1);
            c.cycle();
            assertFalse(c.nodeNames().contains("db1"), "the crash point was never reached: " + c.faults().events());
            assertEquals(good, SqliteFixture.fingerprint(db("db1")), "a crashed import changed the standby");
            c.restart("db1");
            c.settle();
            assertEquals(SqliteFixture.fingerprint(db("db0")), SqliteFixture.fingerprint(db("db1")));
        }
    }
}
