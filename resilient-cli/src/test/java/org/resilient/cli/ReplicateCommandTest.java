package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("resilient replicate")
class ReplicateCommandTest {
    @TempDir
    Path tmp;

    private Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @Test
    @DisplayName("writes one config per node whose nodes run a cycle from those files alone")
    void fileCluster() throws IOException {
        Files.createDirectories(tmp.resolve("live"));
        Files.writeString(tmp.resolve("live/a.txt"), "hello");
        CliRun r = CliRun.of("replicate", "db", "2", "--dir", tmp.resolve("nodes").toString(),
                "--export-set", "files.source=" + tmp.resolve("live"),
                "--import-set", "files.target=" + tmp.resolve("standby/${node}"),
                "--import-set", "files.source=" + tmp.resolve("standby/${node}"));
        assertEquals(0, r.status(), r.toString());
        Path nodes = tmp.resolve("nodes");
        assertEquals("export", read(nodes.resolve("db0.properties")).getProperty("node.role"));
        assertEquals(tmp.resolve("standby/db1").toString(), read(nodes.resolve("db1.properties")).getProperty("files.target"));
        assertEquals(0, CliRun.of("export", "-c", nodes.resolve("db0.properties").toString()).status());
        CliRun pull = CliRun.of("pull", "-c", nodes.resolve("db1-pbs.properties").toString());
        assertEquals(0, pull.status(), pull.toString());
        CliRun imp = CliRun.of("import", "-c", nodes.resolve("db1.properties").toString());
        assertEquals(0, imp.status(), imp.toString());
        assertEquals("hello", Files.readString(tmp.resolve("standby/db1/a.txt")));
    }

    @Test
    @DisplayName("with --https every node gets a listen port of its own and its keys")
    void httpsCluster() throws IOException {
        CliRun r = CliRun.of("replicate", "db", "3", "--shared-pbs", "--https", "--dir", tmp.toString(),
                "--export-set", "files.source=/srv/data");
        assertEquals(0, r.status(), r.toString());
        Properties pbs = read(tmp.resolve("db-pbs.properties"));
        Properties db0 = read(tmp.resolve("db0.properties"));
        assertTrue(pbs.getProperty("node.uri").startsWith("https://127.0.0.1:"), pbs.toString());
        assertEquals(db0.getProperty("node.uri"), pbs.getProperty("pbs.source"));
        assertTrue(Files.isRegularFile(Path.of(pbs.getProperty("node.key-store"))), pbs.toString());
        assertEquals(4, r.out().lines().count(), r.out());
    }

    @Test
    @DisplayName("--coordinator embedded names one coordination directory on every node and re-seeds a returning leader")
    void embeddedCoordinator() throws IOException {
        CliRun r = CliRun.of("replicate", "db", "3", "--coordinator", "embedded", "--dir", tmp.toString(),
                "--import-set", "files.target=" + tmp.resolve("standby/${node}"));
        assertEquals(0, r.status(), r.toString());
        for (String n : java.util.List.of("db0", "db1-pbs", "db1", "db2-pbs", "db2")) {
            Properties p = read(tmp.resolve(n + ".properties"));
            assertEquals("embedded", p.getProperty("node.coordinator"), n);
            assertEquals(tmp.resolve("coordination").toString(), p.getProperty("embedded.dir"), n);
        }
        Properties db0 = read(tmp.resolve("db0.properties"));
        Properties db1 = read(tmp.resolve("db1.properties"));
        assertEquals(db0.getProperty("node.uri") + "," + db1.getProperty("node.uri"),
                read(tmp.resolve("db1-pbs.properties")).getProperty("pbs.targets"));
        assertEquals(read(tmp.resolve("db2.properties")).getProperty("node.uri"),
                read(tmp.resolve("db2-pbs.properties")).getProperty("pbs.targets"));
        // The configs are complete: the node opens them with its coordinator provider found.
        CliRun status = CliRun.of("status", "-c", tmp.resolve("db1.properties").toString());
        assertTrue(!status.toString().contains("CONFIG_INVALID"), status.toString());
    }

    @Test
    @DisplayName("--coordinator zookeeper writes the ensemble and a subtree per cluster; a missing ensemble is refused")
    void zooKeeperCoordinator() throws IOException {
        CliRun r = CliRun.of("replicate", "db", "2", "--shared-pbs", "--coordinator", "zookeeper",
                "--zookeeper-connect", "zk1:2181,zk2:2181", "--dir", tmp.toString());
        assertEquals(0, r.status(), r.toString());
        Properties pbs = read(tmp.resolve("db-pbs.properties"));
        assertEquals("zookeeper", pbs.getProperty("node.coordinator"));
        assertEquals("zk1:2181,zk2:2181", pbs.getProperty("zookeeper.connect"));
        assertEquals("/resilient/db", pbs.getProperty("zookeeper.base-path"));
        assertTrue(pbs.getProperty("pbs.targets").startsWith(read(tmp.resolve("db0.properties")).getProperty("node.uri")
                + ","), pbs.toString());
        assertEquals(2, CliRun.of("replicate", "db", "2", "--coordinator", "zookeeper", "--dir",
                tmp.resolve("x").toString()).status());
        assertEquals(2, CliRun.of("replicate", "db", "2", "--coordinator", "etcd", "--dir",
                tmp.resolve("y").toString()).status());
    }

    @Test
    @DisplayName("a cluster of one node is refused with a config error")
    void refusesOne() {
        CliRun r = CliRun.of("replicate", "db", "1", "--dir", tmp.toString());
        assertEquals(2, r.status(), r.toString());
    }
}
