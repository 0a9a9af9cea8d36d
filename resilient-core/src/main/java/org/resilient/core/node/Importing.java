package org.resilient.core.node;

import org.resilient.api.NodeRole;
import org.resilient.api.NodeLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import org.resilient.api.ProgressListener;
import org.resilient.api.BackupRef;
import org.resilient.api.Cancellation;
import org.resilient.api.ImportInProgress;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportContext;
import org.resilient.api.RoleChangeContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Importer;
import org.resilient.core.ImportState;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.slf4j.Logger;

/**
 * The import role: verify a delivered backup again (the files the importer only loads beside the standby while it
 * reads them, before its swap), import it into the standby, and record it as the last good import. A backup that fails verification or import leaves the standby's last good state as it was.
 */
final class Importing {
    private final NodeContext ctx;
    private final Logger log;
    /** The import running now, published to the coordinator so an election waits for it. */
    private volatile ImportInProgress running;

    Importing(NodeContext ctx) {
        this.ctx = ctx;
        this.log = ctx.log("import");
    }

    /** Imports the job's backup; the caller holds the node lock and checked the epoch. */
    ImportState run(JobQueue.Job job, Cancellation cancellation) {
        running = new ImportInProgress(new BackupRef(job.backupId(), job.epoch(), job.sequence(),
                job.backupId().time().orElse(ctx.clock().instant())), ctx.clock().instant());
        try {
            return importJob(job, cancellation);
        } finally {
            running = null;
        }
    }

    /** @return the import running now, if any */
    Optional<ImportInProgress> running() {
        return Optional.ofNullable(running);
    }

    private ImportState importJob(JobQueue.Job job, Cancellation cancellation) {
        long[] size = {0};
        // Pushes of backups older than this one will never be finished: the pull-backup node moved on.
        for (Path p : org.resilient.support.fs.Transfers.removeTransfersOlderThan(ctx.layout(), job.backupId())) {
            log.info("removed {}: a push superseded by {}", p, job.backupId());
        }
        try {
            return Steps.run(ctx, "import", job.backupId(), () -> importOnce(job, cancellation, size), st -> size[0]);
        } finally {
            // import.keep holds whether the import succeeds or not: failing imports must not pile up copies.
            Retention.keepNewest(ctx.layout(), ctx.config().keepPublished(), job.backupId(), log);
        }
    }

    private ImportState importOnce(JobQueue.Job job, Cancellation cancellation, long[] size) {
        Path dir = ctx.layout().backup(job.backupId());
        if (!Files.isDirectory(dir)) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "backup " + job.backupId() + " was announced but is not in "
                    + ctx.layout().backups() + "; the pull-backup node pushes it again with its next run");
        }
        SealedBackup sealed;
        try (Importer importer = ctx.component().importer(ctx.settings())) {
            // Every byte is verified before it is trusted; the data files the importer only loads beside the standby
            // are hashed while it reads them, and it waits for that before its swap (issue 18: read each byte once).
            BackupVerifier.Deferred verified = BackupVerifier.verifyDeferring(dir, importer::mayReadBeforeVerified,
                    ctx.progress(), cancellation);
            sealed = verified.sealed();
            ctx.auth().verifyManifest(dir, NodeSettings.normalize(java.net.URI.create(sealed.manifest().sourceNode())));
            size[0] = sealed.manifest().totalSize();
            log.info("importing {} ({} files, {} bytes; {} of them verified while the import reads them)", job.backupId(),
                    sealed.manifest().fileCount(), sealed.manifest().totalSize(), verified.rest().size());
            FutureTask<Void> rest = new FutureTask<>(() -> verified.verifyRest(ProgressListener.NONE, cancellation), null);
            if (!verified.rest().isEmpty()) {
                Thread t = new Thread(rest, "import-verify-" + job.backupId().value());
                t.setDaemon(true);
                t.start();
            } else {
                rest.run();
            }
            try {
                // The manifest is handed on as its file: a backup of millions of files is read entry by entry, if at all.
                importer.importBackup(ImportContext.builder().directory(NodeLayout.data(dir))
                        .manifestFile(sealed.manifest().backupId(), NodeLayout.manifest(dir))
                        .verification(() -> awaitVerified(rest))
                        .settings(ctx.settings()).progress(ctx.progress()).cancellation(cancellation).clock(ctx.clock())
                        .loggerName(ctx.loggerName("import")).build());
            } finally {
                // the backup directory is not left to a thread still reading it, whatever the import did (its
                // outcome is reported where it matters: before the swap, and just below)
                PullBackup.awaitUninterruptibly(rest);
            }
            // an importer that did not wait for the verification: a backup that failed it is not recorded as imported
            awaitVerified(rest);
        }
        ImportState state = new ImportState(job.backupId(), sealed.manifest().created(), ctx.clock().instant(),
                sealed.manifestDigest(), sealed.manifest().epoch(), sealed.manifest().sequence());
        ctx.state().setLastImport(state);
        log.info("imported {}", job.backupId());
        return state;
    }

    /** Waits for the verification of the files read before they were verified, and throws its failure as it is. */
    private static void awaitVerified(FutureTask<Void> rest) {
        RuntimeException failure = PullBackup.awaitUninterruptibly(rest);
        if (failure != null) {
            throw failure;
        }
    }

    /** Promotes the standby; the caller holds the node lock, so no import is running. */
    void promote(Epoch epoch) {
        Steps.run(ctx, "promote", ctx.state().lastImport().map(ImportState::backupId).orElse(null), () -> {
            try (Importer importer = ctx.component().importer(ctx.settings())) {
                importer.promote(RoleChangeContext.builder().directory(ctx.layout().state()).epoch(epoch)
                        .settings(ctx.settings()).progress(ctx.progress()).clock(ctx.clock())
                        .loggerName(ctx.loggerName("promote")).build());
            }
            ctx.state().setEpoch(epoch, ctx.uri(), org.resilient.api.NodeRole.EXPORT);
            // A node that led before still has the plan of its old term (next export up to an interval away): the
            // new leader's first export is due at once, so the cluster gets a backup of the new epoch right away.
            ctx.state().setExportTimes(org.resilient.core.schedule.ExportTimes.NONE);
            log.warn("promoted to leader in epoch {}", epoch);
        });
    }

    /**
     * Demotes the component's live copy after this node was deposed, so that ordinary clients can no longer
     * write to it; the caller holds the node lock.
     *
     * @throws ResilienceException the component's failure ({@code UNSUPPORTED} if it cannot demote)
     */
    void demote(Epoch newer) {
        try (Importer importer = ctx.component().importer(ctx.settings())) {
            importer.demote(RoleChangeContext.builder().directory(ctx.layout().state()).epoch(newer)
                    .settings(ctx.settings()).progress(ctx.progress()).clock(ctx.clock())
                    .loggerName(ctx.loggerName("demote")).build());
        }
        log.warn("demoted the {} component's live copy: epoch {} has another leader", ctx.component().name(), newer);
    }
}
