package org.resilient.testkit.coordination;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests move by hand; safe to read from any thread. */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /**
     * Creates a clock.
     *
     * @param start the instant it shows until moved
     */
    public ManualClock(Instant start) {
        this.now = start;
    }

    /**
     * Moves the clock forward.
     *
     * @param d how far, not negative
     * @throws IllegalArgumentException if {@code d} is negative (time never runs backwards here)
     */
    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a manual clock only moves forward: " + d);
        }
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
