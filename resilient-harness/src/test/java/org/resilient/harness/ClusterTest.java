package org.resilient.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Archive;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;

@DisplayName("A cluster of core nodes over mem transport and mem archives")
class ClusterTest {

    private static Map<String, String> values(int n, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put("key-" + i, prefix + i);
        }
        return m;
    }

    @Test
    @DisplayName("runs any component with its settings: the files component copies the leader's tree to every import")
    void anyComponent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws java.io.IOException {
        java.nio.file.Path live = java.nio.file.Files.createDirectories(tmp.resolve("live"));
        java.nio.file.Files.writeString(live.resolve("a.txt"), "hello");
        try (Cluster c = Cluster.replicate("fs", 3, "files", node -> Map.of(
                "files.source", node.equals("fs0") ? live.toString() : tmp.resolve(node).toString(),
                "files.target", tmp.resolve(node).toString()))) {
            BackupId id = c.cycle();
            for (String imp : c.imports()) {
                assertEquals("hello", java.nio.file.Files.readString(tmp.resolve(imp).resolve("a.txt")), imp);
                assertEquals(id, c.node(imp).status().lastImport().backupId());
            }
        }
    }

    @Test
    @DisplayName("replicates the leader to every import, cycle after cycle, and archives each backup")
    void replicates() {
        try (Cluster c = Cluster.replicate("db", 3)) {
            assertEquals(List.of("db1", "db2"), c.imports());
            assertEquals(List.of("db1-pbs", "db2-pbs"), c.pullBackupNodes());
            c.store("db0").putAll(values(300, "v"));
            assertNotEquals(c.store("db0").fingerprint(), c.store("db1").fingerprint());
            BackupId first = c.cycle();
            for (String imp : c.imports()) {
                assertEquals(c.store("db0").fingerprint(), c.store(imp).fingerprint(), imp + " did not follow");
                assertEquals(first, c.node(imp).status().lastImport().backupId());
            }
            c.store("db0").put("key-7", "changed");
            c.store("db0").remove("key-8");
            BackupId second = c.cycle();
            assertTrue(second.compareTo(first) > 0, "backup ids must grow");
            for (String imp : c.imports()) {
                assertEquals(c.store("db0").fingerprint(), c.store(imp).fingerprint(), imp + " did not follow the change");
                assertEquals("changed", c.store(imp).get("key-7").orElseThrow());
            }
            try (Archive a = c.archive("db1-pbs")) {
                assertEquals(List.of(first, second), a.generations().stream().map(Generation::backupId).toList());
            }
            assertTrue(c.node("db1").status().healthy(), () -> "db1: " + c.node("db1").status());
        }
    }

    @Test
    @DisplayName("refuses a backup damaged after it was published: the failure is reported, standbys keep their state")
    void damagedBackupNotUsed() throws Exception {
        try (Cluster c = Cluster.replicate("db", 2)) {
            c.store("db0").putAll(values(100, "good"));
            c.cycle();
            String good = c.store("db1").fingerprint();
            c.store("db0").put("key-1", "never arrives");
            BackupId id = c.leader().exportNow();
            java.nio.file.Path part = c.directory("db0").resolve("backup").resolve(id.value()).resolve("data/part-0000.tsv");
            byte[] bytes = java.nio.file.Files.readAllBytes(part);
            bytes[bytes.length / 2] ^= 1;
            java.nio.file.Files.write(part, bytes);
            ResilienceException e = assertThrows(ResilienceException.class, c::settle,
                    "a pull of a damaged backup must fail, not be archived or pushed");
            assertEquals(ErrorCode.VERIFICATION_FAILED, e.code(), () -> "wrong code: " + e);
            assertEquals(good, c.store("db1").fingerprint(), "the standby changed");
            try (Archive a = c.archive("db1-pbs")) {
                assertTrue(a.generations().stream().noneMatch(g -> g.backupId().equals(id)), "the damaged backup was archived");
            }
            assertTrue(!c.node("db1-pbs").status().healthy(), "the pull-backup node does not report the failure");
        }
    }

    @Test
    @DisplayName("keeps standbys read-only until a takeover promotes the one with the newest import")
    void takeover() {
        try (Cluster c = Cluster.replicate("db", 3)) {
            c.store("db0").putAll(values(50, "a"));
            c.cycle();
            // db2 misses the second cycle: its pull-backup node is down, so db1 has the newer import.
            c.stop("db2-pbs");
            c.store("db0").put("late", "only db1 has this");
            ResilienceException announce = assertThrows(ResilienceException.class, c::cycle,
                    "an export whose announcement fails must be reported as failed");
            assertEquals(ErrorCode.UNREACHABLE, announce.code());
            c.settle();
            ResilienceException readOnly = assertThrows(ResilienceException.class, () -> c.store("db1").put("x", "y"));
            assertEquals(ErrorCode.WRONG_STATE, readOnly.code());

            ResilientNode leader = c.takeover();
            assertEquals("db1", leader.status().name());
            assertEquals(NodeRole.EXPORT, leader.role());
            assertEquals(new Epoch(1), leader.epoch());
            assertEquals("only db1 has this", c.store("db1").get("late").orElseThrow());

            c.store("db1").put("after", "takeover");
            assertThrows(ResilienceException.class, c::cycle, "db2-pbs is still down");
            c.settle();
            assertEquals(List.of("db2"), c.imports());
            // db2's own pull-backup node is stopped; it is fed by no one, so it keeps its last good state.
            assertTrue(c.store("db2").get("late").isEmpty());
        }
    }

    @Test
    @DisplayName("after a takeover, the surviving imports follow the new leader")
    void importsFollowNewLeader() {
        try (Cluster c = Cluster.replicate("db", 4)) {
            c.store("db0").putAll(values(20, "x"));
            c.cycle();
            ResilientNode leader = c.takeover();
            String name = leader.status().name();
            c.store(name).put("new", "from " + name);
            c.cycle();
            for (String imp : c.imports()) {
                assertEquals(c.store(name).fingerprint(), c.store(imp).fingerprint(), imp + " did not follow " + name);
                assertEquals(new Epoch(1), c.node(imp).epoch());
            }
        }
    }

    @Test
    @DisplayName("says that a node the test crashed is down, and how to bring it back, when a step cannot reach it")
    void crashedNodeNamedInFailure() {
        try (Cluster c = Cluster.replicate("db", 3)) {
            c.store("db0").putAll(values(3, "v"));
            c.cycle();
            c.crash("db2");
            c.store("db0").put("key-0", "changed");
            ResilienceException e = assertThrows(ResilienceException.class, c::cycle);
            assertTrue(e.getMessage().contains("is down: the test took node 'db2' down")
                    && e.getMessage().contains("Cluster.restart(\"db2\")"), e.getMessage());
            c.restart("db2");
            c.cycle();
            assertEquals(c.store("db0").fingerprint(), c.store("db2").fingerprint());
        }
    }
}
