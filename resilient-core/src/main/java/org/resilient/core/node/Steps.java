package org.resilient.core.node;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.StepOutcome;

/**
 * Runs one step of a node and records its outcome, so that a failure is always recorded as a failure; the step
 * logs with its backup id in the MDC ({@link BackupMdc}).
 */
final class Steps {
    private Steps() {
    }

    static <T> T run(NodeContext ctx, String step, BackupId id, Supplier<T> body) {
        try (BackupMdc.Scope mdc = BackupMdc.of(id)) {
            return runLogged(ctx, step, id, body);
        }
    }

    private static <T> T runLogged(NodeContext ctx, String step, BackupId id, Supplier<T> body) {
        Instant start = ctx.clock().instant();
        try {
            T result = body.get();
            ctx.state().record(new StepOutcome(step, true, ctx.clock().instant(), id, "ok",
                    Duration.between(start, ctx.clock().instant())));
            return result;
        } catch (RuntimeException e) {
            ResilienceException re = e instanceof ResilienceException r ? r
                    : new ResilienceException(ErrorCode.INTERNAL, step + " failed unexpectedly: " + e, e);
            ctx.state().record(new StepOutcome(step, false, ctx.clock().instant(), id,
                    "[" + re.code() + "] " + re.getMessage(), Duration.between(start, ctx.clock().instant())));
            ctx.log(step).error("{} of {} failed: {}", step, id, re.getMessage());
            throw re;
        }
    }

    static void run(NodeContext ctx, String step, BackupId id, Runnable body) {
        run(ctx, step, id, () -> {
            body.run();
            return null;
        });
    }
}
