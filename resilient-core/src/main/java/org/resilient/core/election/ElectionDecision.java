package org.resilient.core.election;

import java.time.Instant;
import java.util.Objects;
import org.resilient.api.MemberState;

/**
 * What the election decided at one moment: elect a candidate, wait (until a given time) for an import in
 * progress that may make a better candidate, or elect no one. Every decision carries a reason for the log
 * and for {@code resilient status}.
 *
 * @param outcome what to do
 * @param candidate the node to promote ({@link Outcome#ELECT}), the node waited for ({@link Outcome#WAIT}),
 *     or null ({@link Outcome#NONE})
 * @param waitUntil when the wait ends ({@link Outcome#WAIT}), or null
 * @param reason why, in one or two sentences naming the nodes and backups compared
 */
public record ElectionDecision(Outcome outcome, MemberState candidate, Instant waitUntil, String reason) {

    /** What to do. */
    public enum Outcome {
        /** Promote {@link #candidate()}. */
        ELECT,
        /** Decide again later, at the latest at {@link #waitUntil()}: an import in progress may change the winner. */
        WAIT,
        /** No automatic takeover: no healthy import node has a good import. */
        NONE
    }

    /**
     * Checks that the fields fit the outcome.
     *
     * @throws IllegalArgumentException if a candidate or wait time is missing or superfluous
     */
    public ElectionDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        if ((candidate == null) != (outcome == Outcome.NONE) || (waitUntil == null) != (outcome != Outcome.WAIT)) {
            throw new IllegalArgumentException("inconsistent " + outcome + " decision: candidate " + candidate
                    + ", wait until " + waitUntil);
        }
    }

    static ElectionDecision elect(MemberState candidate, String reason) {
        return new ElectionDecision(Outcome.ELECT, candidate, null, reason);
    }

    static ElectionDecision waitFor(MemberState importing, Instant until, String reason) {
        return new ElectionDecision(Outcome.WAIT, importing, until, reason);
    }

    static ElectionDecision none(String reason) {
        return new ElectionDecision(Outcome.NONE, null, null, reason);
    }
}
