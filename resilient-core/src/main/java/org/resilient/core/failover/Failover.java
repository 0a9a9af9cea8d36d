package org.resilient.core.failover;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.resilient.api.BackupRef;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.api.spi.Lease;
import org.resilient.core.FailoverStatus;
import org.resilient.core.election.Election;
import org.resilient.core.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic failover of one running node, through its coordinator ({@code node.coordinator}).
 *
 * <p>The node joins with its {@link MemberState} and heartbeats ({@link #heartbeat()}, every
 * {@link Coordinator#heartbeatInterval()}, from a thread of its own so a long export or import never lets the
 * membership or the lease lapse); it republishes its state when it changes. Each round of the node's work loop
 * calls {@link #tick()}:
 * <ul>
 * <li>an epoch newer than the node's, read from the coordinator, is adopted; a leader is deposed by it (it stops
 *     exporting and demotes its component);</li>
 * <li>the leader holds the lease; it exports and announces only while {@link Lease#mayExport()} says so (the
 *     node's {@link org.resilient.core.node.ExportGuard}), and stops at once when the lease is lost;</li>
 * <li>an import node whose cluster has no leader (the lease free, no live member leading in the current epoch)
 *     runs the {@link Election}; only the winner acts (see {@link Candidacy}).</li>
 * </ul>
 * What the node sees is recorded for {@code resilient status} ({@link FailoverStatus}). Without a coordinator
 * there is no {@code Failover} and takeover stays manual.
 */
public final class Failover implements AutoCloseable {
    private final Node node;
    private final Coordinator coordinator;
    private final String coordinatorName;
    private final Clock clock;
    private final Logger log;
    private final Candidacy candidacy;
    private volatile Lease lease;
    private volatile String leaseLost;
    private MemberState published;
    private Instant joinedAt;
    private Instant nextHeartbeat = Instant.MIN;
    private boolean unreachable;
    private FailoverStatus seen;

    Failover(Node node, Coordinator coordinator, String coordinatorName, Clock clock) {
        this.node = node;
        this.coordinator = coordinator;
        this.coordinatorName = coordinatorName;
        this.clock = clock;
        this.log = LoggerFactory.getLogger("org.resilient.node." + node.name() + ".failover");
        this.candidacy = new Candidacy(this, new Election(node.config().takeoverImportWait()));
        node.guard(this::refusal);
    }

    /**
     * Opens the failover of a node if it has a coordinator: connects to it (the node joins at its first heartbeat)
     * and makes the node ask the lease before every export.
     *
     * @param node the node
     * @return the failover, or empty when {@code node.coordinator} is not set (manual takeover)
     * @throws ResilienceException if the coordinator cannot be opened ({@code CONFIG_INVALID}, {@code UNREACHABLE})
     */
    public static Optional<Failover> open(Node node) {
        Optional<CoordinatorProvider> provider = node.coordinatorProvider();
        if (provider.isEmpty()) {
            return Optional.empty();
        }
        Coordinator c = provider.get().open(node.settings(), node.clock());
        return Optional.of(new Failover(node, c, provider.get().name(), node.clock()));
    }

    /**
     * The failover of a node through a coordinator opened by the caller (an embedding program, a test that injects
     * faults between the node and its coordinator).
     *
     * @param node the node
     * @param coordinator the open coordinator; closed with the failover
     * @param coordinatorName its name, for messages
     * @return the failover
     */
    public static Failover of(Node node, Coordinator coordinator, String coordinatorName) {
        return new Failover(node, coordinator, coordinatorName, node.clock());
    }

    /** @return how often {@link #heartbeat()} must run */
    public java.time.Duration heartbeatInterval() {
        return coordinator.heartbeatInterval();
    }

    /**
     * Why the node may not export now: it holds no valid leader lease. Cheap (no round trip).
     *
     * @return null if it may export, else the reason
     */
    public String refusal() {
        Lease l = lease;
        if (l != null && l.mayExport()) {
            return null;
        }
        String why = leaseLost;
        return "it holds no valid leader lease from the " + coordinatorName + " coordinator"
                + (why == null ? "" : " (" + why + ")") + "; a leader exports only while it holds the lease";
    }

    /** @return true if the node holds a valid lease and may export and announce */
    public boolean mayExport() {
        return refusal() == null;
    }

    /**
     * Joins, or tells the coordinator the node is alive (renewing a held lease), and publishes the node's state if
     * it changed. The node's heartbeat thread calls it every {@link #heartbeatInterval()}; never throws.
     */
    public synchronized void heartbeat() {
        Instant now = clock.instant();
        nextHeartbeat = now.plus(coordinator.heartbeatInterval());
        try {
            if (published == null) {
                MemberState first = state(now);
                coordinator.join(first);
                published = first;
                joinedAt = now;
                log.info("joined the {} coordinator as {} in epoch {}", coordinatorName, first.role(), first.epoch());
            } else {
                coordinator.heartbeat();
                publishIfChanged();
            }
            if (unreachable) {
                log.info("the {} coordinator is reachable again", coordinatorName);
            }
            unreachable = false;
        } catch (RuntimeException e) {
            // Any failure (a ResilienceException, or a client library's own runtime exception) means the same:
            // this node cannot vouch for its lease. Catching it here also keeps the periodic heartbeat scheduled.
            if (!unreachable) {
                log.warn("cannot reach the {} coordinator ({}): this node holds no lease until it can", coordinatorName,
                        e.getMessage());
            }
            unreachable = true;
        }
    }

    /**
     * One failover round, on the node's work loop: heartbeat if due, adopt a newer epoch, keep the lease as
     * leader, or run the election as an import node. Never throws; a coordinator that cannot be reached is
     * recorded as a problem and the node holds no lease.
     */
    public void tick() {
        Instant now = clock.instant();
        if (!now.isBefore(nextHeartbeat)) {
            heartbeat();
        }
        try {
            Epoch clusterEpoch = coordinator.epoch();
            if (node.epoch().isOlderThan(clusterEpoch) && !candidacy.claiming()) {
                if (node.learnEpoch(clusterEpoch, "the " + coordinatorName + " coordinator")) {
                    dropLease("deposed: epoch " + clusterEpoch + " has another leader");
                }
            }
            switch (node.role()) {
                case EXPORT -> lead();
                case IMPORT -> candidacy.watch(clusterEpoch);
                default -> see(false, leaderSummary(clusterEpoch));
            }
            publishIfChanged();
        } catch (ResilienceException e) {
            see(true, "cannot reach the " + coordinatorName + " coordinator: " + e.getMessage()
                    + (node.role() == NodeRole.EXPORT ? "; not exporting until it holds the lease again" : ""));
        }
    }

    /**
     * A controlled switch to this node (see {@link Candidacy#requestTakeover}): run on the node's work loop.
     *
     * @param force take over even without a good import or when another node is the better candidate
     * @param who who asked, for the log
     * @return what was done, for the person who asked
     * @throws ResilienceException {@code WRONG_STATE} with the reason when refused
     */
    public String requestTakeover(boolean force, String who) {
        return candidacy.requestTakeover(force, who);
    }

    /** The leader keeps its lease; without one it takes it if free, after checking the epoch is still its own. */
    private void lead() {
        Lease held = lease;
        if (held != null && held.mayExport()) {
            candidacy.tellIfPending();
            see(false, node.name() + " leads and holds the leader lease in epoch " + node.epoch());
            return;
        }
        if (held != null) {
            dropLease(leaseLost != null ? leaseLost : "the lease can no longer be guaranteed");
        }
        Optional<Lease> got = coordinator.tryAcquireLease(this::leaseLost);
        if (got.isEmpty()) {
            see(true, node.name() + " is leader in epoch " + node.epoch() + " but " + coordinator.leaseHolder()
                    .map(h -> h + " holds the lease").orElse("cannot take the lease") + "; not exporting");
            return;
        }
        Epoch now = coordinator.epoch();
        Epoch mine = node.epoch();
        if (mine.isOlderThan(now)) {
            got.get().release();
            node.learnEpoch(now, "the " + coordinatorName + " coordinator");
            return;
        }
        if (now.isOlderThan(mine) && !coordinator.advanceEpoch(now, mine)) {
            got.get().release(); // the epoch moved meanwhile: the next round reads it again
            return;
        }
        takeLease(got.get());
        log.info("holds the leader lease in epoch {}", mine);
        see(false, node.name() + " leads and holds the leader lease in epoch " + mine);
    }

    String leaderSummary(Epoch clusterEpoch) {
        return coordinator.leaseHolder().map(h -> h + " holds the leader lease in epoch " + clusterEpoch)
                .orElse("no node holds the leader lease (epoch " + clusterEpoch + ")");
    }

    // ---- shared with Candidacy ----

    Node node() {
        return node;
    }

    Coordinator coordinator() {
        return coordinator;
    }

    String coordinatorName() {
        return coordinatorName;
    }

    Clock clock() {
        return clock;
    }

    Logger log() {
        return log;
    }

    /** @return when the node joined, or null before its first heartbeat */
    synchronized Instant joinedAt() {
        return joinedAt;
    }

    void takeLease(Lease l) {
        leaseLost = null;
        lease = l;
    }

    /** Gives a held lease up (a deposed leader, a failed promotion). */
    void dropLease(String why) {
        Lease l = lease;
        lease = null;
        leaseLost = why;
        if (l != null) {
            log.warn("gives up the leader lease: {}", why);
            l.release();
        }
    }

    /** Told by the coordinator (any thread, must not block): the node stops exporting at once. */
    void leaseLost(String reason) {
        leaseLost = reason;
        log.warn("lost the leader lease ({}): stops exporting at once", reason);
    }

    /** Publishes the node's state if it changed since the last publication. */
    synchronized void publishIfChanged() {
        if (published == null) {
            return;
        }
        Instant now = clock.instant();
        MemberState current = state(now);
        if (!current.equals(published.publishedAt(now))) {
            coordinator.publish(current);
            published = current;
        }
    }

    /** The node's state as the election reads it. */
    private MemberState state(Instant now) {
        Optional<Epoch> claim = candidacy.claim();
        BackupRef good = node.lastImport().map(i -> new BackupRef(i.backupId(), i.epoch(), i.sequence(), i.backupTime()))
                .orElse(null);
        return new MemberState(node.name(), claim.isPresent() ? NodeRole.EXPORT : node.role(),
                claim.orElse(node.epoch()), good, node.importInProgress().orElse(null), node.config().priority(),
                candidacy.healthy(now), now);
    }

    /** Records what the node sees, for status and the log, when it changed. */
    synchronized void see(boolean problem, String summary) {
        if (seen != null && seen.summary().equals(summary) && seen.problem() == problem) {
            return;
        }
        seen = new FailoverStatus(summary, problem, clock.instant());
        if (problem) {
            log.warn("failover: {}", summary);
        } else {
            log.info("failover: {}", summary);
        }
        try {
            node.recordFailover(seen);
        } catch (ResilienceException e) {
            log.warn("could not record the failover status: {}", e.getMessage());
        }
    }

    /** @return the live members (the election's input) */
    List<MemberState> members() {
        return coordinator.members();
    }

    /**
     * Leaves the cluster: releases a held lease (another node can take over at once) and closes the coordinator.
     */
    @Override
    public void close() {
        node.guard(() -> "the node is stopping");
        Lease l = lease;
        lease = null;
        if (l != null) {
            l.release();
        }
        coordinator.close();
    }

    static ResilienceException refused(String why) {
        return new ResilienceException(ErrorCode.WRONG_STATE, why);
    }
}
