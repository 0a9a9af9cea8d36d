package org.resilient.core.schedule;

import java.time.Duration;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/** Waits between two tries; a cancelled wait ends at once. Tests replace it to wait on a fake clock. */
@FunctionalInterface
public interface Pause {
    /** Sleeps, looking at the cancellation every 100 ms. */
    Pause SLEEP = (d, cancellation) -> {
        long end = System.nanoTime() + d.toNanos();
        try {
            for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
                cancellation.throwIfCancelled("waiting " + d + " before the next try");
                Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "interrupted while waiting " + d + " before the next try");
        }
        cancellation.throwIfCancelled("waiting " + d + " before the next try");
    };

    /**
     * Waits.
     *
     * @param duration how long
     * @param cancellation ends the wait early
     * @throws ResilienceException {@code CANCELLED} if cancelled meanwhile
     */
    void pause(Duration duration, Cancellation cancellation);
}
