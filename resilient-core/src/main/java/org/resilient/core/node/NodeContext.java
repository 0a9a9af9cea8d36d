package org.resilient.core.node;

import org.resilient.api.NodeLayout;
import java.net.URI;
import java.time.Clock;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.api.spi.ComponentProvider;
import org.resilient.api.spi.Transport;
import java.util.function.DoubleSupplier;
import org.resilient.core.registry.Registry;
import org.resilient.core.schedule.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every role of a node shares: its settings, directories, state, transport, component and clock.
 *
 * @param config the node's typed settings
 * @param layout its directories
 * @param state its persistent state
 * @param transport the open transport
 * @param component the component provider
 * @param registry the registry (for the archive)
 * @param clock the clock
 * @param progress where progress goes
 * @param pause how the node waits between tries (tests wait on their clock)
 * @param random numbers in [0, 1) for jitter
 * @param auth signs what the node sends and checks what it receives
 */
public record NodeContext(NodeSettings config, NodeLayout layout, NodeState state, Transport transport,
                          ComponentProvider component, Registry registry, Clock clock, ProgressListener progress,
                          Pause pause, DoubleSupplier random, NodeAuth auth) {

    /**
     * Sends a message, signed when the node has keys.
     *
     * @param to the receiving node
     * @param m the message
     */
    public void send(URI to, org.resilient.api.Message m) {
        transport.send(to, auth.sign(m, clock.instant()));
    }

    /** @return the raw settings */
    public Settings settings() {
        return config.settings();
    }

    /** @return the node's name */
    public String name() {
        return config.name();
    }

    /** @return the node's URI */
    public URI uri() {
        return config.uri();
    }

    /**
     * The logger of one part of this node.
     *
     * @param part e.g. {@code export}
     * @return a logger named {@code org.resilient.node.<name>.<part>}
     */
    public Logger log(String part) {
        return LoggerFactory.getLogger(loggerName(part));
    }

    /**
     * The logger name of one part of this node.
     *
     * @param part e.g. {@code export}
     * @return the name
     */
    public String loggerName(String part) {
        return "org.resilient.node." + name() + "." + part;
    }
}
