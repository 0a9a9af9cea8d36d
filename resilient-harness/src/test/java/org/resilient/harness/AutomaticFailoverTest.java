package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.api.NodeRole;
import org.resilient.api.spi.Archive;
import org.resilient.core.ResilientNode;

/** The seed's "kill the leader, see the takeover", with nobody calling for the takeover: the coordinator's lease decides. */
@DisplayName("With automatic failover")
class AutomaticFailoverTest {

    private static List<Generation> archived(Cluster c, String pbs) {
        try (Archive a = c.archive(pbs)) {
            return a.generations();
        }
    }

    @Test
    @DisplayName("a crashed leader's lease expires, the standby with the newest good import takes over by itself, the"
            + " archive goes on in the new epoch, and the old leader returns as a standby")
    void leaderCrashes() {
        try (Cluster c = Cluster.builder("db", 3).automaticFailover().build()) {
            assertEquals("db0", c.leader().name());
            c.store("db0").put("k", "v1");
            c.cycle();
            c.pause("db2"); // db2 misses v2: db1 holds the newest good import
            c.store("db0").put("k", "v2");
            c.cycle();
            c.resume("db2");
            assertEquals("v2", c.store("db1").get("k").orElse(null));
            assertEquals("v1", c.store("db2").get("k").orElse(null));

            c.crash("db0");
            c.run(Duration.ofSeconds(3));
            assertFalse(c.nodeNames().stream().anyMatch(n -> c.node(n).role() == NodeRole.EXPORT),
                    "someone took over before the crashed leader's lease expired");
            ResilientNode leader = c.awaitLeader(Duration.ofSeconds(20));
            assertEquals("db1", leader.name(), "not the standby with the newest good import");
            assertEquals(new Epoch(1), leader.epoch());
            c.run(Duration.ofSeconds(2));
            assertEquals(new Epoch(1), c.node("db2").epoch(), "db2 did not learn the new epoch");

            c.restart("db0"); // the old leader returns, from an older epoch
            c.run(Duration.ofSeconds(2));
            assertEquals(NodeRole.IMPORT, c.node("db0").role(), "the old leader did not step down");
            assertEquals(new Epoch(1), c.node("db0").epoch());
            assertEquals("db1", c.leader().name());

            c.store("db1").put("k", "v3");
            c.cycle();
            assertEquals("v3", c.store("db2").get("k").orElse(null), "the new leader's backup did not reach db2");
            assertEquals("v3", c.store("db0").get("k").orElse(null), "the old leader is not fed as a standby");
            for (String pbs : c.pullBackupNodes()) {
                Generation last = archived(c, pbs).get(archived(c, pbs).size() - 1);
                assertEquals(new Epoch(1), last.epoch(), pbs + ": the archive did not go on in the new epoch");
                assertEquals(c.uri("db1").toString(), last.sourceNode(), pbs);
            }
            assertTrue(c.imports().containsAll(List.of("db0", "db2")), "imports: " + c.imports());
        }
    }
}
