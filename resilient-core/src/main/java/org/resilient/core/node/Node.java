package org.resilient.core.node;

import org.resilient.api.NodeLayout;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.Message;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.CoordinatorProvider;
import org.resilient.core.NodeStatus;
import org.resilient.api.NodeRole;
import org.resilient.core.config.NodeConfig;
import org.resilient.core.manifest.SealedBackup;
import org.resilient.core.registry.Registry;
import org.resilient.core.schedule.Pause;
import org.slf4j.Logger;

/**
 * One node: its role (which can change with a takeover), its epoch, its inbox and its work. Every message
 * is checked against the node's epoch first: older epochs are refused, a newer one is adopted (and an export
 * node that sees another leader in a newer epoch demotes itself, so two nodes never export in one epoch).
 */
public final class Node implements AutoCloseable {
    private final NodeContext ctx;
    private final NodeLock lock;
    private final JobQueue queue;
    private final Exporting exporting;
    private final Jobs jobs;
    private final RoleChanges roles;
    private final Inbox inbox;
    private final CoordinatorProvider coordinator;
    private final Logger log;
    private volatile ExportGuard guard = ExportGuard.ALWAYS;

    private Node(NodeContext ctx, CoordinatorProvider coordinator) {
        this.ctx = ctx;
        this.coordinator = coordinator;
        this.lock = new NodeLock(ctx.layout().state().resolve("node.lock"));
        this.queue = new JobQueue(ctx.layout().state().resolve("queue"));
        this.exporting = new Exporting(ctx, () -> guard.refusal());
        this.jobs = new Jobs(ctx, queue);
        this.roles = new RoleChanges(ctx, lock, jobs);
        this.inbox = new Inbox(ctx, roles, queue);
        this.log = ctx.log("node");
    }

    /**
     * Opens a node from its settings, after loading and checking them as a whole (every problem reported at
     * once; see {@link NodeConfig#load}).
     *
     * @param settings the node's settings ({@code node.*}, role keys, component keys) from a file or a builder
     * @param environment the environment whose {@code RESILIENT_*} variables override keys
     * @param registry where providers are found
     * @param clock the clock
     * @param progress where progress goes
     * @param where where the settings came from, for error messages
     * @return the open node
     * @throws ResilienceException {@code CONFIG_INVALID} or {@code UNKNOWN_PROVIDER}
     */
    public static Node open(Settings settings, Map<String, String> environment, Registry registry, Clock clock,
                            ProgressListener progress, String where) {
        return open(settings, environment, registry, clock, progress, where, Pause.SLEEP,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Opens a node, with the way it waits between tries and its source of jitter given (tests).
     *
     * @param settings the node's settings
     * @param environment the environment whose {@code RESILIENT_*} variables override keys
     * @param registry where providers are found
     * @param clock the clock
     * @param progress where progress goes
     * @param where where the settings came from, for error messages
     * @param pause how the node waits between tries
     * @param random numbers in [0, 1) for jitter
     * @return the open node
     * @throws ResilienceException {@code CONFIG_INVALID} or {@code UNKNOWN_PROVIDER}
     */
    public static Node open(Settings settings, Map<String, String> environment, Registry registry, Clock clock,
                            ProgressListener progress, String where, Pause pause, DoubleSupplier random) {
        NodeConfig loaded = NodeConfig.load(settings, environment, registry, where);
        NodeSettings config = loaded.node();
        try {
            config.exportSchedule(); // a cron expression or time zone no declaration can check alone
        } catch (IllegalArgumentException e) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "1 problem in " + where + ":\n  " + e.getMessage());
        }
        if (config.role() == NodeRole.PULL_BACKUP && config.source() == null && config.targets().isEmpty()) {
            log(config).warn("pull-backup node {} has no pbs.targets: backups are archived but pushed nowhere", config.name());
        }
        NodeLayout layout = new NodeLayout(config.directory()).create();
        NodeAuth auth = NodeAuth.open(loaded.settings(), layout, log(config));
        Senders.warnIfOpen(config, auth, log(config));
        NodeContext ctx = new NodeContext(config, layout, new NodeState(layout),
                loaded.transport().open(config.uri(), loaded.settings()), loaded.component(), registry, clock, progress,
                pause, random, auth);
        ctx.state().created(clock.instant());
        ctx.state().recordIdentity(config);
        return new Node(ctx, loaded.coordinatorProvider().orElse(null));
    }

    private static Logger log(NodeSettings config) {
        return org.slf4j.LoggerFactory.getLogger("org.resilient.node." + config.name());
    }

