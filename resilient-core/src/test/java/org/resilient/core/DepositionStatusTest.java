package org.resilient.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.NodeRole;

/**
 * What {@code status} says of failover on a leader deposed by a message: it must say so as soon as the node knows,
 * not still "leads in the old epoch" until its next failover round.
 */
class DepositionStatusTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a leader deposed by the new leader's message: its status says deposed at once, before any round")
    void statusSaysDeposedAtOnce() {
        try (FailoverCluster c = new FailoverCluster(dir, 1)) {
            c.run(Duration.ofSeconds(2));
            c.cycle("db0", "v1");
            assertTrue(c.node("db0").status().failover().summary().contains("db0 leads"),
                    "before: " + c.node("db0").status().failover());
            c.pause("db0");
            c.runUntil("db1 leads", () -> c.leaders().equals(List.of("db1")), 15);
            c.resume("db0"); // it runs no round: only status is read, which reads the inbox first

            NodeStatus s = c.node("db0").status();

            assertEquals(NodeRole.IMPORT, s.role(), "db1's LEADER_CHANGED deposed db0");
            assertEquals(new Epoch(1), s.epoch());
            String summary = s.failover().summary();
            assertFalse(summary.contains("db0 leads"), "status still says db0 leads: " + summary);
            assertTrue(summary.contains("deposed") && summary.contains("epoch 1"), summary);
            assertFalse(s.failover().asOf().isBefore(c.clock.instant()), "as of the deposition: " + s.failover());
        }
    }
}
