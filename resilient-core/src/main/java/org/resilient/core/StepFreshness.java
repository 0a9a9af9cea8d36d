package org.resilient.core;

import java.time.Duration;
import java.time.Instant;

/**
 * How recent the last good run of a scheduled step is, against the schedule. A step that should run every
 * {@code expectedEvery} is stale once its last good run (or, if it never succeeded, the time the node took its
 * current role) is older than {@code staleAfter}: by default two intervals plus ten minutes of slack
 * ({@code node.stale-after} sets it). A stale step makes the node unhealthy.
 *
 * @param step the step, e.g. {@code export}
 * @param expectedEvery how often it should succeed
 * @param staleAfter the age at which it is stale
 * @param lastSuccess when it last succeeded, or null if never
 * @param age how long ago that was (or how long the node has waited for a first success)
 * @param stale whether the age is past {@code staleAfter}
 */
public record StepFreshness(String step, Duration expectedEvery, Duration staleAfter, Instant lastSuccess, Duration age,
                            boolean stale) {

    /** @return one line for people, e.g. {@code export: last good run 3h ago, expected every PT1H} */
    public String describe() {
        return step + ": " + (lastSuccess == null ? "no good run for " : "last good run ") + Duration.ofSeconds(age.toSeconds())
                + (lastSuccess == null ? "" : " ago (" + lastSuccess + ")") + ", expected every " + expectedEvery
                + (stale ? ", stale after " + staleAfter : "");
    }
}
