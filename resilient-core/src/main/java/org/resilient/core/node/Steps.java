package org.resilient.core.node;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.StepOutcome;

/**
 * Runs one step of a node and records its outcome, so that a failure is always recorded as a failure; the step
 * logs with its backup id in the MDC ({@link BackupMdc}). While it runs, a marker says so ({@link RunningSteps}): a
 * step whose process dies leaves its marker, and status reports it as interrupted.
 */
final class Steps {
    private Steps() {
    }

    static <T> T run(NodeContext ctx, String step, BackupId id, Supplier<T> body) {
        return run(ctx, step, id, body, r -> 0);
    }

    /**
     * Runs a step.
     *
     * @param bytes the size of what the step handled, from its result (recorded for monitoring)
     */
    static <T> T run(NodeContext ctx, String step, BackupId id, Supplier<T> body, ToLongFunction<? super T> bytes) {
        return run(ctx, step, id, body, bytes, () -> "ok");
    }

    /**
     * Runs a step whose success says more than "ok".
     *
     * @param bytes the size of what the step handled, from its result (recorded for monitoring)
     * @param summary the message of a success, asked once the body returned
     */
    static <T> T run(NodeContext ctx, String step, BackupId id, Supplier<T> body, ToLongFunction<? super T> bytes,
                     Supplier<String> summary) {
        try (BackupMdc.Scope mdc = BackupMdc.of(id)) {
            return runLogged(ctx, step, id, body, bytes, summary);
        }
    }

    private static <T> T runLogged(NodeContext ctx, String step, BackupId id, Supplier<T> body,
                                   ToLongFunction<? super T> bytes, Supplier<String> summary) {
        Instant start = ctx.clock().instant();
        RunningSteps running = new RunningSteps(ctx.layout().state());
        running.begin(step, id, start);
        try {
            T result = body.get();
            ctx.state().record(new StepOutcome(step, true, ctx.clock().instant(), id, summary.get(),
                    Duration.between(start, ctx.clock().instant()), result == null ? 0 : bytes.applyAsLong(result)));
            running.end(step);
            return result;
        } catch (RuntimeException e) {
            ResilienceException re = e instanceof ResilienceException r ? r
                    : new ResilienceException(ErrorCode.INTERNAL, step + " failed unexpectedly: " + e, e);
            ctx.state().record(new StepOutcome(step, false, ctx.clock().instant(), id,
                    "[" + re.code() + "] " + re.getMessage(), Duration.between(start, ctx.clock().instant())));
            running.end(step);
            ctx.log(step).error("{} of {} failed: {}", step, id, re.getMessage());
            throw re;
        } finally {
            running.release(step);
        }
    }

    static void run(NodeContext ctx, String step, BackupId id, Runnable body) {
        run(ctx, step, id, () -> {
            body.run();
            return null;
        });
    }
}
