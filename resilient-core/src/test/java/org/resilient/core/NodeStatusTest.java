package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ResilienceException;
import org.resilient.testkit.ManualClock;
import org.resilient.testkit.memory.MemoryArchiveProvider;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryStore;

/**
 * What status says about freshness, lag, failures and a deposed leader, with an injected clock and the test kit's
 * in-memory component, transport and archive (names carry a per-test suffix: they are process-wide).
 */
@DisplayName("node status")
class NodeStatusTest {
    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    final String suffix = "-" + java.util.UUID.randomUUID();
    ResilientNode leader;
    ResilientNode pbsNode;
    ResilientNode import1;

    @BeforeEach
    void cluster() {
        leader = node("db0", NodeRole.EXPORT).set("memory.store", "live0" + suffix).set("export.notify", uri("pbs1").toString())
                .set("export.retries", "0").build();
        pbsNode = node("pbs1", NodeRole.PULL_BACKUP).set("memory.store", "pbs1" + suffix).set("pbs.source", uri("db0").toString())
                .set("pbs.targets", uri("db1").toString())
                .set("pbs.archive", MemoryNetwork.uri("archive" + suffix).toString()).build();
        import1 = node("db1", NodeRole.IMPORT).set("memory.store", "db1" + suffix)
                .set("export.notify", uri("pbs1").toString()).build();
    }

    @AfterEach
    void close() {
        for (ResilientNode n : new ResilientNode[] {leader, pbsNode, import1}) {
            n.close();
        }
        for (String name : List.of("db0", "pbs1", "db1", "db9")) {
            MemoryNetwork.remove(name + suffix);
        }
        for (String store : List.of("live0", "pbs1", "db1")) {
            MemoryStore.drop(store + suffix);
        }
        MemoryArchiveProvider.drop("archive" + suffix);
    }

    private void write(String value) {
        MemoryStore.named("live0" + suffix).put("data", value);
    }

    private URI uri(String name) {
        return MemoryNetwork.uri(name + suffix);
    }

    private Resilient.Builder node(String name, NodeRole role) {
        return Resilient.node(name, role).component("memory").directory(dir.resolve(name))
                .set("node.uri", uri(name).toString()).clock(clock);
    }

    @Test
    @DisplayName("a scheduled step older than two intervals plus slack is stale and makes the node unhealthy, until it runs again")
    void staleExport() {
        write("v1");
        leader.exportNow();
        NodeStatus fresh = leader.status();
        assertTrue(fresh.healthy(), fresh.problems().toString());
        StepFreshness f = fresh.freshness().get("export");
        assertEquals(Duration.ofMinutes(60), f.expectedEvery());
        assertEquals(Duration.ofMinutes(130), f.staleAfter(), "2 x export.interval + 10m by default");

        clock.advance(Duration.ofMinutes(130));
        assertTrue(leader.status().healthy(), "exactly at the limit is not stale yet");
        clock.advance(Duration.ofSeconds(1));
        NodeStatus stale = leader.status();
        assertFalse(stale.healthy());
        assertTrue(stale.freshness().get("export").stale());
        assertEquals(Duration.ofMinutes(130).plusSeconds(1), stale.freshness().get("export").age());
        assertTrue(stale.problems().get(0).startsWith("export: last good run"), stale.problems().toString());

        leader.exportNow();
        assertTrue(leader.status().healthy(), "a new good export makes it fresh again");
    }

    @Test
    @DisplayName("a standby that never imported is stale once the limit has passed since the node was created")
    void neverImported() {
        assertTrue(import1.status().healthy());
        assertNull(import1.status().freshness().get("import").lastSuccess());
        clock.advance(Duration.ofHours(3));
        NodeStatus s = import1.status();
        assertFalse(s.healthy());
        assertTrue(s.problems().get(0).startsWith("import: no good run for"), s.problems().toString());
    }

    @Test
    @DisplayName("node.stale-after overrides the default limit")
    void staleAfterSetting() {
        try (ResilientNode n = node("db9", NodeRole.EXPORT).set("memory.store", "live0" + suffix).set("node.stale-after", "5m").build()) {
            write("x");
            n.exportNow();
            clock.advance(Duration.ofMinutes(6));
            assertTrue(n.status().freshness().get("export").stale());
        }
    }

    @Test
    @DisplayName("with export.cron the limit is two of the cron's longest gaps plus slack, not two export.intervals")
    void staleAfterCron() {
        try (ResilientNode n = node("db9", NodeRole.EXPORT).set("memory.store", "live0" + suffix)
                .set("export.cron", "0 3 * * 1-5").set("export.time-zone", "UTC").build()) {
            StepFreshness f = n.status().freshness().get("export");
            assertEquals(Duration.ofDays(3), f.expectedEvery(), "Friday 03:00 to Monday 03:00");
            assertEquals(Duration.ofDays(6).plusMinutes(10), f.staleAfter());
        }
    }

    @Test
    @DisplayName("the lag is the time between the newest backup a node knows of and its last good one")
    void lag() {
        write("v1");
        BackupId first = leader.exportNow();
        pbsNode.poll();
        import1.poll();
        assertEquals(new Lag(first, first, Duration.ZERO, Duration.ZERO), import1.status().lag());
        assertNull(leader.status().lag(), "the leader is behind no one");

        clock.advance(Duration.ofMinutes(60));
        write("v2");
        BackupId second = leader.exportNow();
        assertEquals(Optional.of(second), pbsNode.poll());
        Lag behind = import1.status().lag();
        assertEquals(second, behind.newestKnown(), "status reads the delivery waiting in the inbox");
        assertEquals(first, behind.lastGood());
        assertEquals(Duration.ofMinutes(60), behind.behind());
        assertEquals(Duration.ofMinutes(60), behind.dataAge());
        assertEquals(second, pbsNode.status().lag().lastGood());

        import1.poll();
        assertEquals(Duration.ZERO, import1.status().lag().behind());
    }

    @Test
    @DisplayName("step outcomes record bytes and duration; failures are counted per step")
    void bytesAndFailures() {
        write("twelve bytes");
        leader.exportNow();
        pbsNode.poll();
        import1.poll();
        for (String step : List.of("pull", "archive", "push")) {
            assertTrue(pbsNode.status().lastSuccesses().get(step).bytes() > 0, step);
        }
        assertTrue(import1.status().lastSuccesses().get("import").bytes() > 0);
        long exported = leader.status().lastSuccesses().get("export").bytes();
        assertTrue(exported >= "twelve bytes".length(), "export bytes: " + exported);

        MemoryStore.named("live0" + suffix).failNextExports(1);
        assertThrows(ResilienceException.class, leader::exportNow);
        MemoryStore.named("live0" + suffix).failNextExports(1);
        assertThrows(ResilienceException.class, leader::exportNow);
        NodeStatus s = leader.status();
        assertEquals(2L, s.failures().get("export"));
        assertFalse(s.healthy());
        leader.exportNow();
        assertTrue(leader.status().healthy());
        assertEquals(2L, leader.status().failures().get("export"), "the count only grows");
    }

    @Test
    @DisplayName("a deposed leader's status shows its new role as soon as the new leader's message is in its inbox")
    void deposedLeader() {
        write("v1");
        leader.exportNow();
        pbsNode.poll();
        import1.poll();
        Takeover.promote(import1, List.of(import1, pbsNode), List.of(uri("db0"), uri("pbs1")));
        NodeStatus s = leader.status();
        assertEquals(NodeRole.IMPORT, s.role(), "no poll or export ran on the old leader, yet its status knows");
        assertEquals(import1.epoch(), s.epoch());
        assertNotNull(s.leader());
    }
}
