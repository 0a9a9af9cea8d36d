package org.resilient.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.ProgressListener;
import org.resilient.api.ResilienceException;

/**
 * Stops an operation midway and measures how long it goes on: the operation runs on a thread of its own; at its
 * first progress report it is held until the kit has cancelled it (by its {@link Cancellation} or by interrupting
 * its thread), so the cancellation always lands in the middle of the work, never by luck of timing.
 */
public final class CancelProbe {
    /** How long a stopped operation may still take before the probe gives up waiting for it. */
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    /** How the kit stops the operation. */
    public enum How {
        /** {@link Cancellation#cancel()} of the operation's context: it must end with {@code CANCELLED}. */
        SIGNAL,
        /** {@link Thread#interrupt()} of the thread that called the operation: it must end with a ResilienceException. */
        INTERRUPT
    }

    /** An operation given the cancellation and progress listener to put into its context. */
    @FunctionalInterface
    public interface Operation {
        /**
         * Runs the operation.
         *
         * @param cancellation the signal to put into its context
         * @param progress the listener to put into its context
         */
        void run(Cancellation cancellation, ProgressListener progress);
    }

    /**
     * What came of a stopped operation.
     *
     * @param progressed whether it reported progress (if not, the kit could not stop it midway)
     * @param after how long it went on after it was stopped
     * @param failure what it threw, or null if it finished
     */
    public record Outcome(boolean progressed, Duration after, Throwable failure) {
        /** @return true if the operation finished its work despite the stop (then it must be whole) */
        public boolean finished() {
            return failure == null;
        }
    }

    private CancelProbe() {
    }

    /**
     * Runs an operation and stops it at its first progress report.
     *
     * @param how how to stop it
     * @param operation the operation
     * @return what came of it
     */
    public static Outcome run(How how, Operation operation) {
        Cancellation cancellation = Cancellation.create();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean progressed = new AtomicBoolean();
        ProgressListener hold = p -> {
            if (progressed.compareAndSet(false, true)) {
                started.countDown();
                try {
                    stopped.await(GIVE_UP.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    // The kit's interrupt arrived while held here: keep it for the operation to see.
                    Thread.currentThread().interrupt();
                }
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                operation.run(cancellation, hold);
            } catch (Throwable t) { // what it threw is the outcome the caller judges
                failure.set(t);
            } finally {
                started.countDown();
            }
        }, "kit-cancel-probe");
        worker.setDaemon(true);
        worker.start();
        await(started);
        long at = System.nanoTime();
        if (progressed.get()) {
            if (how == How.SIGNAL) {
                cancellation.cancel();
            } else {
                worker.interrupt();
            }
        }
        stopped.countDown();
        try {
            worker.join(GIVE_UP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stopped operation", e);
        }
        Duration after = Duration.ofNanos(System.nanoTime() - at);
        if (worker.isAlive()) {
            fail("the operation still runs " + GIVE_UP.toSeconds() + " s after it was stopped by " + how);
        }
        return new Outcome(progressed.get(), after, failure.get());
    }

    /**
     * Asserts a stopped operation ended within a bound, with {@code CANCELLED} (signal) or a
     * {@link ResilienceException} (interrupt), or whole.
     *
     * @param outcome what came of it
     * @param how how it was stopped
     * @param bound how soon it had to end
     * @param subject what was under test and what it did, e.g. {@code transport 'file': the pull}
     * @param skip called with the reason when the operation reported no progress (the caller must skip its test)
     */
    public static void assertStoppedWithin(Outcome outcome, How how, Duration bound, String subject,
            java.util.function.Consumer<String> skip) {
        if (!outcome.progressed()) {
            skip.accept(subject + " reported no progress, so the kit could not stop it midway; report progress as it"
                    + " goes (context.progress())");
            return;
        }
        assertTrue(outcome.after().compareTo(bound) <= 0, () -> subject + " went on for " + outcome.after().toMillis()
                + " ms after it was stopped by " + describe(how) + " (bound: " + bound.toMillis() + " ms); check the"
                + " cancellation between steps, let blocking reads and waits be interrupted, and stop workers and tools");
        if (outcome.finished()) {
            return;
        }
        Throwable t = outcome.failure();
        assertInstanceOf(ResilienceException.class, t, () -> subject + " stopped by " + describe(how) + " threw "
                + t + " instead of a ResilienceException" + (t == null ? "" : ":\n" + LogCapture.trace(t)));
        if (how == How.SIGNAL) {
            assertEquals(ErrorCode.CANCELLED, ((ResilienceException) t).code(), () -> subject + " stopped by "
                    + describe(how) + " failed with the wrong code: " + t);
        }
    }

    private static String describe(How how) {
        return how == How.SIGNAL ? "its Cancellation" : "an interrupt of its thread";
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(GIVE_UP.toSeconds(), TimeUnit.SECONDS)) {
                fail("the operation neither reported progress nor ended within " + GIVE_UP.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the operation to start", e);
        }
    }
}
