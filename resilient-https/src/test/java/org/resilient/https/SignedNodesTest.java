package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.NodeLayout;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.KnownDigests;
import org.resilient.core.node.NodeAuth;
import org.resilient.core.transport.local.LocalTransportProvider;
import org.slf4j.LoggerFactory;

/**
 * Signed messages and manifests between three core nodes over {@code file:} (the https run is
 * {@link HttpsClusterTest}, whose nodes have keys too): the happy path, and every forgery refused with nothing
 * run and nothing written.
 */
@DisplayName("file: nodes with keys sign every message and backup and refuse anything else")
@Timeout(120)
class SignedNodesTest {
    @TempDir
    Path tmp;
    private Path keys;
    private Path standby;
    private ResilientNode leader;
    private ResilientNode pbs;
    private ResilientNode imp;

    @BeforeEach
    void cluster() throws IOException {
        keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        Path live = Files.createDirectories(tmp.resolve("live"));
        Files.writeString(live.resolve("table.csv"), "id,name\n1,ada\n");
        standby = tmp.resolve("standby");
        leader = node("db0", NodeRole.EXPORT, Map.of("files.source", live.toString(), "export.notify", uri("pbs1").toString()));
        pbs = node("pbs1", NodeRole.PULL_BACKUP, Map.of("pbs.source", uri("db0").toString(),
                "pbs.targets", uri("db1").toString(), "pbs.archive", "copy:" + tmp.resolve("archive")));
        imp = node("db1", NodeRole.IMPORT, Map.of("files.target", standby.toString(), "import.sources", uri("pbs1").toString()));
    }

