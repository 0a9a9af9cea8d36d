package org.resilient.testkit;

import java.time.Duration;

/**
 * The limits the bounds groups of the transport, archive and coordinator contracts hold an implementation to: how
 * much data the large-data and cancellation tests move, and how soon a stopped operation must end. Override either
 * in the implementation's test (as public methods).
 */
public interface Bounds {
    /**
     * How much data the cancellation and large-data tests move: 64 MiB by default.
     *
     * @return bytes
     */
    default long largeDataBytes() {
        return 64L << 20;
    }

    /**
     * How soon after it is stopped (cancelled or interrupted) an operation must end: 5 s by default.
     *
     * @return the bound
     */
    default Duration cancellationBound() {
        return Duration.ofSeconds(5);
    }
}