    /** @return the node's name */
    public String name() {
        return ctx.name();
    }

    /** @return the node's URI */
    public URI uri() {
        return ctx.uri();
    }

    /** @return the node's current role: the configured one unless a takeover changed it */
    public NodeRole role() {
        return roles.role();
    }

    /** @return the epoch the node knows */
    public Epoch epoch() {
        return ctx.state().epoch();
    }

    /** @return the node's layout */
    public NodeLayout layout() {
        return ctx.layout();
    }

    /** @return the node's settings */
    public Settings settings() {
        return ctx.settings();
    }

    /** @return the node's clock */
    public Clock clock() {
        return ctx.clock();
    }

    /**
     * Exports, publishes and announces a backup now. Reads the inbox first, so a node deposed by a newer
     * leader learns it before it exports.
     *
     * @param cancellation the cancellation signal
     * @return the published backup
     * @throws ResilienceException {@code WRONG_STATE} if the node is not the leader, {@code LOCKED} if another
     *     export (or other work) runs on this node, or the export's own failure
     */
    public SealedBackup exportNow(Cancellation cancellation) {
        receive();
        try (NodeLock.Held held = lock.tryAcquire("export")) {
            if (role() != NodeRole.EXPORT) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + name() + " is not the leader (role "
                        + role() + ", epoch " + epoch() + ctx.state().leader().map(l -> ", leader " + l).orElse("")
                        + "); only the leader exports");
            }
            return exporting.export(epoch(), cancellation);
        }
    }

    /**
     * When this node's next export is due, if it is the leader.
     *
     * @return the due time ({@link java.time.Instant#EPOCH} when due at once), or empty if not the leader
     */
    public Optional<Instant> nextExportDue() {
        return role() != NodeRole.EXPORT ? Optional.empty() : Optional.of(exporting.nextDue());
    }

    /**
     * Announces the backup this node published last if its announcement did not reach every pull-backup node
     * (or the node was killed between publishing and announcing). A running node calls it at start and, after
     * a failure, again with backoff.
     *
     * @return the backup announced, or empty if there was nothing to announce
     * @throws ResilienceException {@code UNREACHABLE} if a pull-backup node cannot be told
     */
    public Optional<BackupId> announceUnannounced() {
        return role() != NodeRole.EXPORT ? Optional.empty() : exporting.announceUnannounced(epoch());
    }

    /**
     * Announces the newest published backup again to the pull-backup nodes (after an announcement failed).
     *
     * @return the backup announced
     * @throws ResilienceException {@code NOT_FOUND} if nothing is published, {@code WRONG_STATE} if not leader,
     *     {@code UNREACHABLE} if a pull-backup node cannot be told
     */
    public BackupId announceLatest() {
        receive();
        if (role() != NodeRole.EXPORT) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + name() + " is not the leader; only the leader announces");
        }
        return exporting.announceLatest();
    }

    /**
     * Reads the inbox: adopts newer epochs, refuses stale messages, queues announced backups.
     *
     * @return the number of messages accepted
     */
    public synchronized int receive() {
        // Each message is acted on (epoch adopted, job queued and saved) before the transport deletes it; a crash
        // in between brings it back, and acting on it twice changes nothing.
        int[] accepted = {0};
        ctx.transport().receive(m -> {
            try (BackupMdc.Scope mdc = BackupMdc.of(m.backupId())) {
                if (inbox.accept(m)) {
                    accepted[0]++;
                }
            }
        });
        return accepted[0];
    }

    /**
     * Runs the pending job, if any: a pull-backup node pulls, archives and pushes; an import node imports.
     * A failed job stays pending and is retried by the next call.
     *
     * @param cancellation the cancellation signal
     * @return the backup handled, or empty if nothing was pending
     * @throws ResilienceException the job's failure (recorded in the node's status)
     */
    public Optional<BackupId> runPending(Cancellation cancellation) {
        return runPending(cancellation, true);
    }

    /**
     * Runs the pending job, if any, unless its last try failed and its backoff ({@code node.retry-delay},
     * doubled after each failure in a row, at most {@code node.retry-max-delay}) has not passed: a running node
     * does not run a failing job again on every poll. A newer backup is tried at once.
     *
     * @param cancellation the cancellation signal
     * @param evenIfBackingOff true to run the job now whatever its backoff (a command run by hand)
     * @return the backup handled, or empty if nothing was pending (or it waits for its backoff)
     * @throws ResilienceException the job's failure (recorded in the node's status and its backoff)
     */
    public Optional<BackupId> runPending(Cancellation cancellation, boolean evenIfBackingOff) {
        Optional<JobQueue.Job> pending = queue.pending();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        if (!evenIfBackingOff && jobs.backingOff(pending.get().backupId())) {
            return Optional.empty();
        }
        try (NodeLock.Held held = lock.tryAcquire(role() + " of " + pending.get().backupId())) {
            JobQueue.Job job = queue.pending().orElse(null);
            if (job == null) {
                return Optional.empty();
            }
            try (BackupMdc.Scope mdc = BackupMdc.of(job.backupId())) {
                return jobs.run(job, role(), epoch(), cancellation);
            }
        }
    }

    /**
     * Promotes this import node to leader in a new epoch: waits for an import in progress, promotes the
     * standby, records the epoch and the export role. The caller tells the other nodes (see
     * {@link org.resilient.core.Takeover}).
     *
     * @param epoch the new epoch, newer than this node's
     * @throws ResilienceException {@code WRONG_STATE} if this node is not an import node or the epoch is not newer
     */
    public void promote(Epoch epoch) {
        roles.promote(epoch);
    }

    /**
     * Adopts a newer epoch learned from the coordinator; a leader is deposed by it (it stops exporting, and
     * {@link #finishDemotion()} demotes its component).
     *
     * @param newer the epoch
     * @param source where it was learned, for the log
     * @return true if this node was the leader and is deposed now
     */
    public boolean learnEpoch(Epoch newer, String source) {
        return roles.adopt(newer, null, source);
    }

    /**
     * Demotes the component of a deposed leader if that is still to be done (see {@link RoleChanges}).
     *
     * @return the epoch of the new leader, if the demotion ran now
     */
    public Optional<Epoch> finishDemotion() {
        return roles.finishDemotion();
    }

    /**
     * At a start of the node: demotes its component again if its copy was demoted before and not promoted since
     * (see {@link RoleChanges#demoteAgainAtStart}); never throws.
     *
     * @return the epoch it was demoted for again, if it was
     */
    public Optional<Epoch> demoteAgainAtStart() {
        return roles.demoteAgainAtStart();
    }

    /**
     * Sets what the leader asks before every export and announcement (the failover's lease check).
     *
     * @param g the guard
     */
    public void guard(ExportGuard g) {
        this.guard = g;
    }

    /** @return the coordinator of {@code node.coordinator}, if one is configured */
    public Optional<CoordinatorProvider> coordinatorProvider() {
        return Optional.ofNullable(coordinator);
    }

    /** @return the import running on this node now, if any */
    public Optional<org.resilient.api.ImportInProgress> importInProgress() {
        return jobs.importing();
    }

    /** @return the URI of the leader this node last heard of, if any */
    public Optional<URI> knownLeader() {
        return ctx.state().leader();
    }

    /**
     * Records what the running node sees of failover, for {@code status}.
     *
     * @param status the status
     */
    public void recordFailover(org.resilient.core.FailoverStatus status) {
        ctx.state().setFailover(status);
    }

    /** @return the node's last good import, if any */
    public Optional<org.resilient.core.ImportState> lastImport() {
        return ctx.state().lastImport();
    }

    /** @return the node's typed settings */
    public NodeSettings config() {
        return ctx.config();
    }

    /**
     * Tells another node about a new leader.
     *
     * @param to the node
     * @param epoch the new epoch
     */
    public void announceLeadership(URI to, Epoch epoch) {
        ctx.send(to, new Message(Message.Type.LEADER_CHANGED, uri().toString(), epoch, null, ctx.clock().instant()));
    }

    /** @return the node's status as of now; the inbox is read first (no job run), so a deposed leader knows at once */
    public NodeStatus status() {
        try {
            receive();
        } catch (ResilienceException e) {
            log.warn("status could not read the inbox of {}; it shows what the node knew before: {}", name(), e.getMessage());
        }
        return StatusReport.of(ctx, role(), queue);
    }

    /** @return the node's monitoring counters ({@link NodeState#counters}) */
    public Map<String, Long> counters() {
        return ctx.state().counters();
    }

    /** @return the interrupted steps found, after repairing what they left (see {@link RunningSteps#recover}) */
    public List<org.resilient.core.InterruptedStep> recoverInterrupted() {
        return RunningSteps.recover(ctx, queue, role(), log);
    }

    /** @return the sizes of a pull-backup node's archive, or empty if this node has no archive (yet) */
    public Optional<org.resilient.api.ArchiveStats> archiveStats() {
        return StatusReport.archiveStats(ctx, role());
    }

    /** Closes the transport. */
    @Override
    public void close() {
        ctx.transport().close();
    }
}
