package org.resilient.https;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.NodeLayout;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.NodeDirectoryFixture;

/**
 * Https nodes on loopback in this JVM, each with its own server on a free port, its own node directory and its
 * own key and certificate from one cluster CA made for the test. Backups are placed and read in the node
 * directories directly (not through the transport under test).
 */
final class HttpsNodes extends NodeDirectoryFixture {
    private final Path dir;
    private final Path keys;
    private final boolean plain;
    private final Map<URI, Settings> settings = new LinkedHashMap<>();
    private final Map<URI, NodeServer> servers = new LinkedHashMap<>();

    HttpsNodes(Path dir) {
        this(dir, false);
    }

    HttpsNodes(Path dir, boolean plain) {
        this.dir = dir;
        this.plain = plain;
        this.keys = dir.resolve("keys");
        ClusterKeys.init(keys);
    }

    /** @return the cluster's keys directory */
    Path keys() {
        return keys;
    }

    @Override
    public URI node(String name) {
        URI uri = URI.create("https://127.0.0.1:" + freePort());
        Path nodeDir = new NodeLayout(dir.resolve(name)).create().root();
        Settings s = settingsFor(uri, nodeDir, ClusterKeys.addNode(keys, uri, false));
        settings.put(uri, s);
        servers.put(uri, (NodeServer) new HttpsTransportProvider().serve(uri, s));
        return uri;
    }

    /**
     * The settings of a node with given key files.
     *
     * @param uri the node
     * @param nodeDir its directory
     * @param k its key files
     * @return the settings
     */
    Settings settingsFor(URI uri, Path nodeDir, ClusterKeys.NodeKeys k) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("node.dir", nodeDir.toString());
        m.put("https.key-store", k.keyStore().toString());
        m.put("https.key-store-password-file", k.keyStorePasswordFile().toString());
        m.put("https.trust-store", k.trustStore().toString());
        m.put("https.trust-store-password-file", k.trustStorePasswordFile().toString());
        m.put("https.connect-timeout", "5s");
        m.put("https.request-timeout", "30s");
        if (plain) {
            m.put(HttpsSettings.INSECURE, "true");
        }
        return Settings.of(m);
    }

    /**
     * @param node a node made by {@link #node(String)}
     * @return its settings
     */
    Settings settings(URI node) {
        return settings.get(node);
    }

    /**
     * @param node a node made by {@link #node(String)}
     * @return its running server
     */
    NodeServer server(URI node) {
        return servers.get(node);
    }

    /**
     * @param node a node made by {@link #node(String)}
     * @return its directory layout
     */
    @Override
    protected NodeLayout layout(URI node) {
        return new NodeLayout(Path.of(settings.get(node).get("node.dir").orElseThrow()));
    }

    @Override
    public URI absentNode(String name) {
        return URI.create("https://127.0.0.1:" + freePort());
    }

    @Override
    public Transport open(URI self) {
        return new HttpsTransportProvider().open(self, settings.get(self));
    }

    /** A port nothing listens on right now (the kernel's pick; closed before it is used). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        servers.values().forEach(NodeServer::close);
    }
}
