package org.resilient.core.node;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.core.ImportState;
import org.resilient.core.Lag;
import org.resilient.core.NodeStatus;
import org.resilient.api.NodeRole;
import org.resilient.core.StepFreshness;
import org.resilient.core.StepOutcome;
import org.resilient.support.fs.Deliveries;

/**
 * Builds a node's {@link NodeStatus} from its state: the recorded outcomes, the freshness of the step its role runs
 * on schedule, the lag behind the leader and the steps left interrupted.
 */
final class StatusReport {
    /** The step name under which deliveries to an import node are reported. */
    static final String RECEIVE = "receive";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private StatusReport() {
    }

    static NodeStatus of(NodeContext ctx, NodeRole role, JobQueue queue) {
        NodeState state = ctx.state();
        Instant now = ctx.clock().instant();
        Map<String, StepOutcome> runs = withDelivery(ctx, role, state.lastRuns());
        Map<String, StepOutcome> successes = state.lastSuccesses();
        ImportState lastImport = state.lastImport().orElse(null);
        BackupId pending = queue.pending().map(JobQueue.Job::backupId).orElse(null);
        String scheduled = scheduledStep(role);
        StepFreshness fresh = freshness(ctx, role, scheduled, successes, now);
        return new NodeStatus(ctx.name(), ctx.uri(), role, state.epoch(), state.leader().orElse(null), runs, successes,
                lastImport, pending, Retention.published(ctx.layout()), now, Map.of(scheduled, fresh),
                lag(role, lastImport, successes, pending, queue, now),
                new RunningSteps(ctx.layout().state()).interrupted(runs), state.failures(),
                ctx.config().coordinator().isPresent() ? state.failover().orElse(null) : null);
    }

    /**
     * Adds the last delivery to an import node as its {@code receive} step: deliveries are written into this node's
     * {@code incoming/} by others (the pull-backup node through {@code file:}, this node's server through
     * {@code https:}), and a failure on this node's side (disk full, a refused or broken transfer) must make its own
     * status unhealthy at once, not only when its imports go stale.
     */
    private static Map<String, StepOutcome> withDelivery(NodeContext ctx, NodeRole role, Map<String, StepOutcome> runs) {
        if (role != NodeRole.IMPORT) {
            return runs;
        }
        Optional<Deliveries.Delivery> last = Deliveries.last(ctx.layout());
        if (last.isEmpty()) {
            return runs;
        }
        Deliveries.Delivery d = last.get();
        Map<String, StepOutcome> out = new java.util.HashMap<>(runs);
        out.put(RECEIVE, new StepOutcome(RECEIVE, d.ok(), d.time(), d.backupId(), d.message(), Duration.ZERO));
        return out;
    }

    /** The step a node of this role must run successfully once per export interval. */
    static String scheduledStep(NodeRole role) {
        return switch (role) {
            case EXPORT -> "export";
            case PULL_BACKUP -> "pull";
            case IMPORT -> "import";
        };
    }

    private static StepFreshness freshness(NodeContext ctx, NodeRole role, String step, Map<String, StepOutcome> successes,
                                           Instant now) {
        Duration every = ctx.config().expectedEvery();
        Duration staleAfter = ctx.config().staleAfter();
        StepOutcome last = successes.get(step);
        Instant since;
        if (last != null) {
            since = last.time();
        } else {
            // Never succeeded: wait from when the node was created, or took its current role by a promotion.
            since = ctx.state().created().orElse(now);
            StepOutcome promoted = successes.get("promote");
            if (role == NodeRole.EXPORT && promoted != null && promoted.time().isAfter(since)) {
                since = promoted.time();
            }
        }
        Duration age = Duration.between(since, now);
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        return new StepFreshness(step, every, staleAfter, last == null ? null : last.time(), age, age.compareTo(staleAfter) > 0);
    }

    private static Lag lag(NodeRole role, ImportState lastImport, Map<String, StepOutcome> successes, BackupId pending,
                           JobQueue queue, Instant now) {
        BackupId lastGood;
        Instant lastGoodTime;
        switch (role) {
            case IMPORT -> {
                lastGood = lastImport == null ? null : lastImport.backupId();
                lastGoodTime = lastImport == null ? null : lastImport.backupTime();
            }
            case PULL_BACKUP -> {
                StepOutcome pull = successes.get("pull");
                lastGood = pull == null ? null : pull.backupId();
                lastGoodTime = lastGood == null ? null : timeOf(lastGood).orElse(null);
            }
            default -> {
                return null; // the leader is not behind anyone
            }
        }
        List<BackupId> known = new ArrayList<>();
        Optional.ofNullable(pending).ifPresent(known::add);
        queue.lastSuccessful().ifPresent(known::add);
        Optional.ofNullable(lastGood).ifPresent(known::add);
        BackupId newest = known.stream().max(BackupId::compareTo).orElse(null);
        Duration behind;
        if (newest == null || newest.equals(lastGood)) {
            behind = Duration.ZERO;
        } else {
            Optional<Instant> newestTime = timeOf(newest);
            behind = newestTime.isPresent() && lastGoodTime != null ? positive(Duration.between(lastGoodTime, newestTime.get()))
                    : null;
        }
        Duration dataAge = lastGoodTime == null ? null : positive(Duration.between(lastGoodTime, now));
        return new Lag(newest, lastGood, behind, dataAge);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The time an id made by {@link BackupId#of} starts with; ids made otherwise have none. */
    static Optional<Instant> timeOf(BackupId id) {
        String v = id.value();
        if (v.length() < 20) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(v.substring(0, 20), ID_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The sizes of a pull-backup node's archive, or empty if this node has no archive (yet). */
    static Optional<org.resilient.api.ArchiveStats> archiveStats(NodeContext ctx, NodeRole role) {
        if (role != NodeRole.PULL_BACKUP) {
            return Optional.empty();
        }
        java.net.URI location = ctx.config().archive();
        try (org.resilient.api.spi.Archive archive = ctx.registry().archive(location.getScheme())
                .open(location, ctx.settings(), false)) {
            return Optional.of(archive.stats());
        } catch (org.resilient.api.ResilienceException e) {
            if (e.code() == org.resilient.api.ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
