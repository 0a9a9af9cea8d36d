package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.MessageCodec;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;
import org.resilient.testkit.TestBackups;

@DisplayName("https transport: only nodes of the cluster get in, and only as themselves")
@Timeout(120)
class HttpsSecurityTest extends TwoNodesTest {
    private static Message published(URI from, int n) {
        return new Message(Message.Type.BACKUP_PUBLISHED, from.toString(), new Epoch(3), TestBackups.id(n),
                Instant.ofEpochMilli(1_764_088_320_000L + n));
    }

    /** Nothing reached b's inbox: no message file, and nothing to receive. */
    private void assertInboxEmpty() throws IOException {
        try (Stream<Path> s = Files.walk(nodes.layout(b).inbox())) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList(), "something was written into b's inbox");
        }
        assertEquals(List.of(), atB.receive());
    }

    private static SSLContext trustOnly(Path keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys.resolve(ClusterKeys.TRUST_STORE))) {
            trust.load(in, Files.readString(keys.resolve(ClusterKeys.TRUST_STORE + ".pass")).strip().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    @DisplayName("messages between nodes of the cluster arrive, with the sender authenticated")
    void authenticatedMessage() {
        assertMessageArrives();
    }

    /** A message from a to b arrives, once. */
    private void assertMessageArrives() {
        Message m = published(a, 1);
        fromA.send(b, m);
        assertEquals(List.of(m), atB.receive());
    }

    @Test
    @DisplayName("a connection without a client certificate is refused and nothing is written")
    void noClientCertificate() throws Exception {
        SSLContext ctx = trustOnly(nodes.keys());
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).sslParameters(p).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(b + "/inbox"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.write(published(a, 1)))).build();
        assertThrows(IOException.class, () -> client.send(req, HttpResponse.BodyHandlers.ofString()),
                "the node answered a client that showed no certificate");
        HttpRequest pull = HttpRequest.newBuilder(URI.create(b + "/backup/" + TestBackups.id(1).value() + "/")).build();
        assertThrows(IOException.class, () -> client.send(pull, HttpResponse.BodyHandlers.ofString()));
        assertInboxEmpty();
    }

    @Test
    @DisplayName("a certificate from another CA is refused, even under a cluster node's name")
    void otherCa() throws IOException {
        Path rogue = tmp.resolve("rogue");
        ClusterKeys.init(rogue);
        ClusterKeys.NodeKeys forged = ClusterKeys.addNode(rogue, a, false);
        ClusterKeys.NodeKeys real = ClusterKeys.addNode(nodes.keys(), URI.create("https://127.0.0.1:1"), false);
        // The rogue knows the cluster's public CA certificate (so it trusts the server), but its own is not the CA's.
        Settings s = nodes.settings(a).with("https.key-store", forged.keyStore().toString())
                .with("https.key-store-password-file", forged.keyStorePasswordFile().toString())
                .with("https.trust-store", real.trustStore().toString())
                .with("https.trust-store-password-file", real.trustStorePasswordFile().toString());
        try (Transport t = new HttpsTransportProvider().open(a, s)) {
            ResilienceException e = assertThrows(ResilienceException.class, () -> t.send(b, published(a, 1)));
            assertTrue(Set.of(ErrorCode.AUTHENTICATION_FAILED, ErrorCode.UNREACHABLE).contains(e.code()), e::toString);
            Path target = tmp.resolve("pulled");
            assertThrows(ResilienceException.class,
                    () -> t.pull(b, TestBackups.id(1), target, TestBackups.context(tmp)));
            assertFalse(Files.exists(target));
        }
        assertInboxEmpty();
    }

    @Test
    @DisplayName("plain HTTP is refused, and a client set to plain HTTP reaches nothing")
    void plainHttp() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.getPort() + "/inbox"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.write(published(a, 1)))).build();
        try {
            HttpResponse<String> r = plain.send(req, HttpResponse.BodyHandlers.ofString());
            assertFalse(r.statusCode() / 100 == 2, "a plain HTTP request was accepted: " + r.statusCode());
        } catch (IOException expected) {
            // the TLS server drops what is not a TLS handshake
        }
        try (Transport t = new HttpsTransportProvider().open(a, nodes.settings(a).with(HttpsSettings.INSECURE, "true"))) {
            assertThrows(ResilienceException.class, () -> t.send(b, published(a, 2)));
        }
        assertInboxEmpty();
    }

    @Test
    @DisplayName("a message whose 'from' is not the authenticated node is refused and nothing is written")
    void forgedSender() throws IOException {
        URI c = nodes.node("c");
        for (String from : List.of(c.toString(), b.toString(), "https://127.0.0.1:1", "file:/srv/a", "node0")) {
            Message forged = new Message(Message.Type.LEADER_CHANGED, from, new Epoch(99), null, Instant.now());
            ResilienceException e = assertThrows(ResilienceException.class, () -> fromA.send(b, forged), from);
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e::toString);
            assertTrue(e.getMessage().contains(a.toString()), e::getMessage);
        }
        assertInboxEmpty();
        assertMessageArrives(); // the genuine sender still gets through
    }

    @Test
    @DisplayName("a server showing another node's certificate is refused by the client")
    void serverMustBeTheNodeDialled() throws IOException {
        URI impostor = URI.create("https://127.0.0.1:" + HttpsNodes.freePort());
        Files.createDirectories(tmp.resolve("impostor"));
        // A node of the cluster (b) listens where another node is expected, with b's own certificate.
        Settings s = nodes.settings(b).with("node.dir", tmp.resolve("impostor").toString());
        try (TransportProvider.Server ignored = new HttpsTransportProvider().serve(impostor, s)) {
            ResilienceException e = assertThrows(ResilienceException.class, () -> fromA.send(impostor, published(a, 1)));
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e::toString);
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("impostor"))) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    @DisplayName("with the documented test switch on both sides, plain HTTP works (tests only)")
    void insecureSwitch() {
        try (HttpsNodes plain = new HttpsNodes(tmp.resolve("plain"), true)) {
            URI x = plain.node("x");
            URI y = plain.node("y");
            try (Transport tx = plain.open(x); Transport ty = plain.open(y)) {
                Message m = published(x, 1);
                tx.send(y, m);
                assertEquals(List.of(m), ty.receive());
            }
        }
    }

    @Test
    @DisplayName("a node id that is no backup id is not served")
    void badIds() {
        Path target = tmp.resolve("pulled");
        ResilienceException e = assertThrows(ResilienceException.class,
                () -> atB.pull(a, new BackupId("20260102T040405.123Z-nope"), target, TestBackups.context(tmp)));
        assertEquals(ErrorCode.NOT_FOUND, e.code(), e::toString);
        assertFalse(Files.exists(target));
    }
}
