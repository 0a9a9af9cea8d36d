package org.resilient.https;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resilient.api.NodeRole;
import org.resilient.api.Settings;
import org.resilient.api.spi.TransportProvider;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;

/**
 * Core nodes named {@code https://127.0.0.1:<port>} in this JVM, each served as the node daemon does (the https
 * server first, then the node), with keys from one cluster CA made for the test. Closing closes every node and
 * server, the last made first.
 */
final class HttpsCoreCluster implements AutoCloseable {
    private final Path dir;
    private final Path keys;
    private final List<AutoCloseable> open = new ArrayList<>();

    /**
     * The three nodes of a backup cycle: the leader exports {@code source}, the pull-backup node keeps and
     * delivers, db1 imports into {@code standby}.
     */
    record Cycle(ResilientNode leader, ResilientNode pbs, ResilientNode imp, Path source, Path standby) {
    }

    /** What {@link #cycle()} puts in the live files: {@code table.csv} holds it. */
    static final String TABLE = "id,name\n1,ada\n";

    HttpsCoreCluster(Path dir) {
        this.dir = dir;
        this.keys = dir.resolve("keys");
        ClusterKeys.init(keys);
    }

    /**
     * Leader {@code db0} exporting the files of {@code live/} (one file, {@code table.csv}, to start with),
     * pull-backup node {@code pbs1} archiving under {@code archive/} and delivering to {@code db1}, which imports
     * into {@code standby/}.
     *
     * @return the three nodes and the two directories
     */
    Cycle cycle() throws IOException {
        Path source = Files.createDirectories(dir.resolve("live"));
        Files.writeString(source.resolve("table.csv"), TABLE);
        Path standby = dir.resolve("standby");
        URI db0 = freeUri();
        URI pbs1 = freeUri();
        URI db1 = freeUri();
        ResilientNode leader = node("db0", NodeRole.EXPORT, db0, Map.of("files.source", source.toString(),
                "export.notify", pbs1.toString()));
        ResilientNode pbs = node("pbs1", NodeRole.PULL_BACKUP, pbs1, Map.of("pbs.source", db0.toString(),
                "pbs.targets", db1.toString(), "pbs.archive", "copy:" + dir.resolve("archive")));
        ResilientNode imp = node("db1", NodeRole.IMPORT, db1, Map.of("files.target", standby.toString()));
        return new Cycle(leader, pbs, imp, source, standby);
    }

    /** @return an https URI on loopback with a port nothing listens on yet */
    static URI freeUri() {
        return URI.create("https://127.0.0.1:" + HttpsNodes.freePort());
    }

    /**
     * Serves and builds one node with the files component, in {@code <dir>/<name>}.
     *
     * @param name the node's name and directory
     * @param role its role
     * @param uri where it listens
     * @param extra its role's settings
     * @return the built node
     */
    ResilientNode node(String name, NodeRole role, URI uri, Map<String, String> extra) {
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keys, uri, false);
        Map<String, String> s = new LinkedHashMap<>(extra);
        s.put("node.uri", uri.toString());
        s.put("node.dir", dir.resolve(name).toString());
        s.put("https.key-store", k.keyStore().toString());
        s.put("https.key-store-password-file", k.keyStorePasswordFile().toString());
        s.put("https.trust-store", k.trustStore().toString());
        s.put("https.trust-store-password-file", k.trustStorePasswordFile().toString());
        // What the node daemon does: serve the node, then run it.
        TransportProvider.Server server = new HttpsTransportProvider().serve(uri, Settings.of(s));
        open.add(server);
        Resilient.Builder b = Resilient.node(name, role).directory(dir.resolve(name)).component("files");
        s.forEach(b::set);
        ResilientNode n = b.build();
        open.add(n);
        return n;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }
}
