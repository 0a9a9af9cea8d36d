package org.resilient.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancellation signal, checked by long operations between steps. Components running external tools
 * must kill the tool's whole process tree when it is cancelled.
 */
public final class Cancellation {
    private static final Cancellation NEVER = new Cancellation();

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * A new signal, not cancelled yet.
     *
     * @return a fresh signal
     */
    public static Cancellation create() {
        return new Cancellation();
    }

    /**
     * A signal that is never cancelled; cancelling it has no effect.
     *
     * @return the shared never-cancelled signal
     */
    public static Cancellation never() {
        return NEVER;
    }

    /** Cancels the operation. Idempotent. */
    public void cancel() {
        if (this != NEVER) {
            cancelled.set(true);
        }
    }

    /**
     * Whether the operation was cancelled.
     *
     * @return true once {@link #cancel()} was called
     */
    public boolean isCancelled() {
        return cancelled.get();
    }

    /**
     * Throws if the operation was cancelled.
     *
     * @param what the operation, for the message
     * @throws ResilienceException with {@link ErrorCode#CANCELLED}
     */
    public void throwIfCancelled(String what) {
        if (isCancelled()) {
            throw new ResilienceException(ErrorCode.CANCELLED, what + " was cancelled");
        }
    }
}
