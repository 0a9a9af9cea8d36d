package org.resilient.cli.daemon;

import java.util.Optional;
import java.util.function.Function;
import org.resilient.api.NodeLayout;
import org.resilient.api.spi.TransportProvider;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.cli.log.NodeLogFile;
import org.resilient.cli.observe.ObservabilityServer;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.core.node.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code resilient node}: runs one node in the foreground until SIGTERM or Ctrl-C. In order: it opens the node
 * (checking its config; the node's directories are made if missing), takes {@code state/daemon.lock} (one
 * daemon per node), adds {@code log/node.log}, starts the node's schedule and the control channel, and waits.
 * On a stop it closes the control channel, cancels the running step (which ends cleanly: nothing partial is
 * published and what it wrote is removed or kept resumable), releases the lock, and exits 0.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private Daemon() {
    }

    /**
     * Runs a node until it is asked to stop.
     *
     * @param settings the node's settings
     * @param where where they came from, for messages
     * @param requests makes the control channel's handler for the running node
     * @return the exit status: 0 after a stop asked for by a signal
     * @throws ResilienceException if the node cannot start ({@code CONFIG_INVALID}, {@code LOCKED} when it already runs, ...)
     * @throws InterruptedException if the main thread is interrupted
     */
    public static int run(Settings settings, String where, Function<ResilientNode, ControlServer.Handler> requests)
            throws InterruptedException {
        try (StopSignal stop = new StopSignal()) {
            ResilientNode node = Resilient.open(settings, where);
            DaemonLock lock = null;
            NodeLogFile log = null;
            try {
                NodeLayout layout = new NodeLayout(new NodeSettings(node.settings()).directory()).create();
                lock = DaemonLock.acquire(layout.state(), node.name());
                log = NodeLogFile.open(layout.log(), NodeSettings.LOG_FILE_MIB.get(node.settings()),
                        NodeSettings.LOG_KEEP_DAYS.get(node.settings()), NodeSettings.LOG_TOTAL_MIB.get(node.settings()));
                serve(node, layout, settings, requests, stop);
                node.close();
                LOG.info("node {}: stopped cleanly", node.name());
            } finally {
                // The node is closed (its step ended) before the lock is released: a new daemon never overlaps it.
                node.close();
                if (log != null) {
                    log.close();
                }
                if (lock != null) {
                    lock.close();
                }
            }
            return 0;
        }
    }

    private static void serve(ResilientNode node, NodeLayout layout, Settings settings,
                              Function<ResilientNode, ControlServer.Handler> requests, StopSignal stop)
            throws InterruptedException {
        LOG.info("node {} ({}, {}, epoch {}) runs as pid {}; log {}; next export due {}", node.name(), node.uri(),
                node.role(), node.epoch(), ProcessHandle.current().pid(), layout.log().resolve(NodeLogFile.FILE),
                node.nextExportDue().map(d -> d.isAfter(java.time.Instant.now()) ? d.toString() : "now")
                        .orElse("- (not the leader)"));
        // What lets the other nodes reach this one (the https transport's server: inbox, backups, pushes); the file
        // transport needs none. Started before the schedule, so announcements to this node find it listening.
        TransportProvider.Server transport = org.resilient.core.registry.Registry.load()
                .transport(node.uri().getScheme()).serve(node.uri(), node.settings());
        node.start();
        ControlServer control = null;
        try {
            control = ControlServer.start(layout.state().resolve(ControlProtocol.SOCKET), requests.apply(node));
        } catch (ResilienceException e) {
            LOG.warn("node {}: no control channel, so commands on this node take the node lock as without a daemon: {}",
                    node.name(), e.getMessage());
        }
        try (AutoCloseable observability = observability(node, settings)) {
            stop.await();
            LOG.info("node {}: stopping: the running step is cancelled and cleaned up", node.name());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("node {}: stopping the observability server failed: {}", node.name(), e.toString());
        } finally {
            if (control != null) {
                control.close();
            }
            transport.close();
        }
    }

    /**
     * OBSERVABILITY: the one place where the {@code /health} and {@code /metrics} server starts, when
     * {@code node.metrics-listen} is set; it is closed when the daemon stops.
     */
    private static AutoCloseable observability(ResilientNode node, Settings settings) {
        Optional<String> listen = new NodeSettings(settings).metricsListen();
        if (listen.isPresent()) {
            return ObservabilityServer.start(node, listen.get());
        }
        return () -> { };
    }
}
