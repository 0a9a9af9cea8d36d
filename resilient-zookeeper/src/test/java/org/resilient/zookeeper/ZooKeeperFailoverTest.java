package org.resilient.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.Generation;
import org.resilient.api.NodeRole;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.core.archive.copy.CopyArchiveProvider;
import org.resilient.testkit.Poll;

/**
 * Automatic failover of real running nodes ({@code files} component, {@code file:} transport, copy archive, each
 * node's own work loop and heartbeat thread) on a real three-server ZooKeeper ensemble ({@link TestingCluster}).
 * Each node reaches the ensemble through its own {@link TcpProxy}s, so one node can be partitioned alone: a crash is
 * a partition that never ends (its session expires on the servers, as after {@code kill -9}); a session expiry is a
 * partition longer than the session. ZooKeeper servers are killed under a crashing leader, under a running leader and
 * in the middle of an election (and restarted after the test). Sessions of 2 s; nodes poll every 200 ms. Waits poll
 * with a deadline.
 */
class ZooKeeperFailoverTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    @RegisterExtension
    static final ZooKeeperEnsemble ENSEMBLE = new ZooKeeperEnsemble();

    @TempDir
    Path dir;
    private final String basePath = "/failover" + CLUSTERS.incrementAndGet();
    private final Map<String, List<TcpProxy>> proxies = new HashMap<>();
    private final Map<String, ResilientNode> nodes = new HashMap<>();

    private final List<InstanceSpec> killed = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        nodes.values().forEach(ResilientNode::close);
        proxies.values().forEach(l -> l.forEach(TcpProxy::close));
        for (InstanceSpec spec : killed) {
            ENSEMBLE.cluster().restartServer(spec); // the next test has all three servers again
        }
    }

    /** Kills the ZooKeeper server a node's session is connected to now. */
    private void killServerOf(String node) throws Exception {
        await(node + " to be connected to a server", () -> proxies.get(node).stream().anyMatch(TcpProxy::connected));
        TcpProxy through = proxies.get(node).stream().filter(TcpProxy::connected).findFirst().orElseThrow();
        InstanceSpec spec = ENSEMBLE.cluster().getInstances().stream().filter(i -> i.getPort() == through.targetPort())
                .findFirst().orElseThrow();
        ENSEMBLE.cluster().killServer(spec);
        killed.add(spec);
    }

    /** A node crashes: cut off for good (its session expires on the servers) and closed in the background. */
    private void crash(String node) {
        cut(node);
        ResilientNode n = nodes.remove(node);
        Thread closing = new Thread(n::close); // its coordinator cannot say goodbye: the session expires
        closing.setDaemon(true);
        closing.start();
    }

    private Path live(String node) {
        return dir.resolve("live").resolve(node);
    }

    private ResilientNode start(String name, NodeRole role) throws IOException {
        List<TcpProxy> mine = ENSEMBLE.proxies();
        proxies.put(name, mine);
        Resilient.Builder b = Resilient.node(name, role).directory(dir.resolve("nodes").resolve(name))
                .environment(Map.of()).set("node.coordinator", "zookeeper")
                .set("zookeeper.connect", ZooKeeperEnsemble.connectString(mine))
                .set("zookeeper.base-path", basePath).set("zookeeper.session-timeout", "2s")
                .set("zookeeper.connection-timeout", "2s").set("node.poll-interval", "200ms")
                .set("export.jitter", "0s").set("export.retries", "0").set("node.retry-delay", "1s");
        if (role == NodeRole.PULL_BACKUP) {
            b.set("pbs.source", dir.resolve("nodes/db0").toUri().toString())
                    .set("pbs.targets", dir.resolve("nodes/db0").toUri() + "," + dir.resolve("nodes/db1").toUri())
                    .set("pbs.archive", "copy:" + dir.resolve("archive"));
        } else {
            Files.createDirectories(live(name));
            b.component("files").set("files.source", live(name).toString()).set("files.target", live(name).toString())
                    .set("export.notify", dir.resolve("nodes/pbs1").toUri().toString());
        }
        ResilientNode n = b.start();
        nodes.put(name, n);
        return n;
    }

    /** db0 leads, pbs1 feeds db1; returns once db1 holds db0's first backup. */
    private void cluster() throws IOException {
        Files.createDirectories(live("db0"));
        Files.writeString(live("db0").resolve("data.txt"), "v0");
        start("pbs1", NodeRole.PULL_BACKUP);
        start("db1", NodeRole.IMPORT);
        start("db0", NodeRole.EXPORT);
        await("db1 to import db0's first backup", () -> "v0".equals(read("db1")));
    }

    private String read(String node) {
        try {
            Path f = live(node).resolve("data.txt");
            return Files.exists(f) ? Files.readString(f) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void cut(String node) {
        proxies.get(node).forEach(TcpProxy::blackhole);
    }

    private void restore(String node) {
        proxies.get(node).forEach(TcpProxy::restore);
    }

    private static void await(String what, BooleanSupplier done) {
        Poll.until(what, DEADLINE, done);
    }

    private List<Generation> archived() {
        try (Archive a = new CopyArchiveProvider().open(java.net.URI.create("copy:" + dir.resolve("archive")),
                Settings.empty(), false)) {
            return a.generations();
        }
    }

    /** One exporter per epoch among the archived backups, and epochs never go back in the order they were stored. */
    private void assertFenced() {
        Map<Epoch, String> exporter = new HashMap<>();
        Epoch newest = Epoch.INITIAL;
        for (Generation g : archived()) {
            String other = exporter.putIfAbsent(g.epoch(), g.sourceNode());
            assertTrue(other == null || other.equals(g.sourceNode()), "two exporters in epoch " + g.epoch() + ": "
                    + archived());
            assertTrue(!g.epoch().isOlderThan(newest), "an older epoch stored after a newer one: " + archived());
            newest = g.epoch();
        }
    }

    @Test
    @DisplayName("leader crash (its session expires on the servers): the import node is promoted once and feeds the archive")
    void leaderCrash() throws IOException {
        cluster();
        long crashed = System.nanoTime();
        crash("db0");
        ResilientNode db1 = nodes.get("db1");
        await("db1 to lead", () -> db1.role() == NodeRole.EXPORT);
        long seconds = Duration.ofNanos(System.nanoTime() - crashed).toSeconds();
        assertTrue(seconds <= 15, "failover took " + seconds + " s");
        assertEquals(new Epoch(1), db1.epoch());
        assertTrue(db1.status().lastRun("promote").orElseThrow().ok());
        await("the new leader's first backup in the archive", () -> archived().stream()
                .anyMatch(g -> g.epoch().equals(new Epoch(1))));
        ResilientNode pbs = nodes.get("pbs1");
        assertEquals(new Epoch(1), pbs.epoch());
        assertEquals(new Epoch(1), db1.epoch(), "promoted exactly once");
        assertFenced();
    }

    @Test
    @DisplayName("the leader's session expires in a partition: it stops exporting, db1 takes over, and the old leader "
            + "comes back demoted and is re-seeded")
    void leaderSessionExpires() throws IOException {
        cluster();
        ResilientNode db0 = nodes.get("db0");
        ResilientNode db1 = nodes.get("db1");
        cut("db0");
        await("db1 to lead", () -> db1.role() == NodeRole.EXPORT);
        // db0 still runs, cut off: it lost its lease on SUSPENDED, before db1 could take it, and exports nothing.
        assertEquals(NodeRole.EXPORT, db0.role());
        await("db0's status to report it cannot lead", () -> db0.status().failover().problem());
        int before = db0.status().published().size();
        try {
            db0.exportNow();
            throw new AssertionError("a leader without its lease exported");
        } catch (org.resilient.api.ResilienceException e) {
            assertEquals(org.resilient.api.ErrorCode.WRONG_STATE, e.code(), e.getMessage());
        }
        assertEquals(before, db0.status().published().size());
        restore("db0");
        await("db0 to learn the new epoch and step down", () -> db0.role() == NodeRole.IMPORT
                && db0.epoch().equals(new Epoch(1)));
        Files.writeString(live("db1").resolve("data.txt"), "v1");
        db1.requestExport().join();
        await("db0 to be re-seeded by db1's backup", () -> "v1".equals(read("db0")));
        assertEquals(NodeRole.EXPORT, db1.role());
        assertFenced();
    }

    @Test
    @DisplayName("the leader crashes and the server its session was on is killed: db1 takes over in epoch 1, exactly once")
    void leaderCrashesWithItsServer() throws Exception {
        cluster();
        killServerOf("db0");
        crash("db0");
        ResilientNode db1 = nodes.get("db1");
        await("db1 to lead", () -> db1.role() == NodeRole.EXPORT);
        assertEquals(new Epoch(1), db1.epoch(), "the epoch moved by exactly one");
        await("the new leader's first backup in the archive", () -> archived().stream()
                .anyMatch(g -> g.epoch().equals(new Epoch(1))));
        assertEquals(new Epoch(1), nodes.get("pbs1").epoch());
        assertEquals(new Epoch(1), db1.epoch(), "promoted exactly once");
        assertFenced();
    }

    @Test
    @DisplayName("the server a running leader's session is on is killed: one leader after it, and backups go on")
    void leadersServerKilled() throws Exception {
        cluster();
        ResilientNode db0 = nodes.get("db0");
        ResilientNode db1 = nodes.get("db1");
        killServerOf("db0");
        // Its session moves to another server (kept: no failover) or expires (db1 takes over): either way one leader.
        await("one leader holding the lease", () -> (db0.role() == NodeRole.EXPORT) != (db1.role() == NodeRole.EXPORT)
                && !(db0.role() == NodeRole.EXPORT ? db0 : db1).status().failover().problem());
        // Backups go on: an export may still be refused while the client moves between servers (each SUSPENDED
        // ends the lease until the session is checked again), so the test asks until one is published.
        await("the leader to publish a backup after the kill", () -> {
            ResilientNode l = db0.role() == NodeRole.EXPORT ? db0 : db1;
            try {
                Files.writeString(live(l.name()).resolve("data.txt"), "v1");
                l.requestExport().join();
                return true;
            } catch (IOException | java.util.concurrent.CompletionException e) {
                return false;
            }
        });
        ResilientNode leader = db0.role() == NodeRole.EXPORT ? db0 : db1;
        ResilientNode other = leader == db0 ? db1 : db0;
        await(other.name() + " to import the leader's next backup", () -> "v1".equals(read(other.name())));
        assertEquals(NodeRole.EXPORT, leader.role());
        assertEquals(NodeRole.IMPORT, other.role(), "one leader");
        assertEquals(leader == db0 ? Epoch.INITIAL : new Epoch(1), leader.epoch(), "the epoch moves only on failover, by one");
        assertFenced();
    }

    @Test
    @DisplayName("a server is killed in the middle of an election: the candidate still takes over, in epoch 1, once")
    void serverKilledDuringElection() throws Exception {
        cluster();
        ResilientNode db1 = nodes.get("db1");
        String lease = basePath + ZooKeeperCoordinator.LEASE;
        // The election starts when db0's lease node goes with its session: kill db1's server at that moment.
        try (org.apache.zookeeper.ZooKeeper observer = new org.apache.zookeeper.ZooKeeper(ENSEMBLE.cluster().getConnectString(),
                2000, e -> { })) {
            await("the observer to see db0's lease", () -> owner(observer, lease) > 0);
            long db0Session = owner(observer, lease);
            crash("db0");
            await("db0's lease to expire", () -> {
                long o = owner(observer, lease);
                return o == 0 || (o > 0 && o != db0Session);
            });
            System.out.println("killing db1's server when the lease is " + (owner(observer, lease) == 0 ? "free"
                    : "already taken again") + " (" + db1.status().failover() + ")");
        }
        killServerOf("db1");
        await("db1 to lead", () -> db1.role() == NodeRole.EXPORT && !db1.status().failover().problem());
        assertEquals(new Epoch(1), db1.epoch(), "the epoch moved by exactly one");
        await("the new leader's first backup in the archive", () -> archived().stream()
                .anyMatch(g -> g.epoch().equals(new Epoch(1))));
        assertEquals(new Epoch(1), nodes.get("pbs1").epoch());
        assertFenced();
    }

    /** The session owning a node, 0 if there is none, -1 if it cannot be read now. */
    private static long owner(org.apache.zookeeper.ZooKeeper zk, String path) {
        try {
            if (!zk.getState().isConnected()) {
                return -1;
            }
            org.apache.zookeeper.data.Stat st = zk.exists(path, false);
            return st == null ? 0 : st.getEphemeralOwner();
        } catch (Exception e) {
            return -1;
        }
    }
}
