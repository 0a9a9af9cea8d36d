package org.resilient.core;

import org.resilient.api.NodeRole;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;

/**
 * A node's status: role, epoch, the outcome of the last run of each step, how fresh its scheduled step is, how far
 * it is behind the leader, any interrupted step, the last good import, the job waiting, and the backups it
 * publishes. {@link #healthy()} is what monitoring checks; {@link #problems()} says why it is not.
 *
 * @param name the node's name
 * @param uri its URI
 * @param role its current role
 * @param epoch the epoch it knows
 * @param leader the leader it knows, or null
 * @param lastRuns the last outcome of each step
 * @param lastSuccesses the last successful outcome of each step
 * @param lastImport the last good import (import nodes), or null
 * @param pending the backup waiting to be handled, or null
 * @param published the backups published in its {@code backup/} folder, oldest first
 * @param asOf when the status was taken (by the node's clock)
 * @param freshness the scheduled step of its role against the schedule (export, pull or import), by step name
 * @param lag how far it is behind the leader (pull-backup and import nodes), or null
 * @param interrupted the steps whose process died before they ended
 * @param failures failed runs of each step since the node was created, by step name
 * @param failover what the node last saw of automatic failover, or null if it has no coordinator
 */
public record NodeStatus(String name, URI uri, NodeRole role, Epoch epoch, URI leader, Map<String, StepOutcome> lastRuns,
                         Map<String, StepOutcome> lastSuccesses, ImportState lastImport, BackupId pending,
                         List<BackupId> published, Instant asOf, Map<String, StepFreshness> freshness, Lag lag,
                         List<InterruptedStep> interrupted, Map<String, Long> failures, FailoverStatus failover) {

    /** Freezes the collections. */
    public NodeStatus {
        lastRuns = Map.copyOf(lastRuns);
        lastSuccesses = Map.copyOf(lastSuccesses);
        published = List.copyOf(published);
        freshness = Map.copyOf(freshness);
        interrupted = List.copyOf(interrupted);
        failures = Map.copyOf(failures);
    }

    /**
     * A status without failover (a node without a coordinator).
     *
     * @param name the node's name
     * @param uri its URI
     * @param role its current role
     * @param epoch the epoch it knows
     * @param leader the leader it knows, or null
     * @param lastRuns the last outcome of each step
     * @param lastSuccesses the last successful outcome of each step
     * @param lastImport the last good import, or null
     * @param pending the backup waiting, or null
     * @param published the published backups
     * @param asOf when the status was taken
     * @param freshness the scheduled step's freshness
     * @param lag how far it is behind the leader, or null
     * @param interrupted the interrupted steps
     * @param failures failed runs of each step
     */
    public NodeStatus(String name, URI uri, NodeRole role, Epoch epoch, URI leader, Map<String, StepOutcome> lastRuns,
                      Map<String, StepOutcome> lastSuccesses, ImportState lastImport, BackupId pending,
                      List<BackupId> published, Instant asOf, Map<String, StepFreshness> freshness, Lag lag,
                      List<InterruptedStep> interrupted, Map<String, Long> failures) {
        this(name, uri, role, epoch, leader, lastRuns, lastSuccesses, lastImport, pending, published, asOf, freshness,
                lag, interrupted, failures, null);
    }

    /**
     * A status without freshness, lag, interruptions or counts (as before they were recorded).
     *
     * @param name the node's name
     * @param uri its URI
     * @param role its current role
     * @param epoch the epoch it knows
     * @param leader the leader it knows, or null
     * @param lastRuns the last outcome of each step
     * @param lastSuccesses the last successful outcome of each step
     * @param lastImport the last good import, or null
     * @param pending the backup waiting, or null
     * @param published the published backups
     */
    public NodeStatus(String name, URI uri, NodeRole role, Epoch epoch, URI leader, Map<String, StepOutcome> lastRuns,
                      Map<String, StepOutcome> lastSuccesses, ImportState lastImport, BackupId pending,
                      List<BackupId> published) {
        this(name, uri, role, epoch, leader, lastRuns, lastSuccesses, lastImport, pending, published, Instant.now(),
                Map.of(), null, List.of(), Map.of(), null);
    }

    /**
     * Whether the node is healthy: the last run of every step succeeded, its scheduled step is not stale, no
     * step was interrupted and failover reports no problem.
     *
     * @return false if anything in {@link #problems()}
     */
    public boolean healthy() {
        return lastRuns.values().stream().allMatch(StepOutcome::ok) && freshness.values().stream().noneMatch(StepFreshness::stale)
                && interrupted.isEmpty() && (failover == null || !failover.problem());
    }

    /**
     * Why the node is unhealthy, one line each: failed last runs, stale steps, interrupted steps.
     *
     * @return the problems, empty when healthy
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        lastRuns.values().stream().filter(o -> !o.ok())
                .forEach(o -> out.add(o.step() + " failed at " + o.time() + ": " + o.message()));
        freshness.values().stream().filter(StepFreshness::stale).forEach(f -> out.add(f.describe()));
        interrupted.forEach(i -> out.add(i.describe()));
        if (failover != null && failover.problem()) {
            out.add("failover: " + failover.summary());
        }
        return out;
    }

    /**
     * The last outcome of a step.
     *
     * @param step e.g. {@code import}
     * @return the outcome, if the step ever ran
     */
    public Optional<StepOutcome> lastRun(String step) {
        return Optional.ofNullable(lastRuns.get(step));
    }
}
