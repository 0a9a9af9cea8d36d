package org.resilient.core;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Epoch;

/**
 * A node's status: role, epoch, the outcome of the last run of each step, the last good import, the job
 * waiting, and the backups it publishes. {@link #healthy()} is what monitoring checks.
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
 */
public record NodeStatus(String name, URI uri, Role role, Epoch epoch, URI leader, Map<String, StepOutcome> lastRuns,
                         Map<String, StepOutcome> lastSuccesses, ImportState lastImport, BackupId pending,
                         List<BackupId> published) {

    /** Freezes the collections. */
    public NodeStatus {
        lastRuns = Map.copyOf(lastRuns);
        lastSuccesses = Map.copyOf(lastSuccesses);
        published = List.copyOf(published);
    }

    /**
     * Whether the last run of every step this node has run succeeded.
     *
     * @return false if any step's last run failed
     */
    public boolean healthy() {
        return lastRuns.values().stream().allMatch(StepOutcome::ok);
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
