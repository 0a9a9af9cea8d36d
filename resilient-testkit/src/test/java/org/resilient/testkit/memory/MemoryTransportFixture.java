package org.resilient.testkit.memory;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.TransportFixture;

/** Nodes of the in-memory network with names unique to one test. */
final class MemoryTransportFixture implements TransportFixture {
    private final String prefix = "t-" + UUID.randomUUID() + "-";
    private final List<String> names = new ArrayList<>();

    @Override
    public URI node(String name) {
        names.add(prefix + name);
        return MemoryNetwork.uri(MemoryNetwork.node(prefix + name).name());
    }

    @Override
    public URI absentNode(String name) {
        return MemoryNetwork.uri(prefix + "absent-" + name);
    }

    @Override
    public Transport open(URI self) {
        return new MemoryTransportProvider().open(self, Settings.empty());
    }

    @Override
    public void publish(URI node, Path backupDir, BackupId id) {
        MemoryNetwork.find(MemoryNetwork.name(node)).orElseThrow().publish(id, backupDir);
    }

    @Override
    public List<BackupId> published(URI node) {
        return MemoryNetwork.find(MemoryNetwork.name(node)).orElseThrow().backupIds();
    }

    @Override
    public void copyPublished(URI node, BackupId id, Path target) {
        MemoryNetwork.find(MemoryNetwork.name(node)).orElseThrow().backup(id).orElseThrow()
                .writeTo(target, ProgressListener.NONE, Cancellation.never());
    }

    @Override
    public void deliverRaw(URI node, byte[] bytes) {
        MemoryNetwork.find(MemoryNetwork.name(node)).orElseThrow().deliver(bytes);
    }

    @Override
    public void close() {
        names.forEach(MemoryNetwork::remove);
    }
}
