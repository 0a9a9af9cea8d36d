package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.core.ResilientNode;

/** The seed's "checking that it works", as scenarios on a cluster in one JVM, with faults injected. */
@DisplayName("Checking that it works")
class ScenarioTest {

    private static Map<String, String> values(int n, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put("key-" + i, prefix + i);
        }
        return m;
    }

    private static void assertFollows(Cluster c, String standby) {
        assertEquals(c.store(c.leader().status().name()).fingerprint(), c.store(standby).fingerprint(),
                () -> standby + " does not hold the leader's data; faults: " + c.faults().events());
    }

    @Test
    @DisplayName("run the exporter, see the data at the imports")
    void exportReachesImports() {
        try (Cluster c = Cluster.replicate("db", 3)) {
            c.store("db0").putAll(values(100, "v"));
            c.cycle();
            c.imports().forEach(s -> assertFollows(c, s));
        }
    }

    @Nested
    @DisplayName("A message to a pull-backup node that is")
    class Messages {
        @Test
        @DisplayName("corrupted is refused, fails the pull, or is harmless, never gives a standby other data, and a refused"
                + " one is made good by the next announcement (50 seeds)")
        void corrupted() {
            List<String> outcomes = new ArrayList<>();
            for (long seed = 0; seed < 50; seed++) {
                outcomes.add(corruptedScenario(seed, true).get(0));
            }
            assertTrue(outcomes.contains("refused"), () -> "no corrupted message was refused outright: " + outcomes);
        }

        @Test
        @DisplayName("corrupted so that it names a backup that does not exist does not wedge the pull-backup node")
        void corruptedNeverWedges() {
            for (long seed = 0; seed < 50; seed++) {
                corruptedScenario(seed, true, true);
            }
        }

        @Test
        @DisplayName("corrupted gives the same faults and the same outcome for the same seed")
        void sameSeedSameRun() {
            assertEquals(corruptedScenario(42, false), corruptedScenario(42, false));
            assertNotEquals(corruptedScenario(1, false), corruptedScenario(2, false), "different seeds corrupt different bytes");
        }

        private List<String> corruptedScenario(long seed, boolean catchUp) {
            return corruptedScenario(seed, catchUp, false);
        }

        private List<String> corruptedScenario(long seed, boolean catchUp, boolean evenAfterFailedPull) {
            try (Cluster c = Cluster.builder("db", 2).seed(seed).build()) {
                c.store("db0").putAll(values(20, "a"));
                c.cycle();
                String good = c.store("db1").fingerprint();
                c.store("db0").put("key-1", "changed");
                c.faults().corrupt("db1-pbs", 1);
                String leader = c.store("db0").fingerprint();
                List<String> outcome = new ArrayList<>();
                try {
                    c.cycle();
                    // A flip in a field that changes nothing that matters (the nonce, the time sent) leaves a good message.
                    outcome.add(c.store("db1").fingerprint().equals(leader) ? "taken" : "refused");
                } catch (ResilienceException e) {
                    outcome.add("failed " + e.code()); // e.g. a flipped backup id names a backup that does not exist
                }
                String standby = c.store("db1").fingerprint();
                assertTrue(standby.equals(good) || standby.equals(leader), () -> "seed " + seed + ": after a corrupted"
                        + " message the standby holds neither its last good state nor the leader's; faults: "
                        + c.faults().events());
                outcome.addAll(c.faults().events());
                if (catchUp && (evenAfterFailedPull || !outcome.get(0).startsWith("failed"))) {
                    c.leader().announceLatest();
                    c.settle();
                    assertFollows(c, "db1");
                }
                return outcome;
            }
        }

        @Test
        @DisplayName("dropped leaves the standby behind until the leader announces again")
        void dropped() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.faults().drop("db1-pbs", 1);
                c.cycle();
                assertTrue(c.store("db1").snapshot().isEmpty(), "the dropped announcement was acted on");
                c.leader().announceLatest();
                c.settle();
                assertFollows(c, "db1");
            }
        }

        @Test
        @DisplayName("duplicated is acted on once")
        void duplicated() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.faults().duplicate("db1-pbs", 1);
                c.cycle();
                assertFollows(c, "db1");
                assertEquals(List.of("duplicate db0 -> db1-pbs"), c.faults().events());
                assertTrue(c.node("db1-pbs").status().healthy(), () -> "db1-pbs: " + c.node("db1-pbs").status());
            }
        }

        @Test
        @DisplayName("delayed arrives when the clock has moved on, and is then acted on")
        void delayed() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.faults().delay("db1-pbs", Duration.ofMinutes(5));
                c.cycle();
                assertTrue(c.store("db1").snapshot().isEmpty(), "the delayed announcement arrived at once");
                c.advance(Duration.ofMinutes(5));
                c.settle();
                assertFollows(c, "db1");
            }
        }

        @Test
        @DisplayName("reordered (newest first) leaves the standby with the newest backup, not the older one")
        void reordered() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.faults().reorder("db1-pbs");
                c.advance(Duration.ofMinutes(1));
                c.leader().exportNow();
                c.store("db0").put("key-1", "newer");
                c.advance(Duration.ofMinutes(1));
                c.leader().exportNow();
                c.settle();
                assertFollows(c, "db1");
                assertEquals("newer", c.store("db1").get("key-1").orElseThrow());
            }
        }
    }

    @Nested
    @DisplayName("A node that")
    class Nodes {
        @Test
        @DisplayName("crashed (the pull-backup node) catches up after its restart")
        void crashedPullBackupNodeCatchesUp() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.cycle();
                c.crash("db1-pbs");
                c.store("db0").put("key-1", "while db1-pbs was down");
                ResilienceException e = assertThrows(ResilienceException.class, c::cycle, "the announcement to a crashed node");
                assertEquals(ErrorCode.UNREACHABLE, e.code());
                c.restart("db1-pbs");
                c.leader().announceLatest();
                c.settle();
                assertFollows(c, "db1");
            }
        }

        @Test
        @DisplayName("is partitioned off keeps its last good state, and catches up once the partition heals")
        void partitioned() {
            try (Cluster c = Cluster.replicate("db", 3)) {
                c.store("db0").putAll(values(20, "a"));
                c.cycle();
                String before = c.store("db2").fingerprint();
                c.faults().partition(Set.of("db2", "db2-pbs"));
                c.store("db0").put("key-1", "during the partition");
                assertThrows(ResilienceException.class, c::cycle, "an announcement across the partition");
                c.settle();
                assertFollows(c, "db1");
                assertEquals(before, c.store("db2").fingerprint(), "data crossed the partition");
                c.faults().heal();
                c.leader().announceLatest();
                c.settle();
                assertFollows(c, "db2");
            }
        }

        @Test
        @DisplayName("is paused does nothing until resumed, then does its queued work")
        void paused() {
            try (Cluster c = Cluster.replicate("db", 2)) {
                c.store("db0").putAll(values(20, "a"));
                c.pause("db1-pbs");
                c.cycle();
                assertTrue(c.store("db1").snapshot().isEmpty(), "a paused node worked");
                c.resume("db1-pbs");
                c.settle();
                assertFollows(c, "db1");
            }
        }

        @Test
        @DisplayName("leads and is lost is replaced by the standby with the newest import")
        void killTheLeaderSeeTheTakeover() {
            try (Cluster c = Cluster.replicate("db", 3)) {
                c.store("db0").putAll(values(20, "a"));
                c.cycle();
                // The takeover is the manual one (Cluster.takeover: stop the leader, promote the best standby). When
                // the node daemon elects a leader by itself, this becomes c.crash("db0") and a wait on the clock.
                ResilientNode leader = c.takeover();
                assertEquals(NodeRole.EXPORT, leader.role());
                c.store(leader.status().name()).put("after", "takeover");
                c.cycle();
                c.imports().forEach(s -> assertFollows(c, s));
            }
        }
    }
}
