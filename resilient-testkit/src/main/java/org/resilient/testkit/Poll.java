package org.resilient.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in a test for what another thread or process does, where there is no event to wait on: asks every
 * 50 ms until the condition holds, and fails with what it waited for once the deadline has passed (never a bare
 * sleep that passes or fails by timing).
 */
public final class Poll {
    private static final long INTERVAL_MILLIS = 50;

    private Poll() {
    }

    /**
     * Returns once {@code done} holds.
     *
     * @param what what is awaited, for the failure message
     * @param deadline how long to wait at the most
     * @param done the condition, asked again until it holds
     * @throws AssertionError if it does not hold within {@code deadline}, or the thread is interrupted
     */
    public static void until(String what, Duration deadline, BooleanSupplier done) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + deadline.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
