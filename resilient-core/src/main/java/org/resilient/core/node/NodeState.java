package org.resilient.core.node;

import org.resilient.api.NodeLayout;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.resilient.api.Epoch;
import org.resilient.core.ImportState;
import org.resilient.api.NodeRole;
import org.resilient.core.StepOutcome;
import org.resilient.api.BackupId;
import org.resilient.core.schedule.ExportTimes;
import org.resilient.core.schedule.JobRetry;

/**
 * The persistent state of a node in {@code state/}: its epoch and role, the leader it knows, its last good
 * import, the outcome of the last run of each step, its export schedule ({@code schedule}), the backoff of a
 * failed job ({@code job-retry}) and what it published and announced ({@code announce}). Every change is
 * written atomically.
 */
public final class NodeState {
    private final Path dir;

    /**
     * Opens the state of a node.
     *
     * @param layout the node's layout
     */
    public NodeState(NodeLayout layout) {
        this.dir = layout.state();
    }

    /** @return the epoch this node knows (0 when new) */
    public synchronized Epoch epoch() {
        String v = StateFiles.read(dir.resolve("epoch")).get("epoch");
        return v == null ? Epoch.INITIAL : new Epoch(Long.parseLong(v));
    }

    /** @return the role recorded by a takeover or demotion, if any (overrides the configured role) */
    public synchronized Optional<NodeRole> role() {
        return Optional.ofNullable(StateFiles.read(dir.resolve("epoch")).get("role")).map(NodeRole::parse);
    }

    /** @return the URI of the leader this node last heard of, if any */
    public synchronized Optional<URI> leader() {
        return Optional.ofNullable(StateFiles.read(dir.resolve("epoch")).get("leader")).map(URI::create)
                .map(NodeSettings::normalize);
    }

    /**
     * Records a new epoch, with the leader of that epoch and this node's role in it.
     *
     * @param epoch the epoch
     * @param leader the leader's URI, or null if unknown (a leader recorded for an older epoch is forgotten)
     * @param role this node's role from now on, or null to keep the configured one
     */
    public synchronized void setEpoch(Epoch epoch, URI leader, NodeRole role) {
        Map<String, String> m = new HashMap<>(StateFiles.read(dir.resolve("epoch")));
        String before = m.put("epoch", epoch.toString());
        if (leader != null) {
            m.put("leader", leader.toString());
        } else if (!epoch.toString().equals(before)) {
            m.remove("leader"); // the leader of an older epoch is not the leader of this one
        }
        if (role != null) {
            m.put("role", role.configName());
        }
        StateFiles.write(dir.resolve("epoch"), m);
    }

    /**
     * Takes the next export sequence number of this node (1, 2, ...), recorded before the export starts, so a
     * number is never given twice, even after a crash.
     *
     * @return the sequence number
     */
    public synchronized long nextSequence() {
        Map<String, String> m = new HashMap<>(StateFiles.read(dir.resolve("sequence")));
        long next = Long.parseLong(m.getOrDefault("sequence", "0")) + 1;
        m.put("sequence", Long.toString(next));
        StateFiles.write(dir.resolve("sequence"), m);
        return next;
    }

    /** @return the last good import, if any */
    public synchronized Optional<ImportState> lastImport() {
        return Optional.ofNullable(ImportState.fromMap(StateFiles.read(dir.resolve("import"))));
    }

    /**
     * Records a good import.
     *
     * @param state the import
     */
    public synchronized void setLastImport(ImportState state) {
        StateFiles.write(dir.resolve("import"), state.toMap());
    }

    /**
     * Forgets the last good import: a deposed leader's copy holds what it wrote as leader, not a backup it
     * imported, so it is no candidate for an election until the next backup re-seeds it.
     */
    public synchronized void clearLastImport() {
        StateFiles.write(dir.resolve("import"), Map.of());
    }

