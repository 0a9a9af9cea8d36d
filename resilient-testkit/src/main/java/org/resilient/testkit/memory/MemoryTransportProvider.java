package org.resilient.testkit.memory;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;
import org.resilient.api.NodeLayout;

/**
 * The {@code mem} transport: nodes named {@code mem:<name>} living in this process (see
 * {@link MemoryNetwork}). For tests and demos of whole clusters in one process, without a network.
 */
public final class MemoryTransportProvider implements TransportProvider {
    @Override
    public String scheme() {
        return MemoryNetwork.SCHEME;
    }

    @Override
    public String description() {
        return "in-process transport between mem:<name> nodes (tests)";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    /**
     * Opens the transport of a node, creating the node in the {@link MemoryNetwork} if needed. With a
     * {@code node.dir} setting (a resilient node), the node publishes and receives backups in that node
     * directory's {@code backup/}.
     */
    @Override
    public Transport open(URI self, Settings settings) {
        MemoryNode node = MemoryNetwork.node(MemoryNetwork.name(self));
        settings.get("node.dir").filter(v -> !v.isBlank())
                .ifPresent(dir -> node.attach(new NodeLayout(Path.of(dir)).create()));
        return new MemoryTransport(node);
    }
}
