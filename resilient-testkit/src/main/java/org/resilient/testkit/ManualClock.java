package org.resilient.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand: give it to a node ({@code Resilient.node(...).clock(clock)}) and schedules,
 * backup ids and retention follow the test, not the wall clock, so a scenario gives the same result every run.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /**
     * A clock standing at a given instant.
     *
     * @param start the first instant
     */
    public ManualClock(Instant start) {
        this.now = start;
    }

    /**
     * Moves the clock forward.
     *
     * @param d how far (not negative)
     */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + d);
        }
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
