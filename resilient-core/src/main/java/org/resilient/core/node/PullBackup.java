package org.resilient.core.node;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.resilient.api.Cancellation;
import org.resilient.api.ErrorCode;
import org.resilient.api.Generation;
import org.resilient.api.Message;
import org.resilient.api.OperationContext;
import org.resilient.api.Progress;
import org.resilient.api.ProgressListener;
import org.resilient.api.PruneResult;
import org.resilient.api.ResilienceException;
import org.resilient.api.StoreRequest;
import org.resilient.api.spi.Archive;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.support.fs.Transfers;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.slf4j.Logger;

/**
 * The pull-backup role, one job at a time: pull the announced backup into {@code incoming/}, verify every
 * byte, publish it locally, then push it to every import node and tell them, storing it in the archive as a
 * generation (and applying retention) from the moment the first import node has it. A backup that fails verification is deleted and never stored or
 * pushed.
 */
final class PullBackup {
    private final NodeContext ctx;
    private final Logger log;

    PullBackup(NodeContext ctx) {
        this.ctx = ctx;
        this.log = ctx.log("pull-backup");
    }

    /** Runs the job; the caller holds the node lock and checked the epoch. */
    SealedBackup run(JobQueue.Job job, Cancellation cancellation) {
        Path incoming = ctx.layout().transfer(job.backupId());
        Path published = ctx.layout().backup(job.backupId());
        SealedBackup sealed;
        if (Files.isDirectory(published)) {
            // An earlier run got this far and failed later (archive or push): verify again and go on.
            sealed = Steps.run(ctx, "pull", job.backupId(), () -> authentic(job, published,
                    BackupVerifier.verify(published, ctx.progress(), cancellation)), PullBackup::size);
        } else {
            AtomicReference<String> summary = new AtomicReference<>("ok");
            AtomicLong reused = new AtomicLong();
            sealed = Steps.run(ctx, "pull", job.backupId(), () -> pullAndVerify(job, incoming, cancellation, summary,
                    reused), PullBackup::size, summary::get);
            if (reused.get() > 0) {
                ctx.state().count(NodeState.PULL_REUSED_BYTES, reused.get()); // once the pull verified: a metric
            }
        }
        Path local = publishLocally(sealed, published);
        SealedBackup verified = new SealedBackup(local, sealed.manifest(), sealed.manifestDigest());
        try {
            archiveAndPush(job, verified, cancellation);
        } finally {
            // pbs.keep holds whether the pushes succeed or not: while a target is down, copies must not pile up.
            Retention.keepNewest(ctx.layout(), ctx.config().keepPublished(), job.backupId(), log);
        }
        return verified;
    }

    /**
     * Pushes the verified local copy to the import nodes and stores it in the archive: both only read it, and
     * neither needs the other's result, so the import nodes need not wait for the archive. The archive starts as
     * soon as the first import node's push ended (delivered or failed), and then stores while the push goes on to
     * the others and while the standby imports: the first standby's copy does not share the disk and the network
     * with the archive (issue 18: under the archive's competition the push took up to 2.9 s instead of 0.5 s, and
     * the import waits for the push, not for the archive). Both steps run to their end and record their outcome;
     * if either failed the job fails (and is retried as a whole: storing a generation the archive already holds
     * and pushing a backup a node already has are both no-ops), with every failure in the message.
     */
    private void archiveAndPush(JobQueue.Job job, SealedBackup verified, Cancellation cancellation) {
        CountDownLatch firstPushEnded = new CountDownLatch(1);
        FutureTask<Void> archiving = new FutureTask<>(() -> {
            awaitFirstPush(firstPushEnded, job, cancellation);
            Steps.run(ctx, "archive", job.backupId(), () -> {
                archive(verified, cancellation);
                return verified;
            }, PullBackup::size);
        }, null);
        Thread archiver = new Thread(archiving, "pull-backup-archive-" + job.backupId().value());
        archiver.start();
        RuntimeException pushFailure = null;
        try {
            Steps.run(ctx, "push", job.backupId(), () -> push(job, verified, cancellation, firstPushEnded),
                    n -> n * size(verified));
        } catch (RuntimeException e) {
            pushFailure = e;
        } finally {
            firstPushEnded.countDown(); // no import node to push to, or the push failed before its first target
        }
        RuntimeException archiveFailure = awaitUninterruptibly(archiving);
        if (archiveFailure == null && pushFailure == null) {
            return;
        }
        if (archiveFailure == null || pushFailure == null) {
            throw archiveFailure != null ? archiveFailure : pushFailure;
        }
        ErrorCode code = archiveFailure instanceof ResilienceException r ? r.code() : ErrorCode.INTERNAL;
        ResilienceException both = new ResilienceException(code, "backup " + job.backupId() + " could neither be archived"
                + " nor pushed; it is retried with the next run. Archive: " + archiveFailure.getMessage() + ". Push: "
                + pushFailure.getMessage(), archiveFailure);
        both.addSuppressed(pushFailure);
        throw both;
    }

