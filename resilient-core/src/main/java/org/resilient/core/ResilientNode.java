package org.resilient.core;

import org.resilient.api.NodeRole;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.ResilienceException;
import org.resilient.core.failover.Failover;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.node.Node;
import org.resilient.core.node.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a resilient cluster, made by {@link Resilient#node(String, NodeRole)} ... {@link Resilient.Builder#build()}
 * (or {@link Resilient.Builder#start()}) or by {@link Resilient#open(org.resilient.api.Settings, String)}. When
 * started, it reads its inbox every poll interval (pulling, archiving, pushing or importing what arrives) and,
 * while it is the leader, exports on its schedule ({@code export.interval} or {@code export.cron}, with jitter).
 * The schedule is recorded in the node's {@code state/}: after a restart an overdue export runs at once. Failed
 * exports and jobs are tried again after an exponential backoff. Errors of background runs are logged and
 * recorded in {@link #status()}, never lost.
 */
public final class ResilientNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResilientNode.class);
    /** How long {@link #close()} lets the running step notice the cancellation and end cleanly. */
    private static final long STOP_WAIT_SECONDS = 120;

    private final Node node;
    private final Cancellation cancellation = Cancellation.create();
    private NodeRunner runner;
    private Thread thread;
    private Failover failover;
    private ScheduledExecutorService heartbeats;
    private boolean closed;

    ResilientNode(Node node) {
        this.node = node;
    }

    /**
     * Starts the background work: inbox polling every {@code node.poll-interval}, the pending job (with
     * backoff after a failure), and exports on the schedule while leader. With {@code node.coordinator} set it joins
     * the coordinator and fails over automatically (see {@link Failover}): a leader exports only while it holds
     * the leader lease, and the best import node takes over when the leader is gone. It first repairs what steps killed in the
     * middle left (see {@link #status()}'s interrupted steps), and a leader announces a backup it published but could
     * not announce (e.g. it was killed in between).
     *
     * @return this
     */
    public synchronized ResilientNode start() {
        if (thread == null) {
            try {
                node.recoverInterrupted();
            } catch (RuntimeException e) {
                LOG.error("node {}: could not repair an interrupted step: {}", node.name(), e.getMessage());
            }
            node.demoteAgainAtStart();
            failover = Failover.open(node).orElse(null);
            if (failover != null) {
                // Heartbeats on a thread of their own: a long export or import must not let the lease or membership lapse.
                heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "resilient-" + node.name() + "-heartbeat");
                    t.setDaemon(true);
                    return t;
                });
                long every = failover.heartbeatInterval().toMillis();
                // Failover.heartbeat catches its own failures, so the schedule never stops; nothing waits on the future.
                java.util.concurrent.Future<?> unused =
                        heartbeats.scheduleWithFixedDelay(failover::heartbeat, 0, every, TimeUnit.MILLISECONDS);
            }
            runner = new NodeRunner(node, cancellation, new NodeSettings(node.settings()).pollInterval(), failover);
            thread = new Thread(runner, "resilient-" + node.name());
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /**
     * Exports, publishes and announces a backup now (leader only), in the caller's thread.
     *
     * @return the id of the published backup
     * @throws ResilienceException if the export fails, or another export is running
     */
    public BackupId exportNow() {
        SealedBackup b = node.exportNow(cancellation);
        return b.manifest().backupId();
    }

    /**
     * Reads the inbox and runs the pending job once (what the background work does each poll), in the caller's
     * thread and whatever the job's backoff.
     *
     * @return the backup handled, if any
     * @throws ResilienceException if the job fails (it stays pending and is retried)
     */
    public Optional<BackupId> poll() {
        node.receive();
        return node.runPending(cancellation);
    }

    /**
     * Asks for an export now: on a started node it runs on the node's own thread as soon as the step running
     * there ends (so it never fights the schedule for the node lock); otherwise at once in the caller's thread.
     *
     * @return the id of the published backup, or the export's failure ({@code CANCELLED} if the node stops first)
     */
    public CompletableFuture<BackupId> requestExport() {
        return request("export", this::exportNow);
    }

    /**
     * Asks for {@link #poll()}, the way {@link #requestExport()} asks for an export.
     *
     * @return the backup handled, if any, or the job's failure
     */
    public CompletableFuture<Optional<BackupId>> requestPoll() {
        return request("poll", this::poll);
    }

    /**
     * Asks for {@link #announceLatest()}, the way {@link #requestExport()} asks for an export.
     *
     * @return the backup announced, or the failure
     */
    public CompletableFuture<BackupId> requestAnnounce() {
        return request("announce", this::announceLatest);
    }

    private synchronized <T> CompletableFuture<T> request(String what, java.util.function.Supplier<T> work) {
        if (runner != null) {
            return runner.submit(what + " on node " + node.name(), work);
        }
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A controlled takeover by this node through its coordinator ({@code resilient takeover}), run on the node's
     * own thread: refused without {@code force} when the node has no good import or another node is the better
     * candidate; otherwise the node takes the next epoch (the current leader stops exporting and releases the
     * lease) and becomes the leader within a few rounds.
     *
     * @param force take over even when refused otherwise
     * @param who who asked, for the log
     * @return what was done, or the refusal ({@code WRONG_STATE} with the reason)
     * @throws ResilienceException {@code WRONG_STATE} if the node is not started with a coordinator
     */
    public CompletableFuture<String> requestTakeover(boolean force, String who) {
        Failover f;
        synchronized (this) {
            f = failover;
        }
        if (f == null) {
            throw new ResilienceException(org.resilient.api.ErrorCode.WRONG_STATE, "node " + node.name() + " is not "
                    + (node.coordinatorProvider().isEmpty() ? "configured with a coordinator (node.coordinator)"
                    : "running: start it with 'resilient node'") + "; a takeover through the coordinator needs both");
        }
        return request("takeover", () -> f.requestTakeover(force, who));
    }

    /**
     * Reads the inbox now: adopts a newer epoch (a deposed leader demotes itself), refuses stale messages and
     * queues announced backups, so that {@link #status()} shows what the node knows.
     *
     * @return the number of messages accepted
     */
    public int receive() {
        return node.receive();
    }

    /** @return the node's status */
    public NodeStatus status() {
        return node.status();
    }

    /**
     * The node's counters for monitoring, persisted in its state (they only grow), e.g. the bytes its pulls kept
     * from interrupted attempts ({@code pull-reused-bytes}).
     *
     * @return counter name to value; a counter never added to is absent
     */
    public java.util.Map<String, Long> counters() {
        return node.counters();
    }

    /** @return when the next scheduled export is due, if this node is the leader ({@link Instant#EPOCH}: at once) */
    public Optional<Instant> nextExportDue() {
        return node.nextExportDue();
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
    public NodeRole role() {
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

    /** @return the node underneath (core's own use: takeovers) */
    Node node() {
        return node;
    }

    /** @return the work loop of a started node, or null (tests drive its rounds with a fake clock) */
    synchronized NodeRunner runner() {
        return runner;
    }

    /**
     * Stops the background work and closes the node. The step running is cancelled: it ends cleanly (what it
     * wrote is removed or left resumable, nothing partial is published) and its failure is not counted against
     * the schedule; requests not run yet fail with {@code CANCELLED}.
     */
    @Override
    public void close() {
        cancellation.cancel();
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (t != null) {
            runner.wake();
            try {
                t.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
                if (t.isAlive()) {
                    LOG.warn("node {}: the running step did not end within {} s of its cancellation; interrupting it",
                            node.name(), STOP_WAIT_SECONDS);
                    t.interrupt();
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failover != null) {
            failover.close(); // after the work loop ended: it releases the lease and leaves the cluster
        }
        node.close();
    }
}
