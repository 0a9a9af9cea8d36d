package org.resilient.cli.observe;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.resilient.api.ArchiveStats;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.core.node.NodeState;
import org.resilient.api.NodeRole;
import org.resilient.core.StepOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one node, read from its status at each scrape (so they agree with {@code resilient status} and
 * survive restarts: the failure counts are persisted by the node, not kept in memory). All names start with
 * {@code resilient_}; per-step metrics carry a {@code step} label (export, pull, archive, push, import, promote).
 */
final class NodeMetrics implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);

    private final ResilientNode node;
    /** Archive stats read the whole archive's index: refreshed only when an archive step ran since. */
    private Instant archiveStatsOf;
    private Optional<ArchiveStats> archiveStats = Optional.empty();

    NodeMetrics(ResilientNode node) {
        this.node = node;
    }

    @Override
    public MetricSnapshots collect() {
        NodeStatus s = node.status();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(gauge("resilient_healthy", "1 when the node is healthy (as GET /health and resilient status)",
                s.healthy() ? 1 : 0));
        out.metricSnapshot(gauge("resilient_epoch", "the epoch (fencing token) the node knows", (double) s.epoch().value()));
        GaugeSnapshot.Builder role = GaugeSnapshot.builder().name("resilient_role")
                .help("the node's current role: 1 for the role it has, 0 for the others");
        for (NodeRole r : NodeRole.values()) {
            role.dataPoint(point(Labels.of("role", r.configName()), r == s.role() ? 1 : 0));
        }
        out.metricSnapshot(role.build());
        out.metricSnapshot(perStep("resilient_step_last_success_timestamp_seconds",
                "when the step last succeeded (Unix time)", s.lastSuccesses(), o -> o.time().toEpochMilli() / 1000.0));
        out.metricSnapshot(perStep("resilient_step_last_success_duration_seconds", "how long the step's last success took",
                s.lastSuccesses(), o -> o.took().toMillis() / 1000.0));
        out.metricSnapshot(perStep("resilient_step_last_success_bytes", "the size of the backup the step's last success handled",
                s.lastSuccesses(), StepOutcome::bytes));
        out.metricSnapshot(perStep("resilient_step_last_run_ok", "1 when the step's last run succeeded, 0 when it failed",
                s.lastRuns(), o -> o.ok() ? 1 : 0));
        CounterSnapshot.Builder failures = CounterSnapshot.builder().name("resilient_step_failures")
                .help("failed runs of the step since the node was created");
        s.lastRuns().keySet().forEach(step -> failures.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("step", step)).value(s.failures().getOrDefault(step, 0L)).build()));
        s.failures().forEach((step, n) -> {
            if (!s.lastRuns().containsKey(step)) {
                failures.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("step", step)).value(n).build());
            }
        });
        out.metricSnapshot(failures.build());
        Long reused = node.counters().get(NodeState.PULL_REUSED_BYTES);
        if (reused != null || s.role() == NodeRole.PULL_BACKUP) {
            out.metricSnapshot(CounterSnapshot.builder().name("resilient_pull_reused_bytes")
                    .help("bytes that good pulls kept from interrupted attempts instead of fetching them again")
                    .dataPoint(CounterDataPointSnapshot.builder().value(reused == null ? 0 : (double) reused).build()).build());
        }
        GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("resilient_step_age_seconds")
                .help("age of the last good run of the step the role runs on schedule (or the wait for a first one)");
        GaugeSnapshot.Builder stale = GaugeSnapshot.builder().name("resilient_step_stale")
                .help("1 when that age is past the limit (2 x export.interval + 10m, or node.stale-after)");
        s.freshness().forEach((step, f) -> {
            age.dataPoint(point(Labels.of("step", step), seconds(f.age())));
            stale.dataPoint(point(Labels.of("step", step), f.stale() ? 1 : 0));
        });
        out.metricSnapshot(age.build());
        out.metricSnapshot(stale.build());
        out.metricSnapshot(gauge("resilient_interrupted_steps", "steps whose process died before they ended",
                s.interrupted().size()));
        out.metricSnapshot(gauge("resilient_published_backups", "backups published in the node's backup/ folder",
                s.published().size()));
        if (s.lag() != null) {
            if (s.lag().behind() != null) {
                out.metricSnapshot(gauge("resilient_lag_seconds",
                        "time between the newest backup the node knows of from the leader and its last good one",
                        seconds(s.lag().behind())));
            }
            if (s.lag().dataAge() != null) {
                out.metricSnapshot(gauge("resilient_data_age_seconds", "age of the data of the node's last good backup",
                        seconds(s.lag().dataAge())));
            }
        }
        archive(s).ifPresent(a -> {
            out.metricSnapshot(gauge("resilient_archive_generations", "generations in the archive", a.generations()));
            out.metricSnapshot(gauge("resilient_archive_logical_bytes", "sum of the sizes of all generations", (double) a.logicalBytes()));
            out.metricSnapshot(gauge("resilient_archive_unique_bytes", "distinct content stored, before compression",
                    (double) a.uniqueBytes()));
            out.metricSnapshot(gauge("resilient_archive_stored_bytes", "bytes the archive takes on disk", (double) a.storedBytes()));
            out.metricSnapshot(gauge("resilient_archive_dedup_ratio",
                    "logical bytes / stored bytes: how many times smaller the archive is than what it holds", a.reduction()));
        });
        return out.build();
    }

    private synchronized Optional<ArchiveStats> archive(NodeStatus s) {
        if (s.role() != NodeRole.PULL_BACKUP) {
            return Optional.empty();
        }
        Instant lastArchive = Optional.ofNullable(s.lastRuns().get("archive")).map(StepOutcome::time).orElse(Instant.EPOCH);
        if (!lastArchive.equals(archiveStatsOf)) {
            try {
                archiveStats = node.archiveStats();
                archiveStatsOf = lastArchive;
            } catch (RuntimeException e) {
                // The other metrics still matter; the archive's own failure shows in its step metrics.
                LOG.warn("cannot read the archive's stats for /metrics: {}", e.getMessage());
            }
        }
        return archiveStats;
    }

    private static GaugeSnapshot perStep(String name, String help, Map<String, StepOutcome> outcomes,
                                         ToDoubleFunction<StepOutcome> value) {
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(name).help(help);
        outcomes.forEach((step, o) -> g.dataPoint(point(Labels.of("step", step), value.applyAsDouble(o))));
        return g.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(Labels.EMPTY, value)).build();
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