    @AfterEach
    void close() {
        for (ResilientNode n : new ResilientNode[] {imp, pbs, leader}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    @DisplayName("a backup moves from the export node to the standby, every message and MANIFEST signed")
    void happyPath() throws IOException {
        BackupId id = leader.exportNow();
        assertTrue(Files.isRegularFile(NodeLayout.manifestSignature(tmp.resolve("db0/backup").resolve(id.value()))));
        try (Stream<Path> inbox = Files.list(tmp.resolve("pbs1/inbox"))) {
            Path msg = inbox.filter(Files::isRegularFile).findFirst().orElseThrow();
            String text = Files.readString(msg);
            assertTrue(text.contains("\nsignature=") && text.contains("\nnonce="), text);
        }
        assertEquals(Optional.of(id), pbs.poll());
        assertEquals(Optional.of(id), imp.poll());
        assertEquals("id,name\n1,ada\n", Files.readString(standby.resolve("table.csv")));
    }

    @Test
    @DisplayName("an unsigned message to a node with keys is refused")
    void unsigned() {
        send(uri("pbs1"), published("db0", 0, BackupId.of(Instant.now(), "db0")));
        assertNothingRun();
    }

    @Test
    @DisplayName("a message signed with a key of another CA, naming a cluster node, is refused")
    void forged() {
        NodeAuth forger = forger("db0");
        send(uri("pbs1"), forger.sign(published("db0", 0, BackupId.of(Instant.now(), "db0")), Instant.now()));
        assertNothingRun();
    }

    @Test
    @DisplayName("a replayed message (the same signed bytes again) is refused")
    void replayed() throws IOException {
        leader.exportNow();
        Path inbox = tmp.resolve("pbs1/inbox");
        Path msg;
        try (Stream<Path> s = Files.list(inbox)) {
            msg = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] captured = Files.readAllBytes(msg);
        assertTrue(pbs.poll().isPresent());
        Files.write(inbox.resolve(msg.getFileName().toString().replace("-", "-9")), captured);
        assertEquals(Optional.empty(), pbs.poll(), "a replayed announcement was run again");
    }

    @Test
    @DisplayName("a signed message from an older epoch is refused")
    void stale() {
        NodeAuth db0 = auth("db0", keys);
        send(uri("pbs1"), db0.sign(new Message(Message.Type.LEADER_CHANGED, uri("db0").toString(), new Epoch(5), null,
                Instant.now()), Instant.now()));
        assertEquals(Optional.empty(), pbs.poll());
        assertEquals(5, pbs.epoch().value());
        send(uri("pbs1"), db0.sign(published("db0", 1, BackupId.of(Instant.now(), "db0")), Instant.now()));
        assertEquals(Optional.empty(), pbs.poll(), "a stale announcement was run");
        assertFalse(hasBackups("pbs1"));
    }

    @Test
    @DisplayName("a BACKUP_PUBLISHED signed by a cluster node that is not the PBS's source is refused")
    void notTheSource() {
        ClusterKeys.addNode(keys, uri("db9"), false);
        NodeAuth db9 = auth("db9", keys);
        send(uri("pbs1"), db9.sign(published("db9", 0, BackupId.of(Instant.now(), "db9")), Instant.now()));
        assertNothingRun();
    }

    @Test
    @DisplayName("a backup whose MANIFEST is signed by an unknown key is neither archived nor pushed")
    void manifestSignedByUnknownKey() {
        BackupId id = leader.exportNow();
        forger("db0").signManifest(tmp.resolve("db0/backup").resolve(id.value()));
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbs.poll());
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertNothingStored();
    }

    @Test
    @DisplayName("a backup altered after signing, with MANIFEST and SIGNATURE recomputed as a forger would, is refused")
    void manifestAlteredAfterSigning() throws IOException {
        BackupId id = leader.exportNow();
        Path dir = tmp.resolve("db0/backup").resolve(id.value());
        Files.writeString(NodeLayout.data(dir).resolve("table.csv"), "id,name\n1,mallory\n");
        BackupSealer.seal(dir, id, "files", uri("db0").toString(), new Epoch(0), 1, Instant.now(), KnownDigests.NONE,
                ProgressListener.NONE,
                Cancellation.never());
        ResilienceException e = assertThrows(ResilienceException.class, () -> pbs.poll());
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
        assertNothingStored();
    }

    private void assertNothingRun() {
        assertEquals(Optional.empty(), pbs.poll(), "a refused message was run");
        assertEquals(0, pbs.epoch().value(), "a refused message changed the epoch");
        assertFalse(hasBackups("pbs1"));
    }

    private void assertNothingStored() {
        assertFalse(hasBackups("pbs1"), "a refused backup was published on the PBS");
        assertFalse(hasBackups("db1"), "a refused backup was pushed");
        Path generations = tmp.resolve("archive/generations");
        try (Stream<Path> s = Files.exists(generations) ? Files.list(generations) : Stream.empty()) {
            assertEquals(List.of(), s.filter(p -> Files.exists(p.resolve("generation"))).toList(), "a refused backup was archived");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private boolean hasBackups(String node) {
        try (Stream<Path> s = Files.list(tmp.resolve(node).resolve("backup"))) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private Message published(String from, long epoch, BackupId id) {
        return new Message(Message.Type.BACKUP_PUBLISHED, uri(from).toString(), new Epoch(epoch), id, Instant.now(), 1);
    }

    private void send(URI to, Message m) {
        Settings s = Settings.of(Map.of("node.dir", tmp.resolve("sender").toString()));
        new LocalTransportProvider().open(uri("sender"), s).send(to, m);
    }

    /** A node's signer made with the key of another CA: what an attacker without the cluster CA can make. */
    private NodeAuth forger(String name) {
        Path other = tmp.resolve("other-ca");
        if (!Files.exists(other)) {
            ClusterKeys.init(other);
        }
        ClusterKeys.addNode(other, uri(name), true);
        return auth(name, other);
    }

    private NodeAuth auth(String name, Path keyDir) {
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keyDir, uri(name), true);
        return NodeAuth.open(Settings.of(keySettings(k)), new NodeLayout(tmp.resolve("signer-" + name)).create(),
                LoggerFactory.getLogger("test"));
    }

    private URI uri(String name) {
        return URI.create("file:" + tmp.resolve(name).toAbsolutePath().normalize());
    }

    private static Map<String, String> keySettings(ClusterKeys.NodeKeys k) {
        return Map.of("node.key-store", k.keyStore().toString(), "node.key-store-password-file",
                k.keyStorePasswordFile().toString(), "node.trust-store", k.trustStore().toString(),
                "node.trust-store-password-file", k.trustStorePasswordFile().toString());
    }

    private ResilientNode node(String name, NodeRole role, Map<String, String> extra) {
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keys, uri(name), false);
        Map<String, String> s = new LinkedHashMap<>(extra);
        s.putAll(keySettings(k));
        Resilient.Builder b = Resilient.node(name, role).directory(tmp.resolve(name)).component("files");
        s.forEach(b::set);
        return b.build();
    }
}
