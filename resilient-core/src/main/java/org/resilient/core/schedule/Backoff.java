package org.resilient.core.schedule;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, bounded: the wait after the n-th failure in a row is
 * {@code first * 2^(n-1)}, at most {@code max}, then spread by ±{@link #JITTER} at random so that nodes failing
 * together do not retry in step (and never more than {@code max}).
 *
 * @param first the wait after the first failure
 * @param max the longest wait
 */
public record Backoff(Duration first, Duration max) {
    /** The spread of every wait: ±20%. */
    public static final double JITTER = 0.2;

    /**
     * Checks the bounds; a negative value counts as zero.
     */
    public Backoff {
        first = first.isNegative() ? Duration.ZERO : first;
        max = max.isNegative() ? Duration.ZERO : max;
        if (max.compareTo(first) < 0) {
            max = first;
        }
    }

    /**
     * The wait after a number of failures in a row.
     *
     * @param failures how many tries failed in a row, at least 1
     * @param random a source of numbers in [0, 1)
     * @return the wait, between 0 and {@code max}
     */
    public Duration delay(int failures, DoubleSupplier random) {
        long maxNanos = saturatedNanos(max);
        long nanos = saturatedNanos(first);
        for (int i = 1; i < failures && nanos < maxNanos; i++) {
            nanos = nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
        }
        nanos = Math.min(nanos, maxNanos);
        double spread = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Duration.ofNanos(Math.min(maxNanos, (long) (nanos * spread)));
    }

    private static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofDays(365 * 100)) > 0 ? Duration.ofDays(365 * 100).toNanos() : d.toNanos();
    }
}
