package org.resilient.core.node;

import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.NodeRole;
import org.resilient.core.schedule.JobRetry;
import org.slf4j.Logger;

/**
 * Runs the pending job of a receiving node in its role, and keeps its backoff: a failed job stays pending and
 * records when it may be tried again ({@link JobRetry}); a success clears it.
 */
final class Jobs {
    private final NodeContext ctx;
    private final JobQueue queue;
    private final PullBackup pullBackup;
    private final Importing importing;
    private final Logger log;

    Jobs(NodeContext ctx, JobQueue queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.pullBackup = new PullBackup(ctx);
        this.importing = new Importing(ctx);
        this.log = ctx.log("node");
    }

    /** Whether the job of a pending backup waits for its backoff. */
    boolean backingOff(BackupId pending) {
        return ctx.state().jobRetry().map(r -> r.holdsBack(pending, ctx.clock().instant())).orElse(false);
    }

    /** Runs a job; the caller holds the node lock. */
    Optional<BackupId> run(JobQueue.Job job, NodeRole role, Epoch epoch, Cancellation cancellation) {
        if (job.epoch().isOlderThan(epoch)) {
            log.warn("dropped {}: announced in epoch {}, older than {}", job.backupId(), job.epoch(), epoch);
            queue.drop(job);
            return Optional.empty();
        }
        try {
            switch (role) {
                case PULL_BACKUP -> pullBackup.run(job, cancellation);
                case IMPORT -> importing.run(job, cancellation);
                default -> {
                    log.info("dropped {}: this node is the leader now", job.backupId());
                    queue.drop(job);
                    return Optional.empty();
                }
            }
        } catch (PullBackup.Superseded e) {
            // It can never succeed: the newer backup that replaced it was announced too, and is pulled next.
            queue.drop(job);
            ctx.state().setJobRetry(null);
            log.warn("dropped {}: {}", job.backupId(), e.getMessage());
            throw e;
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.CANCELLED && e.code() != ErrorCode.LOCKED) {
                JobRetry next = JobRetry.failed(ctx.state().jobRetry().orElse(null), job.backupId(), ctx.clock().instant(),
                        ctx.config().retryBackoff(), ctx.random());
                ctx.state().setJobRetry(next);
                log.warn("{} of {} failed ({} time(s) in a row); a running node tries it again at {}", role,
                        job.backupId(), next.failures(), next.notBefore());
            }
            throw e;
        }
        queue.succeeded(job);
        ctx.state().setJobRetry(null);
        return Optional.of(job.backupId());
    }

    /** Promotes the standby (see {@link Importing#promote}). */
    void promote(Epoch epoch) {
        importing.promote(epoch);
    }

    /** Demotes the live copy (see {@link Importing#demote}). */
    void demote(Epoch newer) {
        importing.demote(newer);
    }

    /** @return the import running now, if any */
    Optional<org.resilient.api.ImportInProgress> importing() {
        return importing.running();
    }
}
