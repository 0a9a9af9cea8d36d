package org.resilient.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
 * Issue 16.8, 16.18 and 16.19 at the level of a whole node: an import node (a JVM of its own running the node through
 * the public API, {@link KillableNode}) imports a changed backup delivered by its pull-backup node and is killed with
 * {@code kill -9} at a chosen point of the MySQL swap. When the node starts again ({@link ManualLoop#of}, what a
 * started node does first) its component's {@code recover} repairs the standby before anything else, and the node's
 * status is truthful at once: never healthy unless the standby is exactly the backup it names as imported, an
 * interrupted import reported as such. No tool outlives the killed node, no temporary database is left, a secret file
 * the dead process left is removed at the start, and the next poll brings the standby exactly to the new backup.
 */
@DisplayName("mysql: an import node killed with kill -9 during its swap, and started again")
class MysqlNodeKillTest extends TwoServerTest {
    private static KillCluster cluster;
    private static BackupId oldId;
    private static BackupId newId;
    private static Map<String, String> oldState;
    private static Map<String, String> newState;

    private static Resilient.Builder standbyNode() {
        return MysqlNodes.standby(cluster.standbyDirectory(), cluster.uri("pbs1"), standby.host(),
                Integer.toString(standby.port()), "killed");
    }

    private static void importInto(BackupId id) {
        try (Importer i = MysqlObjectsTest.PROVIDER.importer(TestDb.settings(standby, "killed"))) {
            i.importBackup(TestDb.importContext(cluster.deliveredData(id)));
        }
    }

    /**
     * The cluster, made once: the leader exports the old and then the new database; the import node imported the old
     * backup, and the new one is delivered and pending. Its directory is kept as a template each point starts from.
     */
    private static synchronized void cluster() throws IOException {
        if (cluster != null) {
            return;
        }
        cluster = new KillCluster(work.resolve("nodes"), Resilient.node("db0", NodeRole.EXPORT).component("mysql")
                .set("mysql.host", source.host()).set("mysql.port", Integer.toString(source.port()))
                .set("mysql.user", "root").set("mysql.databases", "killed").set("mysql.timeout", "3m"));
        try (ResilientNode db1 = standbyNode().build()) {
            KillFixture.createOld(source);
            oldId = cluster.exportAndDeliver();
            assertEquals(java.util.Optional.of(oldId), db1.poll());
            KillFixture.changeToNew(source);
            newId = cluster.exportAndDeliver();
        }
        cluster.saveStandbyNode();
        importInto(newId);
        newState = KillFixture.state(standby);
        importInto(oldId);
        oldState = KillFixture.state(standby);
        assertNotEquals(oldState, newState);
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "killed at {0} ({1}): the standby is the {2} backup, the node says so at its start")
    @CsvSource({
            "before-rename, wait, old", // the standby's triggers and views dropped, the rename not run
            "before-rename, race, either", // killed while the RENAME TABLE is sent: it ran or it did not
            "objects killed, wait, old", // renamed, before the backup's objects replaced the standby's
            "committed, wait, new", // the journal dropped, the temporary databases not yet
            "swapped, wait, new"}) // the swap done, before the node recorded the import
    @Timeout(600)
    void killedAt(String point, String mode, String expected) throws Exception {
        cluster();
        cluster.restoreStandbyNode();
        importInto(oldId);
        assertEquals(oldState, KillFixture.state(standby), "the standby does not start from the old backup");

        killNodeAt(point, mode);
        Path orphan = CrashLeftovers.orphanSecret("mysql-defaults");
        try (ResilientNode db1 = standbyNode().build(); ManualLoop loop = ManualLoop.of(db1)) {
            NodeStatus s = db1.status();
            Map<String, String> after = KillFixture.state(standby);
            assertFalse(Files.exists(orphan), "the secret file of a dead process outlived the node's start");
            assertEquals("[]", KillFixture.leftovers(standby), point + ": temporary databases left after the start");
            switch (expected) {
                case "old" -> assertEquals(oldState, after, point + ": the standby is not exactly the old backup");
                case "new" -> assertEquals(newState, after, point + ": the standby is not exactly the new backup");
                default -> assertTrue(after.equals(oldState) || after.equals(newState),
                        point + ": the standby is neither exactly the old nor exactly the new backup: " + after);
            }
            StatusTruth.assertTruthful(s, after, Map.of(oldId, oldState, newId, newState), newId, point);
            if (point.equals("committed")) {
                // the component finished the swap at start: the node records it, and nothing is copied again
                assertTrue(s.healthy(), point + ": " + s.problems());
                assertEquals(newId, s.lastImport().backupId());
            }
            loop.poll(Cancellation.never());
            s = db1.status();
            assertTrue(s.healthy(), point + ": after the next poll: " + s.problems());
            assertEquals(newId, s.lastImport().backupId(), point + ": the state does not name the new backup");
            assertEquals(newState, KillFixture.state(standby), point + ": the next poll did not bring the new backup");
            assertEquals("[]", KillFixture.leftovers(standby), point + ": temporary databases left behind");
        }
    }

    /** Runs the import node in a JVM of its own and kills it with SIGKILL at the point (its tools must die with it). */
    private static void killNodeAt(String point, String mode) throws Exception {
        try (KilledNode node = KilledNode.start(KillableNode.class, work.resolve("node-" + point.replace(' ', '-') + "-"
                + mode + ".log"), Map.of("kill.point", point, "kill.mode", mode), Map.of(), cluster.standbyDirectory().toString(),
                cluster.uri("pbs1").toString(), standby.host(), Integer.toString(standby.port()), "killed")) {
            assertEquals("AT " + point, node.awaitLine("AT ", "DONE"), "the node did not reach " + point);
            node.kill();
        }
    }
}