    /** Waits until the first import node's push ended; a cancelled job stops waiting (the archive step then fails). */
    private static void awaitFirstPush(CountDownLatch firstPushEnded, JobQueue.Job job, Cancellation cancellation) {
        try {
            while (!firstPushEnded.await(100, TimeUnit.MILLISECONDS)) {
                cancellation.throwIfCancelled("archive of " + job.backupId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResilienceException(ErrorCode.CANCELLED, "archive of " + job.backupId()
                    + " was interrupted while the push ran; it is retried with the next run");
        }
    }

    /**
     * Waits for the archive step to end, whatever happens to this thread meanwhile: the job must not end
     * (and release the node lock) while the archive is still writing. The step itself obeys the cancellation.
     */
    static RuntimeException awaitUninterruptibly(FutureTask<Void> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    task.get();
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        return re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    return new ResilienceException(ErrorCode.INTERNAL, "archive step failed unexpectedly: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Pulls and verifies; a resumed pull's transport report of the bytes it kept becomes the step's summary. */
    private SealedBackup pullAndVerify(JobQueue.Job job, Path incoming, Cancellation cancellation,
                                       AtomicReference<String> summary,
                                       AtomicLong reusedBytes) {
        AtomicFiles.deleteTree(incoming);
        // Pulls run one at a time under the node lock: any other pull in incoming/ was superseded or killed.
        for (Path p : Transfers.removeTransfersBut(ctx.layout(), job.backupId())) {
            log.info("removed {}: a pull that was superseded or interrupted", p);
        }
        log.info("pulling {} from {}", job.backupId(), job.from());
        try {
            ProgressListener reused = p -> {
                if (Progress.PULL_REUSED.equals(p.phase())) {
                    reusedBytes.set(p.done());
                    summary.set("ok; resumed: " + p.done() + " of " + p.total() + " bytes kept from an interrupted pull,"
                            + " the rest fetched");
                } else {
                    ctx.progress().progress(p);
                }
            };
            ctx.transport().pull(job.from(), job.backupId(), incoming, operation(incoming, cancellation, reused));
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // The leader no longer has it: its retention removed it for newer backups, announced after it.
            Transfers.removeTransfersBut(ctx.layout(), null);
            throw new Superseded(job, e);
        }
        try {
            SealedBackup sealed = authentic(job, incoming, BackupVerifier.verify(incoming, ctx.progress(), cancellation));
            if (!sealed.manifest().backupId().equals(job.backupId())) {
                throw new ResilienceException(ErrorCode.VERIFICATION_FAILED, "pulled backup " + job.backupId()
                        + " has the manifest of " + sealed.manifest().backupId() + "; it is not used");
            }
            if (sealed.manifest().epoch().isOlderThan(job.epoch())) {
                throw new ResilienceException(ErrorCode.STALE_EPOCH, "backup " + job.backupId() + " was made in epoch "
                        + sealed.manifest().epoch() + ", older than its announcement's " + job.epoch());
            }
            log.info("verified {}: {} files, {} bytes", job.backupId(), sealed.manifest().fileCount(),
                    sealed.manifest().totalSize());
            return sealed;
        } catch (RuntimeException e) {
            AtomicFiles.deleteTree(incoming);
            throw e;
        }
    }

    /**
     * Checks the exporter's signature of a verified backup: signed by the node the MANIFEST names, and that node
     * is the one that announced it (the leader this node pulled from).
     */
    private SealedBackup authentic(JobQueue.Job job, Path dir, SealedBackup sealed) {
        URI source = NodeSettings.normalize(URI.create(sealed.manifest().sourceNode()));
        URI signer = ctx.auth().verifyManifest(dir, source);
        if (signer != null && !signer.equals(job.from())) {
            throw new ResilienceException(ErrorCode.AUTHENTICATION_FAILED, "backup " + job.backupId() + " was announced by "
                    + job.from() + " but exported and signed by " + signer + "; it is not used");
        }
        return sealed;
    }

    private void archive(SealedBackup sealed, Cancellation cancellation) {
        URI location = ctx.config().archive();
        try (Archive archive = ctx.registry().archive(location.getScheme()).open(location, ctx.settings(), true)) {
            Optional<Generation> existing = archive.generations().stream()
                    .filter(g -> g.backupId().equals(sealed.manifest().backupId())
                            && sealed.manifestDigest().equals(g.manifestDigest()))
                    .findFirst();
            if (existing.isPresent()) {
                log.info("{} is already generation {} of the archive", sealed.manifest().backupId(), existing.get().id());
            } else {
                Generation g = archive.store(new StoreRequest(sealed.directory(), sealed.manifest().backupId(),
                        sealed.manifest().created(), sealed.manifest().sourceNode(), sealed.manifest().epoch(),
                        sealed.manifestDigest()).withVerifiedDigests(sealed.fileDigests()),
                        operation(sealed.directory(), cancellation));
                log.info("stored {} as generation {} ({} bytes new, {} bytes stored)", sealed.manifest().backupId(),
                        g.id(), g.newBytes(), g.storedBytes());
            }
            PruneResult pruned = archive.prune(ctx.config().retention(), operation(ctx.layout().incoming(), cancellation));
            if (!pruned.removed().isEmpty()) {
                log.info("retention removed {} generation(s), reclaimed {} bytes", pruned.removed().size(),
                        pruned.reclaimedBytes());
            }
        }
    }

    private Path publishLocally(SealedBackup sealed, Path published) {
        if (sealed.directory().equals(published)) {
            return published;
        }
        try {
            AtomicFiles.move(sealed.directory(), published);
            return published;
        } catch (IOException e) {
            throw AtomicFiles.ioError("publish", published, e);
        }
    }

    /** The size recorded for a step: the backup's total. */
    private static long size(SealedBackup b) {
        return b.manifest().totalSize();
    }

    /** Pushes to every import node; returns to how many it pushed. {@code firstEnded} is released after the first. */
    private long push(JobQueue.Job job, SealedBackup verified, Cancellation cancellation, CountDownLatch firstEnded) {
        Path local = verified.directory();
        URI leader = ctx.state().leader().orElse(null);
        List<String> failures = new ArrayList<>();
        List<ErrorCode> codes = new ArrayList<>();
        long pushed = 0;
        for (URI target : ctx.config().targets()) {
            if (target.equals(leader) || target.equals(job.from())) {
                log.info("not pushing {} to {}: it is the leader now", job.backupId(), target);
                continue;
            }
            try {
                cancellation.throwIfCancelled("push of " + job.backupId());
                ctx.transport().push(local, job.backupId(), target, operation(local, cancellation));
                ctx.send(target, new Message(Message.Type.BACKUP_DELIVERED, ctx.uri().toString(),
                        job.epoch(), job.backupId(), ctx.clock().instant(), job.sequence()));
                log.info("pushed {} to {}", job.backupId(), target);
                pushed++;
            } catch (ResilienceException e) {
                if (e.code() == ErrorCode.CANCELLED) {
                    throw e;
                }
                failures.add(target + ": " + e.getMessage());
                codes.add(e.code());
            } finally {
                firstEnded.countDown();
            }
        }
        if (!failures.isEmpty()) {
            throw new ResilienceException(failureCode(codes), "backup " + job.backupId() + " is archived but could not be "
                    + "pushed to " + failures.size() + " import node(s); it is retried with the next run: "
                    + String.join("; ", failures));
        }
        return pushed;
    }

    /**
     * The code of a failed push: UNREACHABLE only when no target was reached; a target that was reached but could
     * not take the backup (disk full, not writable) says so with its own code, so that it is not mistaken for a
     * network problem.
     */
    private static ErrorCode failureCode(List<ErrorCode> codes) {
        return codes.stream().filter(c -> c != ErrorCode.UNREACHABLE).findFirst().orElse(ErrorCode.UNREACHABLE);
    }

    /** A pulled backup its leader no longer has: a newer one superseded it, and the job is dropped. */
    static final class Superseded extends ResilienceException {
        private static final long serialVersionUID = 1L;

        Superseded(JobQueue.Job job, ResilienceException cause) {
            super(ErrorCode.NOT_FOUND, "backup " + job.backupId() + " was superseded: " + job.from() + " no longer has it"
                    + " (its export.keep retention removed it for newer backups, which it announced); this node pulls"
                    + " the newest announced backup instead (" + cause.getMessage() + ")", cause);
        }
    }

    private OperationContext operation(Path dir, Cancellation cancellation) {
        return operation(dir, cancellation, ctx.progress());
    }

    private OperationContext operation(Path dir, Cancellation cancellation, ProgressListener progress) {
        try {
            org.resilient.support.fs.FileModes.createDirectories(ctx.layout().incoming());
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", ctx.layout().incoming(), e);
        }
        return OperationContext.builder(dir).settings(ctx.settings()).progress(progress)
                .cancellation(cancellation).clock(ctx.clock()).loggerName(ctx.loggerName("pull-backup")).build();
    }
}
