package org.resilient.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Epoch;
import org.resilient.api.NodeRole;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.testkit.Poll;

/**
 * Racing automatic candidates: three import nodes hold the same newest import, the leader leaves (its lease is freed at
 * once) and every candidate's own work loop runs its election at the same time, on its own thread: exactly one is
 * promoted, in the next epoch, and the others follow it (they learn the epoch, and the pull-backup node feeds them the
 * new leader's next backup). On the embedded coordinator and on a real three-server ZooKeeper ensemble, each repeated
 * on a fresh cluster.
 *
 * <p>Two views: an honest one (every candidate sees the others, so all pick the same one by name: the race is of
 * threads, not of choices), and one where each candidate is blind to the other candidates, their states and their
 * lease ({@link HidingCoordinatorProvider}), so each elects itself and all really try to take over: the test checks
 * that the losers did try.
 */
class RacingCandidatesTest {
    private static final int REPEATS = Integer.getInteger("racing.repeats", 5);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final List<String> CANDIDATES = List.of("db1", "db2", "db3");
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static TestingCluster ensemble;

    @TempDir
    Path dir;
    private final Map<String, ResilientNode> nodes = new LinkedHashMap<>();

    @BeforeAll
    static void startEnsemble() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 200, -1));
        }
        ensemble = new TestingCluster(specs);
        ensemble.start();
    }

    @AfterAll
    static void stopEnsemble() throws Exception {
        ensemble.close();
    }

    @AfterEach
    void stop() {
        closeAll();
    }

    /** Closes the import nodes first, then the leader: no election runs while the cluster is torn down. */
    private void closeAll() {
        nodes.values().stream().filter(n -> n.role() == NodeRole.IMPORT).forEach(ResilientNode::close);
        nodes.values().forEach(ResilientNode::close);
        nodes.clear();
    }

    @ParameterizedTest(name = "{0}, candidates hiding each other: {1}")
    @CsvSource({"embedded, false", "embedded, true", "zookeeper, false", "zookeeper, true"})
    @DisplayName("three candidates with the same newest import race when the lease is freed: one promotes, the others follow")
    void oneWins(String coordinator, boolean hiding) throws IOException {
        Map<String, Integer> wins = new LinkedHashMap<>();
        for (int round = 0; round < REPEATS; round++) {
            String winner = race(dir.resolve("round" + round), coordinator, hiding);
            wins.merge(winner, 1, Integer::sum);
            closeAll();
        }
        if (!hiding) {
            assertEquals(Map.of("db1", REPEATS), wins, "with the same import and priority, the name decides: db1");
        }
    }

    /** One race on a fresh cluster; returns the winner after checking the others follow it. */
    private String race(Path root, String coordinator, boolean hiding) throws IOException {
        String base = "/racing" + CLUSTERS.incrementAndGet();
        Path live0 = root.resolve("live/db0");
        Files.createDirectories(live0);
        Files.writeString(live0.resolve("data.txt"), "v0");
        start(root, "pbs1", NodeRole.PULL_BACKUP, coordinator, hiding, base);
        for (String c : CANDIDATES) {
            start(root, c, NodeRole.IMPORT, coordinator, hiding, base);
        }
        ResilientNode db0 = start(root, "db0", NodeRole.EXPORT, coordinator, hiding, base);
        await("every candidate to import db0's first backup", () -> CANDIDATES.stream()
                .allMatch(c -> "v0".equals(read(root, c)) && nodes.get(c).status().lastImport() != null));

        nodes.remove("db0");
        db0.close(); // releases the lease at once: every candidate's loop sees it free within one poll

        await("one candidate to lead", () -> leaders().size() == 1);
        String winner = leaders().get(0);
        await("every candidate to know epoch 1", () -> CANDIDATES.stream()
                .allMatch(c -> nodes.get(c).epoch().equals(new Epoch(1))));
        Files.writeString(root.resolve("live").resolve(winner).resolve("data.txt"), "v1");
        nodes.get(winner).requestExport().join();
        await("the others to import " + winner + "'s backup", () -> CANDIDATES.stream().filter(c -> !c.equals(winner))
                .allMatch(c -> "v1".equals(read(root, c))));
        assertEquals(List.of(winner), leaders(), "still one leader");
        if (hiding) {
            // Blind to the winner, each loser elected itself and tried: the lease stopped it.
            await("the others to have tried to take over", () -> CANDIDATES.stream().filter(c -> !c.equals(winner))
                    .allMatch(c -> nodes.get(c).status().failover().summary().contains("another node took the lease")));
        }
        for (String c : CANDIDATES) {
            int promotions = nodes.get(c).status().lastRun("promote").isPresent() ? 1 : 0;
            assertEquals(c.equals(winner) ? 1 : 0, promotions, c + " promoted (winner " + winner + ")");
            assertEquals(new Epoch(1), nodes.get(c).epoch(), c + ": the epoch moved by exactly one");
        }
        return winner;
    }

    private List<String> leaders() {
        return CANDIDATES.stream().filter(c -> nodes.get(c).role() == NodeRole.EXPORT).toList();
    }

    private ResilientNode start(Path root, String name, NodeRole role, String coordinator, boolean hiding, String base)
            throws IOException {
        Resilient.Builder b = Resilient.node(name, role).directory(root.resolve("nodes").resolve(name))
                .environment(Map.of()).set("node.poll-interval", "100ms").set("export.jitter", "0s")
                .set("export.retries", "0").set("node.retry-delay", "1s");
        if (hiding) {
            b.set("node.coordinator", "hiding").set("hiding.coordinator", coordinator)
                    .set("hiding.members", String.join(",", CANDIDATES.stream().filter(c -> !c.equals(name)).toList()));
        } else {
            b.set("node.coordinator", coordinator);
        }
        // The hiding coordinator declares both coordinators' settings, so it needs both (only the one named is used).
        if (hiding || coordinator.equals("embedded")) {
            b.set("embedded.dir", root.resolve("coordination").toString()).set("embedded.lease-ttl", "2s")
                    .set("embedded.heartbeat-interval", "300ms").set("embedded.lease-margin", "500ms");
        }
        if (hiding || coordinator.equals("zookeeper")) {
            b.set("zookeeper.connect", ensemble.getConnectString()).set("zookeeper.base-path", base)
                    .set("zookeeper.session-timeout", "2s").set("zookeeper.connection-timeout", "2s");
        }
        if (role == NodeRole.PULL_BACKUP) {
            List<String> targets = new ArrayList<>(List.of(root.resolve("nodes/db0").toUri().toString()));
            CANDIDATES.forEach(c -> targets.add(root.resolve("nodes").resolve(c).toUri().toString()));
            b.set("pbs.source", root.resolve("nodes/db0").toUri().toString()).set("pbs.targets", String.join(",", targets))
                    .set("pbs.archive", "copy:" + root.resolve("archive"));
        } else {
            Path live = root.resolve("live").resolve(name);
            Files.createDirectories(live);
            b.component("files").set("files.source", live.toString()).set("files.target", live.toString())
                    .set("export.notify", root.resolve("nodes/pbs1").toUri().toString());
        }
        ResilientNode n = b.start();
        nodes.put(name, n);
        return n;
    }

    private static String read(Path root, String node) {
        try {
            Path f = root.resolve("live").resolve(node).resolve("data.txt");
            return Files.exists(f) ? Files.readString(f) : null;
        } catch (IOException e) {
            return null; // a demoted or half-imported copy: read again at the next poll
        }
    }

    private static void await(String what, BooleanSupplier done) {
        Poll.until(what, DEADLINE, done);
    }
}
