package org.resilient.core.transport.local;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/** The {@code file} transport: nodes are node directories, named {@code file:/abs/node-dir}. */
public final class LocalTransportProvider implements TransportProvider {
    /** The URI scheme. */
    public static final String SCHEME = "file";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "nodes are directories on this machine or a shared mount (file:/srv/node1)";
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of();
    }

    @Override
    public Transport open(URI self, Settings settings) {
        return new LocalTransport(NodeUris.toPath(self, "the local node"));
    }
}