    /**
     * Records (or, with null, clears) that this node was deposed as leader and its component still has to be
     * demoted: recorded with the role change, so a node killed before the demotion demotes at its next start.
     *
     * @param newer the epoch of the new leader, or null once demoted
     */
    public synchronized void setDemotePending(Epoch newer) {
        StateFiles.write(dir.resolve("demote"), newer == null ? Map.of() : Map.of("epoch", newer.toString()));
    }

    /** @return the epoch of the leader this node was deposed by, while its component is not demoted yet */
    public synchronized Optional<Epoch> demotePending() {
        return Optional.ofNullable(StateFiles.read(dir.resolve("demote")).get("epoch"))
                .map(v -> new Epoch(Long.parseLong(v)));
    }

    /**
     * Records that the component's live copy was demoted (this node was deposed), until it is promoted again.
     *
     * @param epoch the epoch of the leader it was demoted for, or null once promoted
     */
    public synchronized void setDemoted(Epoch epoch) {
        StateFiles.write(dir.resolve("demoted"), epoch == null ? Map.of() : Map.of("epoch", epoch.toString()));
    }

    /** @return the epoch of the leader this node's copy was demoted for, unless it was promoted since */
    public synchronized Optional<Epoch> demoted() {
        return Optional.ofNullable(StateFiles.read(dir.resolve("demoted")).get("epoch"))
                .map(v -> new Epoch(Long.parseLong(v)));
    }

    /** @return what the running node last saw of failover, if it runs with a coordinator */
    public synchronized Optional<org.resilient.core.FailoverStatus> failover() {
        return Optional.ofNullable(org.resilient.core.FailoverStatus.fromMap(StateFiles.read(dir.resolve("failover"))));
    }

    /**
     * Records what the running node sees of failover.
     *
     * @param status the status
     */
    public synchronized void setFailover(org.resilient.core.FailoverStatus status) {
        StateFiles.write(dir.resolve("failover"), status.toMap());
    }

    /**
     * Records the outcome of a step.
     *
     * @param outcome the outcome
     */
    public synchronized void record(StepOutcome outcome) {
        StateFiles.write(dir.resolve("step-" + outcome.step()), outcome.toMap());
        if (outcome.ok()) {
            StateFiles.write(dir.resolve("step-" + outcome.step() + ".ok"), outcome.toMap());
        } else {
            // A counter for monitoring (it only grows): a step failing and recovering between two scrapes still shows.
            Map<String, String> counts = new HashMap<>(StateFiles.read(dir.resolve("step-failures")));
            counts.merge(outcome.step(), "1", (a, b) -> Long.toString(Long.parseLong(a) + 1));
            StateFiles.write(dir.resolve("step-failures"), counts);
        }
    }

    /** @return how many runs of each step failed since the node was created, by step name */
    public synchronized Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        StateFiles.read(dir.resolve("step-failures")).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    /**
     * Adds to a counter kept for monitoring (it only grows, and survives restarts like the failure counts).
     *
     * @param counter the counter's name, e.g. {@link #PULL_REUSED_BYTES}
     * @param n what to add
     */
    public synchronized void count(String counter, long n) {
        Map<String, String> counts = new HashMap<>(StateFiles.read(dir.resolve("counters")));
        counts.merge(counter, Long.toString(n), (a, b) -> Long.toString(Long.parseLong(a) + Long.parseLong(b)));
        StateFiles.write(dir.resolve("counters"), counts);
    }

    /** @return the counters of {@link #count}, by name (a counter never added to is absent) */
    public synchronized Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        StateFiles.read(dir.resolve("counters")).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    /** The counter of the bytes good pulls kept from interrupted attempts (not fetched again). */
    public static final String PULL_REUSED_BYTES = "pull-reused-bytes";

    /**
     * When the node was first opened: a scheduled step that never succeeded is measured from here.
     *
     * @param now the time to record if none is recorded yet
     * @return the recorded time
     */
    public synchronized java.time.Instant created(java.time.Instant now) {
        Optional<java.time.Instant> v = created();
        if (v.isPresent()) {
            return v.get();
        }
        StateFiles.write(dir.resolve("created"), Map.of("created", now.toString()));
        return now;
    }

