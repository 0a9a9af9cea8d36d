package org.resilient.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a node running with a coordinator ({@code node.coordinator}) last saw of failover, for
 * {@code resilient status}: who holds the leader lease, or what the election decided and why (waiting for an
 * import, no candidate with a good import, ...). Recorded in the node's {@code state/} by the running node.
 *
 * @param summary one or two sentences, e.g. "db0 holds the leader lease in epoch 3"
 * @param problem true when it needs a person: no leader and no automatic takeover possible, a leader without
 *     its lease, the coordinator unreachable
 * @param asOf when the node saw it (its clock)
 */
public record FailoverStatus(String summary, boolean problem, Instant asOf) {

    /** Checks the fields. */
    public FailoverStatus {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(asOf, "asOf");
    }

    /**
     * The state-file form.
     *
     * @return key to value
     */
    public Map<String, String> toMap() {
        return Map.of("summary", summary, "problem", Boolean.toString(problem), "as-of", asOf.toString());
    }

    /**
     * Reads the state-file form.
     *
     * @param m key to value
     * @return the status, or null for an empty map
     */
    public static FailoverStatus fromMap(Map<String, String> m) {
        if (m.isEmpty() || m.get("summary") == null) {
            return null;
        }
        return new FailoverStatus(m.get("summary"), Boolean.parseBoolean(m.get("problem")),
                Instant.parse(m.getOrDefault("as-of", Instant.EPOCH.toString())));
    }

    @Override
    public String toString() {
        return (problem ? "PROBLEM: " : "") + summary + " (as of " + asOf + ")";
    }
}
