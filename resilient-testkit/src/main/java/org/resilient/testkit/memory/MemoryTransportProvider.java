package org.resilient.testkit.memory;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/**
 * The {@code mem} transport: nodes named {@code mem:<name>} living in this process (see
 * {@link MemoryNetwork}). For tests and demos of whole clusters without disks or network.
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
     * Opens the transport of a node, creating the node in the {@link MemoryNetwork} if needed.
     */
    @Override
    public Transport open(URI self, Settings settings) {
        return new MemoryTransport(MemoryNetwork.node(MemoryNetwork.name(self)));
    }
}
