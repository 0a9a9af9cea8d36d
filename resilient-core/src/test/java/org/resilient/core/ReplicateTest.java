package org.resilient.core;

import org.resilient.api.NodeRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** {@code replicate(name, n)}: name0 leads, the others import, each fed by a pull-backup node. */
class ReplicateTest {
    @TempDir
    Path dir;

    private ClusterPlan.Builder db(int n) {
        return Resilient.replicate("db", n).directory(dir.resolve("nodes"))
                .set(NodeRole.EXPORT, "files.source", dir.resolve("live").toString())
                .set(NodeRole.IMPORT, "files.target", dir.resolve("standby/${node}").toString())
                .set(NodeRole.IMPORT, "files.source", dir.resolve("standby/${node}").toString())
                // core's own full-copy archive: the default 'dir' archive is another module
                .set(NodeRole.PULL_BACKUP, "pbs.archive", "copy:" + dir.resolve("nodes/${node}/archive"));
    }

    @Test
    @DisplayName("name0 exports and every other node imports through its own pull-backup node")
    void onePullBackupNodePerImport() throws Exception {
        Files.createDirectories(dir.resolve("live"));
        Files.writeString(dir.resolve("live/a.txt"), "hello");
        ClusterPlan plan = db(3).plan();
        assertEquals(List.of("db0", "db1-pbs", "db1", "db2-pbs", "db2"),
                plan.nodes().stream().map(ClusterPlan.NodePlan::name).toList());
        assertEquals(NodeRole.EXPORT, plan.node("db0").role());
        assertEquals(plan.node("db1").uri().toString(), plan.node("db1-pbs").settings().get("pbs.targets").orElseThrow());
        assertEquals(plan.node("db1-pbs").uri().toString(), plan.node("db1").settings().get("import.sources").orElseThrow());

        List<ResilientNode> open = new ArrayList<>();
        try {
            for (ClusterPlan.NodePlan n : plan.nodes()) {
                open.add(plan.open(n.name()));
            }
            BackupId id = open.get(0).exportNow();
            for (ResilientNode n : open.subList(1, open.size())) {
                assertEquals(Optional.of(id), n.poll(), n.name());
            }
            assertEquals("hello", Files.readString(dir.resolve("standby/db1/a.txt")));
            assertEquals("hello", Files.readString(dir.resolve("standby/db2/a.txt")));
        } finally {
            open.forEach(ResilientNode::close);
        }
    }

    @Test
    @DisplayName("written configs are complete (a node opens from its file alone) and readable by the owner only")
    void writesConfigs() throws Exception {
        ClusterPlan plan = db(2).sharedPullBackup(true).https("127.0.0.1", List.of(7001, 7002, 7003)).plan();
        assertEquals(List.of("db0", "db-pbs", "db1"), plan.nodes().stream().map(ClusterPlan.NodePlan::name).toList());
        List<Path> files = plan.write(dir.resolve("etc"));
        assertEquals(3, files.size());
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("etc/db-pbs.properties"))) {
            p.load(r);
        }
        assertEquals("https://127.0.0.1:7001", p.getProperty("pbs.source"));
        assertEquals("https://127.0.0.1:7003", p.getProperty("pbs.targets"));
        assertEquals("127.0.0.1:7002", p.getProperty("node.listen"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
        ResilienceException e = assertThrows(ResilienceException.class, () -> plan.write(dir.resolve("etc")));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
    }

    @Test
    @DisplayName("with a coordinator every node names it and the leader is a target of the first pull-backup node")
    void coordinator() {
        ClusterPlan embedded = db(3).embeddedCoordinator().plan();
        for (ClusterPlan.NodePlan n : embedded.nodes()) {
            assertEquals(Optional.of("embedded"), n.settings().get("node.coordinator"), n.name());
            assertEquals(Optional.of(dir.resolve("nodes/coordination").toString()), n.settings().get("embedded.dir"));
        }
        assertEquals(embedded.node("db0").uri() + "," + embedded.node("db1").uri(),
                embedded.node("db1-pbs").settings().get("pbs.targets").orElseThrow());
        assertEquals(embedded.node("db2").uri().toString(), embedded.node("db2-pbs").settings().get("pbs.targets").orElseThrow());
        // Without a coordinator the leader is nobody's target.
        assertEquals(db(3).plan().node("db1").uri().toString(),
                db(3).plan().node("db1-pbs").settings().get("pbs.targets").orElseThrow());
        ClusterPlan zk = db(2).sharedPullBackup(true).zooKeeperCoordinator("zk1:2181,zk2:2181").plan();
        assertEquals(Optional.of("zk1:2181,zk2:2181"), zk.node("db1").settings().get("zookeeper.connect"));
        assertEquals(Optional.of("/resilient/db"), zk.node("db-pbs").settings().get("zookeeper.base-path"));
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class,
                () -> db(2).zooKeeperCoordinator("zk1")).code());
    }

    @Test
    @DisplayName("a cluster of one node, a bad name or a wrong number of ports is refused")
    void refusesBadPlans() {
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class,
                () -> Resilient.replicate("db", 1)).code());
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class,
                () -> Resilient.replicate("../x", 2)).code());
        assertEquals(ErrorCode.CONFIG_INVALID, assertThrows(ResilienceException.class,
                () -> db(2).https("127.0.0.1", List.of(7001)).plan()).code());
    }
}
