package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.Message;
import org.resilient.api.MessageCodec;
import org.resilient.api.NodeLayout;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.core.node.NodeAuth;
import org.resilient.https.ClusterKeys;
import org.slf4j.LoggerFactory;

/**
 * The refusals of signed messages and manifests across {@code resilient node} processes over https that need a
 * member's own key to stage (so the TLS layer lets them through and only the signatures can refuse them): a replayed
 * message, and a backup whose MANIFEST is signed by a key the cluster does not trust though the announcement is
 * the leader's own. Each is refused and logged, nothing runs and nothing is written; each test then checks that the
 * cluster still delivers a real backup, which is also the precondition the next test starts from.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedClusterIT {
    /** Generous: for a loaded CI machine, not the time a step is expected to take. */
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    static Path dir;
    static NodeCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = NodeCluster.create(dir.resolve("c"));
        Files.writeString(cluster.live().resolve("orders.tsv"), "1\tfirst order\n");
        cluster.startAll();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every node running, the leader's last backup delivered everywhere, nothing pending, every node healthy. */
    @BeforeEach
    void restorePrecondition() throws Exception {
        cluster.ensureRunning();
        cluster.await("the leader's first export (at start)", DEADLINE, () -> cluster.lastGood("export", "export") != null);
        awaitDelivered(cluster.lastGood("export", "export"));
        cluster.await("every node idle and healthy", DEADLINE, () -> NodeCluster.ROLES.stream().map(cluster::health)
                .allMatch(h -> h.path("healthy").asBoolean() && h.path("pending").isNull()));
    }

    private static void awaitDelivered(String id) throws InterruptedException {
        for (String role : List.of("import1", "import2")) {
            cluster.await(role + " to import " + id, DEADLINE, () -> id.equals(cluster.lastImport(role)));
        }
        cluster.await("node-pbs to archive " + id, DEADLINE, () -> id.equals(cluster.lastGood("pbs", "archive")));
    }

    /** {@code resilient export -c}: the running leader exports now and announces it; returns the backup id. */
    private static String exportNow() throws Exception {
        String out = cluster.cli(0, "export", "-c", cluster.config("export").toString());
        return out.lines().map(String::strip).filter(l -> l.matches("\\d{8}T\\d{6}\\.\\d{3}Z-.+")).findFirst()
                .orElseThrow(() -> new AssertionError("resilient export printed no backup id:\n" + out));
    }

    /** The signer of a node's config: its own key, as its process signs with. */
    private static NodeAuth signer(Path config, String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            p.load(in);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return NodeAuth.open(Settings.of(m), new NodeLayout(dir.resolve("signer-" + name)).create(),
                LoggerFactory.getLogger(SignedClusterIT.class));
    }

    private static String text(Message m) {
        return new String(MessageCodec.write(m), StandardCharsets.UTF_8);
    }

    private static Map<String, JsonNode> steps() {
        Map<String, JsonNode> m = new TreeMap<>();
        for (String role : NodeCluster.ROLES) {
            m.put(role, cluster.health(role).path("steps"));
        }
        return m;
    }

    private static void assertUnchanged(Map<String, JsonNode> before) {
        for (String role : NodeCluster.ROLES) {
            JsonNode h = cluster.health(role);
            assertEquals(0, h.path("epoch").asLong(), role + "'s epoch changed: " + h);
            assertTrue(h.path("pending").isNull(), role + " has a job queued: " + h);
            assertEquals(before.get(role), h.path("steps"), role + " ran a step");
        }
    }

    @Test
    @Order(1)
    @DisplayName("a signed message delivered again, and an announcement replayed after the leader moved on, are refused")
    void replayed() throws Exception {
        URI leader = cluster.uri("export");
        NodeAuth leaderKey = signer(cluster.config("export"), "leader");
        // Captured now (a genuine announcement of the leader, signed with its key), replayed after its next backup.
        BackupId capturedId = BackupId.of(Instant.now(), "node0");
        String captured = text(leaderKey.sign(new Message(Message.Type.BACKUP_PUBLISHED, leader.toString(), Epoch.INITIAL,
                capturedId, Instant.now(), 0), Instant.now()));
        String real = exportNow();
        awaitDelivered(real);
        cluster.await("every node idle", DEADLINE, () -> NodeCluster.ROLES.stream().map(cluster::health)
                .allMatch(h -> h.path("pending").isNull()));
        Map<String, JsonNode> before = steps();

        RawPeer asLeader = new RawPeer(NodeCluster.settings(cluster.config("export")));
        assertEquals(204, asLeader.post(cluster.uri("pbs"), captured), "the transport takes it into the inbox");
        cluster.await("node-pbs to refuse the replayed announcement", DEADLINE,
                () -> cluster.logCount("pbs", "refused BACKUP_PUBLISHED for " + capturedId) == 1);
        assertTrue(cluster.logText("pbs").lines().anyMatch(l -> l.contains("refused BACKUP_PUBLISHED for " + capturedId)
                && l.contains("replayed or out of order")), cluster.logTail("pbs"));

        // The very same signed bytes twice: the first is taken (it only names the leader), the second refused.
        String changed = text(leaderKey.sign(new Message(Message.Type.LEADER_CHANGED, leader.toString(), Epoch.INITIAL,
                null, Instant.now()), Instant.now()));
        long named = cluster.logCount("import1", "leader of epoch 0 is " + leader);
        long refused = cluster.logCount("import1", "refused LEADER_CHANGED");
        assertEquals(204, asLeader.post(cluster.uri("import1"), changed));
        cluster.await("import1 to take the leader's LEADER_CHANGED", DEADLINE,
                () -> cluster.logCount("import1", "leader of epoch 0 is " + leader) == named + 1);
        assertEquals(204, asLeader.post(cluster.uri("import1"), changed));
        cluster.await("import1 to refuse it delivered again", DEADLINE,
                () -> cluster.logCount("import1", "refused LEADER_CHANGED") == refused + 1);
        assertTrue(cluster.logText("import1").lines().filter(l -> l.contains("refused LEADER_CHANGED"))
                .reduce((a, b) -> b).orElseThrow().contains("replayed or out of order"), cluster.logTail("import1"));
        assertEquals(named + 1, cluster.logCount("import1", "leader of epoch 0 is " + leader), "the replay was taken");

        assertUnchanged(before);
        assertEquals(1, cluster.logCount("pbs", capturedId.value()), "the replayed backup is only named in its refusal");
        assertFalse(Files.exists(cluster.nodeDir("pbs").resolve("backup").resolve(capturedId.value())));
        // The leader's next real backup still goes through: its messages are newer than all of the above.
        awaitDelivered(exportNow());
    }

    @Test
    @Order(2)
    @DisplayName("a backup announced by the leader whose MANIFEST is signed by an unknown key is neither kept, archived nor pushed")
    void manifestSignedByUnknownKey() throws Exception {
        URI leader = cluster.uri("export");
        // A backup in the leader's published folder, sealed as the leader would, but its MANIFEST signed by a key of
        // another CA that names the leader: what someone who can write there but lacks the leader's key can make.
        BackupId forgedId = BackupId.of(Instant.now(), "node0");
        Path forged = new NodeLayout(cluster.nodeDir("export")).backup(forgedId);
        Files.createDirectories(NodeLayout.data(forged));
        Files.writeString(NodeLayout.data(forged).resolve("orders.tsv"), "1\tforged order\n");
        BackupSealer.seal(forged, forgedId, "files", leader.toString(), Epoch.INITIAL, 0, Instant.now(),
                KnownDigests.NONE, ProgressListener.NONE, Cancellation.never());
        Path otherCa = dir.resolve("other-ca");
        ClusterKeys.init(otherCa);
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(otherCa, leader, false);
        NodeAuth.open(Settings.of(Map.of("node.key-store", k.keyStore().toString(), "node.key-store-password-file",
                k.keyStorePasswordFile().toString(), "node.trust-store", k.trustStore().toString(),
                "node.trust-store-password-file", k.trustStorePasswordFile().toString())),
                new NodeLayout(dir.resolve("signer-forger")).create(), LoggerFactory.getLogger(SignedClusterIT.class))
                .signManifest(forged);
        Map<String, JsonNode> before = steps();
        String archived = cluster.lastGood("pbs", "archive");

        // The announcement itself is the leader's, signed with its own key: only the MANIFEST's signature is wrong.
        String announcement = text(signer(cluster.config("export"), "leader").sign(new Message(
                Message.Type.BACKUP_PUBLISHED, leader.toString(), Epoch.INITIAL, forgedId, Instant.now(), 0), Instant.now()));
        assertEquals(204, new RawPeer(NodeCluster.settings(cluster.config("export"))).post(cluster.uri("pbs"), announcement));
        cluster.await("node-pbs to refuse " + forgedId + " after pulling it", DEADLINE, () -> {
            JsonNode pull = cluster.health("pbs").path("steps").path("pull");
            return forgedId.value().equals(pull.path("backupId").asText()) && !pull.path("ok").asBoolean();
        });
        String why = cluster.health("pbs").path("steps").path("pull").path("message").asText();
        assertTrue(why.contains("AUTHENTICATION_FAILED"), "the pull failed for another reason: " + why);
        assertTrue(cluster.logCount("pbs", "AUTHENTICATION_FAILED") > 0 || cluster.logCount("pbs", forgedId.value()) > 0,
                "the refusal is not logged:\n" + cluster.logTail("pbs"));

        // Nothing of it kept, archived, pushed or imported; the other nodes ran nothing.
        assertFalse(Files.exists(cluster.nodeDir("pbs").resolve("backup").resolve(forgedId.value())),
                "the refused backup was published on node-pbs");
        try (var s = Files.list(cluster.nodeDir("pbs").resolve("incoming"))) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(forgedId.value())).toList();
            assertEquals(List.of(), left, "the refused pull left files behind");
        }
        assertEquals(archived, cluster.lastGood("pbs", "archive"), "an archive step ran");
        assertFalse(cluster.cli(0, "archive", "list", "--json", "--repo", cluster.setting("pbs", "pbs.archive"))
                .contains(forgedId.value()), "the refused backup was archived");
        for (String role : List.of("import1", "import2", "export")) {
            assertEquals(before.get(role), cluster.health(role).path("steps"), role + " ran a step");
        }
        for (String role : List.of("import1", "import2")) {
            assertEquals(0, cluster.logCount(role, forgedId.value()), "the refused backup reached " + role);
        }
        assertEquals(List.of(), Trees.differences(cluster.live(), cluster.standby("import1")));

        // The leader's next real backup supersedes the refused one everywhere: the cluster is healthy again.
        try (var s = Files.walk(forged)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        awaitDelivered(exportNow());
        cluster.await("node-pbs healthy again", DEADLINE, () -> cluster.health("pbs").path("healthy").asBoolean());
    }
}