    /** @return when the node was first opened, if recorded */
    public synchronized Optional<java.time.Instant> created() {
        return Optional.ofNullable(StateFiles.read(dir.resolve("created")).get("created")).map(java.time.Instant::parse);
    }

    /**
     * Records what the node is, for other nodes' {@code status --cluster} reading this directory: its name, URI,
     * configured role and the settings its status is judged by. Written only when it changed.
     *
     * @param config the node's settings
     */
    public synchronized void recordIdentity(NodeSettings config) {
        Map<String, String> m = new HashMap<>();
        m.put("node.name", config.name());
        m.put("node.role", config.role().configName());
        m.put("node.uri", config.uri().toString());
        m.put("export.interval", config.expectedEvery().toString()); // the schedule, as the interval status judges by
        m.put("node.stale-after", config.staleAfter().toString());
        if (!m.equals(StateFiles.read(dir.resolve("identity")))) {
            StateFiles.write(dir.resolve("identity"), m);
        }
    }

    /** @return what {@link #recordIdentity} recorded, empty if nothing */
    public synchronized Map<String, String> identity() {
        return StateFiles.read(dir.resolve("identity"));
    }

    /** @return the last outcome of every step, by step name */
    public synchronized Map<String, StepOutcome> lastRuns() {
        return outcomes("");
    }

    /** @return the last successful outcome of every step, by step name */
    public synchronized Map<String, StepOutcome> lastSuccesses() {
        return outcomes(".ok");
    }

    private Map<String, StepOutcome> outcomes(String suffix) {
        Map<String, StepOutcome> out = new TreeMap<>();
        for (String step : new String[] {"export", "announce", "pull", "archive", "push", "import", "promote"}) {
            StepOutcome o = StepOutcome.fromMap(StateFiles.read(dir.resolve("step-" + step + suffix)));
            if (o != null) {
                out.put(step, o);
            }
        }
        return out;
    }

    /** @return what was recorded about exports ({@link ExportTimes#NONE} if nothing) */
    public synchronized ExportTimes exportTimes() {
        return ExportTimes.fromMap(StateFiles.read(dir.resolve("schedule")));
    }

    /**
     * Records the export plan.
     *
     * @param times the new record
     */
    public synchronized void setExportTimes(ExportTimes times) {
        StateFiles.write(dir.resolve("schedule"), times.toMap());
    }

    /** @return the backoff of the last failed job, if any */
    public synchronized Optional<JobRetry> jobRetry() {
        return Optional.ofNullable(JobRetry.fromMap(StateFiles.read(dir.resolve("job-retry"))));
    }

    /**
     * Records (or, with null, clears) the backoff of a failed job.
     *
     * @param retry the record, or null after a success
     */
    public synchronized void setJobRetry(JobRetry retry) {
        StateFiles.write(dir.resolve("job-retry"), retry == null ? Map.of() : retry.toMap());
    }

    /**
     * Records that a backup is about to be published, before the rename that publishes it: a node killed
     * between publishing and announcing finds it here at its next start.
     *
     * @param id the backup
     */
    public synchronized void setToAnnounce(BackupId id) {
        Map<String, String> m = new HashMap<>(StateFiles.read(dir.resolve("announce")));
        m.put("to-announce", id.value());
        StateFiles.write(dir.resolve("announce"), m);
    }

    /**
     * Records that a backup was announced to every pull-backup node.
     *
     * @param id the backup
     */
    public synchronized void setAnnounced(BackupId id) {
        Map<String, String> m = new HashMap<>(StateFiles.read(dir.resolve("announce")));
        m.put("announced", id.value());
        StateFiles.write(dir.resolve("announce"), m);
    }

    /** @return the last backup this node was about to publish, if it was not announced since */
    public synchronized Optional<BackupId> unannounced() {
        Map<String, String> m = StateFiles.read(dir.resolve("announce"));
        String to = m.get("to-announce");
        return to == null || to.equals(m.get("announced")) ? Optional.empty() : Optional.of(new BackupId(to));
    }
}
