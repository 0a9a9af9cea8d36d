package org.resilient.api.spi;

import java.net.URI;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;

/**
 * Creates {@link Transport}s for one URI scheme ({@code file}, {@code mem}, {@code ssh}). Registered with
 * {@link java.util.ServiceLoader} under {@code META-INF/services/org.resilient.api.spi.TransportProvider}.
 */
public interface TransportProvider {

    /**
     * The URI scheme this provider handles.
     *
     * @return e.g. {@code file}
     */
    String scheme();

    /**
     * One line saying what the transport does.
     *
     * @return the description
     */
    String description();

    /**
     * The settings the transport reads, prefixed {@code transport.<scheme>}.
     *
     * @return the declarations, possibly empty
     */
    List<SettingSpec> settings();

    /**
     * Opens a transport for the local node.
     *
     * @param self the URI of the local node
     * @param settings the node's settings
     * @return an open transport
     */
    Transport open(URI self, Settings settings);
}
