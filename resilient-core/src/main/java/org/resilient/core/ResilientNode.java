package org.resilient.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ResilienceException;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a resilient cluster, made by {@link Resilient#node(String, Role)} ... {@link Resilient.Builder#build()}
 * (or {@link Resilient.Builder#start()}) or by {@link Resilient#open(org.resilient.api.Settings, String)}. When started, it reads its inbox every poll interval
 * (pulling, archiving, pushing or importing what arrives) and, while it is the leader, exports every
 * export interval. Errors of background runs are logged and recorded in {@link #status()}, never lost.
 */
public final class ResilientNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResilientNode.class);

    private final Node node;
    private final Cancellation cancellation = Cancellation.create();
    private ScheduledExecutorService scheduler;

    ResilientNode(Node node) {
        this.node = node;
    }

    /**
     * Starts the background schedule: inbox polling, and exports while leader. First repairs what steps killed
     * in the middle left (see {@link #status()}'s interrupted steps).
     *
     * @param pollInterval how often to read the inbox
     * @param exportInterval time between exports (ignored unless leader)
     * @return this
     */
    public synchronized ResilientNode start(Duration pollInterval, Duration exportInterval) {
        if (scheduler == null) {
            try {
                node.recoverInterrupted();
            } catch (RuntimeException e) {
                LOG.error("node {}: could not repair an interrupted step: {}", node.name(), e.getMessage());
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "resilient-" + node.name());
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::pollSafely, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            scheduler.scheduleWithFixedDelay(this::exportSafely, exportInterval.toMillis(), exportInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Exports, publishes and announces a backup now (leader only).
     *
     * @return the id of the published backup
     * @throws ResilienceException if the export fails, or another export is running
     */
    public BackupId exportNow() {
        SealedBackup b = node.exportNow(cancellation);
        return b.manifest().backupId();
    }

    /**
     * Reads the inbox and runs the pending job once (what the background schedule does each poll).
     *
     * @return the backup handled, if any
     * @throws ResilienceException if the job fails (it stays pending and is retried)
     */
    public Optional<BackupId> poll() {
        node.receive();
        return node.runPending(cancellation);
    }

    /** @return the node's status */
    public NodeStatus status() {
        return node.status();
    }

    /**
     * The sizes of a pull-backup node's archive (generations, logical and stored bytes, dedup). It reads the whole
     * archive's index, so callers that ask often should cache it.
     *
     * @return the stats, or empty if the node is not a pull-backup node or has no archive yet
     */
    public Optional<org.resilient.api.ArchiveStats> archiveStats() {
        return node.archiveStats();
    }

    /** @return the node's name */
    public String name() {
        return node.name();
    }

    /** @return the URI other nodes reach this node at, e.g. {@code file:/srv/resilient/db0} */
    public java.net.URI uri() {
        return node.uri();
    }

    /** @return the node's current role: the configured one unless a takeover changed it */
    public Role role() {
        return node.role();
    }

    /** @return the epoch (fencing token) this node knows */
    public org.resilient.api.Epoch epoch() {
        return node.epoch();
    }

    /** @return the node's settings, as checked when it was built */
    public org.resilient.api.Settings settings() {
        return node.settings();
    }

    /**
     * Announces the newest published backup again to the pull-backup nodes (after an announcement was lost).
     *
     * @return the backup announced
     * @throws ResilienceException {@code NOT_FOUND} if nothing is published, {@code WRONG_STATE} if not leader
     */
    public BackupId announceLatest() {
        return node.announceLatest();
    }

    /**
     * Starts the background schedule with the intervals of the node's settings ({@code node.poll-interval},
     * {@code export.interval}).
     *
     * @return this
     */
    public ResilientNode start() {
        org.resilient.core.node.NodeSettings s = new org.resilient.core.node.NodeSettings(node.settings());
        return start(s.pollInterval(), s.exportInterval());
    }

    /** @return the node underneath (core's own use: takeovers) */
    Node node() {
        return node;
    }

    /** Stops the schedule, cancels running work and closes the node. */
    @Override
    public synchronized void close() {
        cancellation.cancel();
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        node.close();
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.error("node {}: {}", node.name(), e.getMessage());
        }
    }

    private void exportSafely() {
        if (node.role() != Role.EXPORT) {
            return;
        }
        try {
            exportNow();
        } catch (RuntimeException e) {
            LOG.error("node {}: scheduled export failed: {}", node.name(), e.getMessage());
        }
    }
}
