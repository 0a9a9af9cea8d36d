package org.resilient.testkit.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.TransportFixture;

/**
 * Nodes of the in-memory network with names unique to one test; with a directory, each node is attached to
 * a node directory as the nodes of a cluster are.
 */
final class MemoryTransportFixture implements TransportFixture {
    private final String prefix = "t-" + UUID.randomUUID() + "-";
    private final List<String> names = new ArrayList<>();
    private final Path nodeDirs;
    private final java.util.function.UnaryOperator<Transport> wrap;

    MemoryTransportFixture(Path nodeDirs) {
        this(nodeDirs, t -> t);
    }

    /** Nodes whose transports are wrapped, e.g. by a deliberately broken transport. */
    MemoryTransportFixture(Path nodeDirs, java.util.function.UnaryOperator<Transport> wrap) {
        this.nodeDirs = nodeDirs;
        this.wrap = wrap;
    }

    @Override
    public URI node(String name) {
        names.add(prefix + name);
        URI uri = MemoryNetwork.uri(prefix + name);
        Settings settings = nodeDirs == null ? Settings.empty()
                : Settings.empty().with("node.dir", nodeDirs.resolve(name).toString());
        new MemoryTransportProvider().open(uri, settings).close();
        return uri;
    }

    @Override
    public List<String> leftovers(URI node) {
        var layout = MemoryNetwork.find(MemoryNetwork.name(node)).orElseThrow().layout();
        if (layout.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(layout.get().backups())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !isBackupId(n)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBackupId(String name) {
        try {
            new BackupId(name);
            return true;
        } catch (ResilienceException e) {
            return false;
        }
    }

    @Override
    public URI absentNode(String name) {
        return MemoryNetwork.uri(prefix + "absent-" + name);
    }

    @Override
    public Transport open(URI self) {
        return wrap.apply(new MemoryTransportProvider().open(self, Settings.empty()));
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
