package org.resilient.https;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.api.spi.TransportProvider;

/**
 * The {@code https} transport: nodes named {@code https://host:port} on any machines, TLS 1.3 with mutual
 * authentication against the cluster CA. {@link #open} gives the client side (every command may open it);
 * {@link #serve} starts the node's server on {@code node.listen}, which only the long-running node process
 * does. Settings: {@link HttpsSettings#SPECS}.
 */
public final class HttpsTransportProvider implements TransportProvider {
    /** The URI scheme. */
    public static final String SCHEME = "https";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "nodes on several machines over TLS 1.3 with mutual authentication (https://db1.example.org:8443)";
    }

    @Override
    public List<SettingSpec> settings() {
        return HttpsSettings.SPECS;
    }

    @Override
    public Transport open(URI self, Settings settings) {
        return new HttpsTransport(HttpsSettings.of(self, settings));
    }

    @Override
    public Server serve(URI self, Settings settings) {
        return NodeServer.start(HttpsSettings.of(self, settings));
    }
}
