package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.https.ClusterKeys;

/**
 * One cluster of four {@code resilient node} processes (export, pull-backup, two imports) of the distribution, over
 * https with mutual TLS on loopback, driven as a user would: through the files on disk, the CLI and {@code /health}.
 * The nodes start once for the class (each start is a JVM, and a cluster per test would start 16); the tests run in
 * order on the same cluster, but none relies on an earlier one having passed: before each test the cluster is
 * brought back to its precondition ({@link #restorePrecondition()}: every node running and listening, the leader's
 * last backup delivered everywhere, nothing pending, every node healthy), so a test that failed half-way (say with
 * an import node still killed) fails alone, and each test waits for its own backup ids.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Generous: for a loaded CI machine, not the time a step is expected to take. */
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static NodeCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = NodeCluster.create(dir.resolve("c"));
        Path live = cluster.live();
        Files.createDirectories(live.resolve("tables"));
        Files.createDirectories(live.resolve("spool/empty"));
        Files.write(live.resolve("tables/orders.tsv"), random(1 << 20, 1));
        Files.writeString(live.resolve("app.conf"), "max_connections=100\n");
        Files.setPosixFilePermissions(live.resolve("app.conf"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(live.resolve("current"), Path.of("tables/orders.tsv"));
        cluster.startAll();
    }

    /**
     * Restores what every test starts from: every node running and listening (one a failed test left killed is
     * started again), the leader's last backup imported by both imports and archived, nothing pending, all healthy.
     */
    @BeforeEach
    void restorePrecondition() throws Exception {
        List<String> restarted = cluster.ensureRunning();
        if (!restarted.isEmpty()) {
            cluster.trace("restarted " + restarted + ", left stopped by an earlier test");
        }
        cluster.await("the leader's first export (at start)", DEADLINE, () -> cluster.lastGood("export", "export") != null);
        awaitDelivered(cluster.lastGood("export", "export"), "import1", "import2");
        cluster.await("every node idle and healthy", DEADLINE, () -> NodeCluster.ROLES.stream().map(cluster::health)
                .allMatch(h -> h.path("healthy").asBoolean() && h.path("pending").isNull()));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Waits until both imports imported the backup and the pull-backup node archived it. */
    private static void awaitDelivered(String id, String... imports) throws InterruptedException {
        for (String role : imports) {
            cluster.await(role + " to import " + id, DEADLINE, () -> id.equals(cluster.lastImport(role)));
        }
        cluster.await("node-pbs to archive " + id, DEADLINE, () -> id.equals(cluster.lastGood("pbs", "archive")));
    }

    private static String archive() {
        return cluster.setting("pbs", "pbs.archive");
    }

    /** The archive's generations by backup id: how many generations each backup has. */
    private static Map<String, Integer> generations() throws Exception {
        JsonNode list = JSON.readTree(cluster.cli(0, "archive", "list", "--json", "--repo", archive()));
        Map<String, Integer> m = new TreeMap<>();
        list.forEach(g -> m.merge(g.path("backupId").asText(), 1, Integer::sum));
        return m;
    }

    /** {@code resilient export -c}: the running leader exports now; the command prints the backup id. */
    private static String exportNow() throws Exception {
        String out = cluster.cli(0, "export", "-c", cluster.config("export").toString());
        List<String> ids = out.lines().map(String::strip).filter(l -> l.matches("\\d{8}T\\d{6}\\.\\d{3}Z-.+")).toList();
        assertEquals(1, ids.size(), "resilient export printed no backup id:\n" + out);
        return ids.get(0);
    }

    private static void assertSameTrees(String role) throws IOException {
        List<String> diffs = Trees.differences(cluster.live(), cluster.standby(role));
        assertTrue(diffs.isEmpty(), role + "'s standby differs from the leader's data: " + diffs);
    }

    @Test
    @Order(1)
    @DisplayName("a backup made by the leader reaches both standbys byte for byte and the archive, twice in a row")
    void normalCycle() throws Exception {
        cluster.await("the leader's first export (at start)", DEADLINE, () -> cluster.lastGood("export", "export") != null);
        String first = cluster.lastGood("export", "export");
        awaitDelivered(first, "import1", "import2");
        assertSameTrees("import1");
        assertSameTrees("import2");

        // The next backup is asked of the running leader through the CLI, as an operator would.
        Files.write(cluster.live().resolve("tables/orders.tsv"), random(64 << 10, 2), StandardOpenOption.APPEND);
        Files.writeString(cluster.live().resolve("tables/invoices.tsv"), "1\tnew table\n");
        String second = exportNow();
        assertNotEquals(first, second);
        awaitDelivered(second, "import1", "import2");
        assertSameTrees("import1");
        assertSameTrees("import2");

        assertEquals(Map.of(first, 1, second, 1), generations(), "each backup is archived exactly once");
        cluster.cli(0, "archive", "verify", "--read-data", "--repo", archive());
        for (String role : NodeCluster.ROLES) {
            JsonNode h = cluster.health(role);
            assertTrue(h.path("healthy").asBoolean(), role + " is unhealthy: " + h);
        }
    }

    @Test
    @Order(2)
    @DisplayName("a node of another cluster, forged, unsigned and plain-HTTP messages are refused and change nothing")
    void refusals() throws Exception {
        Map<String, JsonNode> before = new TreeMap<>();
        for (String role : NodeCluster.ROLES) {
            before.put(role, cluster.health(role).path("steps"));
        }
        long refused1 = cluster.logCount("import1", "refused");
        long refusedPbs = cluster.logCount("pbs", "refused");

        // A node with another cluster's keys (its own CA) that claims to be this cluster's leader, run as its own
        // process: its export is published in its own directory, but its announcement to node-pbs is refused.
        Path foreignKeys = dir.resolve("foreign-keys");
        ClusterKeys.init(foreignKeys);
        String keyLines = ClusterKeys.addNode(foreignKeys, cluster.uri("export"), false).settings();
        Path foreignDir = dir.resolve("foreign-node");
        Files.createDirectories(foreignDir.resolve("live"));
        Files.writeString(foreignDir.resolve("live/evil.txt"), "not from this cluster\n");
        String config = Files.readString(cluster.config("export")).lines()
                .filter(l -> !l.matches("(node\\.(key|trust)-store.*|node\\.dir|files\\.source|node\\.metrics-listen)=.*"))
                .collect(Collectors.joining("\n", "", "\n")) + "node.dir=" + foreignDir.resolve("node") + "\nfiles.source="
                + foreignDir.resolve("live") + "\n" + keyLines;
        Path foreign = Files.writeString(foreignDir.resolve("foreign.properties"), config);
        String out = cluster.cli(NodeCluster.FAILED, "export", "-c", foreign.toString());
        assertTrue(out.contains("could not be announced"), out);
        String foreignId;
        try (var s = Files.list(foreignDir.resolve("node/backup"))) {
            foreignId = s.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }

        // A member's TLS identity (the leader's) with messages that are not signed by it.
        RawPeer leaderKeys = new RawPeer(NodeCluster.settings(cluster.config("export")));
        String from = cluster.uri("export").toString();
        String unsigned = message("LEADER_CHANGED", from, 99, null, null, null);
        assertEquals(204, leaderKeys.post(cluster.uri("import1"), unsigned), "the transport takes it into the inbox");
        // Forged: the leader's real certificate as signer, but a signature that is not the leader's.
        String forged = message("BACKUP_PUBLISHED", from, 0, "20300101T000000.000Z-node0", leaderKeys.certificateBase64(),
                Base64.getEncoder().encodeToString(random(64, 3)));
        assertEquals(204, leaderKeys.post(cluster.uri("pbs"), forged));
        // The other cluster's keys do not even get a TLS connection, and plain HTTP gets no answer.
        RawPeer otherKeys = new RawPeer(NodeCluster.settings(foreign));
        assertThrows(IOException.class, () -> otherKeys.post(cluster.uri("pbs"),
                message("BACKUP_PUBLISHED", from, 0, "20300101T000000.000Z-node0", null, null)));
        assertThrows(IOException.class, () -> RawPeer.postPlain(cluster.uri("import2"), unsigned));

        // Each node reads its inbox every 200 ms: wait until both refused what they were sent.
        cluster.await("import1 to refuse the unsigned LEADER_CHANGED", DEADLINE,
                () -> cluster.logCount("import1", "refused LEADER_CHANGED") == 1);
        cluster.await("node-pbs to refuse the forged announcement", DEADLINE,
                () -> cluster.logCount("pbs", "refused BACKUP_PUBLISHED for 20300101T000000.000Z-node0") == 1);
        assertEquals(refused1 + 1, cluster.logCount("import1", "refused"));
        assertEquals(refusedPbs + 1, cluster.logCount("pbs", "refused"));

        // Nothing changed and nothing ran: epochs, queues, every step's last run, the standbys.
        for (String role : NodeCluster.ROLES) {
            JsonNode h = cluster.health(role);
            assertEquals(0, h.path("epoch").asLong(), role + "'s epoch changed: " + h);
            assertTrue(h.path("healthy").asBoolean(), role + " is unhealthy: " + h);
            assertTrue(h.path("pending").isNull(), role + " has a job queued: " + h);
            assertEquals(before.get(role), h.path("steps"), role + " ran a step");
        }
        assertEquals(1, cluster.logCount("pbs", "20300101T000000.000Z-node0"), "the forged backup is only named in its refusal");
        assertEquals(0, cluster.logCount("pbs", foreignId), "nothing of the foreign node reached node-pbs");
        assertSameTrees("import1");
        assertSameTrees("import2");
    }

    /** A message in its text form, signed with the given certificate and signature if they are not null. */
    private static String message(String type, String from, long epoch, String backupId, String signerCert,
                                  String signature) {
        StringBuilder m = new StringBuilder("resilient-message=1\ntype=" + type + "\nfrom=" + from + "\nepoch=" + epoch + "\n");
        if (backupId != null) {
            m.append("backup-id=").append(backupId).append('\n');
        }
        m.append("sent-at=").append(Instant.now()).append("\nsequence=1000\nnonce=").append(Long.toHexString(System.nanoTime()))
                .append('\n');
        if (signerCert != null) {
            m.append("signer-cert=").append(signerCert).append("\nsignature=").append(signature).append('\n');
        }
        return m.toString();
    }

    @Test
    @Order(3)
    @DisplayName("an import node down during a delivery catches up when it starts again; the backup is archived once")
    void importDownCatchesUp() throws Exception {
        cluster.kill("import2");
        Files.writeString(cluster.live().resolve("tables/while-import2-down.tsv"), "1\twritten while node2 is down\n");
        String id = exportNow();
        cluster.await("import1 to import " + id, DEADLINE, () -> id.equals(cluster.lastImport("import1")));
        // The delivery to node2 fails (its port is closed) and is retried with backoff.
        cluster.await("node-pbs to fail pushing " + id + " to the stopped node2", DEADLINE, () -> {
            JsonNode push = cluster.health("pbs").path("steps").path("push");
            return id.equals(push.path("backupId").asText()) && !push.path("ok").asBoolean();
        });
        assertSameTrees("import1");

        cluster.start("import2");
        cluster.awaitListening("import2");
        awaitDelivered(id, "import2");
        assertSameTrees("import2");
        assertEquals(1, generations().get(id), "archived exactly once despite the retried delivery");
        assertEquals(1, cluster.logCount("import1", "imported backup " + id), "node1 imported it once");
        assertEquals(1, cluster.logCount("import2", "imported backup " + id), "node2 imported it once");
        cluster.await("node-pbs healthy again", DEADLINE, () -> cluster.health("pbs").path("healthy").asBoolean());
    }
}
