package org.resilient.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.Settings;
import org.resilient.api.spi.TransportProvider;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;

@DisplayName("https transport: a whole backup cycle between core nodes")
@Timeout(120)
class HttpsClusterTest {
    @TempDir
    Path tmp;

    @Test
    @DisplayName("export, pull-backup and import nodes named https://... move a backup from the live data to the standby")
    void cycle() throws IOException {
        Path keys = tmp.resolve("keys");
        ClusterKeys.init(keys);
        URI db0 = URI.create("https://127.0.0.1:" + HttpsNodes.freePort());
        URI pbs1 = URI.create("https://127.0.0.1:" + HttpsNodes.freePort());
        URI db1 = URI.create("https://127.0.0.1:" + HttpsNodes.freePort());
        Path source = Files.createDirectories(tmp.resolve("live"));
        Files.writeString(source.resolve("table.csv"), "id,name\n1,ada\n");
        Path standby = tmp.resolve("standby");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            ResilientNode leader = node("db0", NodeRole.EXPORT, db0, keys, open, Map.of("files.source", source.toString(),
                    "export.notify", pbs1.toString()));
            ResilientNode pbs = node("pbs1", NodeRole.PULL_BACKUP, pbs1, keys, open, Map.of("pbs.source", db0.toString(),
                    "pbs.targets", db1.toString(), "pbs.archive", "copy:" + tmp.resolve("archive")));
            ResilientNode imp = node("db1", NodeRole.IMPORT, db1, keys, open, Map.of("files.target", standby.toString()));
            BackupId id = leader.exportNow();
            Optional<BackupId> pulled = pbs.poll();
            assertEquals(Optional.of(id), pulled, "the pull-backup node did not handle the announcement");
            assertEquals(Optional.of(id), imp.poll(), "the import node did not import the delivered backup");
            assertEquals("id,name\n1,ada\n", Files.readString(standby.resolve("table.csv")));
            assertTrue(Files.isDirectory(tmp.resolve("db1/backup").resolve(id.value())));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    // closing the rest matters more
                }
            }
        }
    }

    private ResilientNode node(String name, NodeRole role, URI uri, Path keys, List<AutoCloseable> open,
                               Map<String, String> extra) {
        ClusterKeys.NodeKeys k = ClusterKeys.addNode(keys, uri, false);
        Map<String, String> s = new LinkedHashMap<>(extra);
        s.put("node.uri", uri.toString());
        s.put("node.dir", tmp.resolve(name).toString());
        s.put("https.key-store", k.keyStore().toString());
        s.put("https.key-store-password-file", k.keyStorePasswordFile().toString());
        s.put("https.trust-store", k.trustStore().toString());
        s.put("https.trust-store-password-file", k.trustStorePasswordFile().toString());
        // What the node daemon does: serve the node, then run it.
        TransportProvider.Server server = new HttpsTransportProvider().serve(uri, Settings.of(s));
        open.add(server);
        Resilient.Builder b = Resilient.node(name, role).directory(tmp.resolve(name)).component("files");
        s.forEach(b::set);
        ResilientNode n = b.build();
        open.add(n);
        return n;
    }
}
