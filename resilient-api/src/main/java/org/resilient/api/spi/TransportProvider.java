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

    /**
     * Starts what lets other nodes reach the local node, for transports whose nodes answer requests (an
     * {@code https} node listens on its {@code node.listen} address and serves its inbox and its published
     * backups). Only the long-running node process calls this, once, and closes what it returns when it stops;
     * short-lived commands only {@link #open(URI, Settings) open} a transport, so they never take the node's
     * port. The default serves nothing: a {@code file} node is reached through its directory.
     *
     * @param self the URI of the local node
     * @param settings the node's settings
     * @return what to close to stop serving; closing it twice is harmless
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} for bad settings or key material,
     *     {@code IO_ERROR} if the address cannot be bound
     */
    default Server serve(URI self, Settings settings) {
        return () -> { };
    }

    /** A running server of a transport; {@link #close()} stops it and releases its port and threads. */
    @FunctionalInterface
    interface Server extends AutoCloseable {
        /** Stops serving. */
        @Override
        void close();
    }
}
