package org.resilient.core.node;

import org.resilient.api.NodeLayout;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ExportContext;
import org.resilient.api.Message;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Exporter;
import org.resilient.support.fs.AtomicFiles;
import java.util.Optional;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.EarlyDigests;
import org.resilient.core.schedule.ExportPlanner;
import org.resilient.core.schedule.ExportTimes;
import org.resilient.core.manifest.SealedBackup;
import org.slf4j.Logger;

/**
 * The export role: dump the component into {@code incoming/<id>.export/data}, seal it (MANIFEST + SIGNATURE),
 * publish it by an atomic rename into {@code backup/<id>}, then announce it to the pull-backup nodes.
 * A failed export publishes nothing and is retried a few times, with a growing wait between the tries.
 */
final class Exporting {
    private static final java.util.Set<ErrorCode> NOT_RETRIED = java.util.EnumSet.of(ErrorCode.CONFIG_INVALID,
            ErrorCode.LOCKED, ErrorCode.STALE_EPOCH, ErrorCode.WRONG_STATE, ErrorCode.CANCELLED,
            ErrorCode.AUTHENTICATION_FAILED, ErrorCode.TOOL_MISSING, ErrorCode.NOT_WRITABLE, ErrorCode.NOT_FOUND);

    private final NodeContext ctx;
    private final ExportGuard guard;
    private final Logger log;

    Exporting(NodeContext ctx, ExportGuard guard) {
        this.ctx = ctx;
        this.guard = guard;
        this.log = ctx.log("export");
    }

    /** Refuses when the guard says no (the leader lease is lost): checked before an export and before announcing. */
    private void checkGuard(String what) {
        String refusal = guard.refusal();
        if (refusal != null) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + ctx.name() + " may not " + what + ": " + refusal);
        }
    }

    /**
     * Exports, publishes and announces one backup, applies retention, and records when the next export is due.
     * The caller holds the node lock and checked the role.
     */
    SealedBackup export(Epoch epoch, Cancellation cancellation) {
        checkGuard("export");
        SealedBackup sealed = publishAndPlan(epoch, cancellation);
        try (BackupMdc.Scope mdc = BackupMdc.of(sealed.manifest().backupId())) {
            announce(sealed, epoch);
        } finally {
            // export.keep holds even while announcements fail (the unannounced backup is the newest: it stays).
            Retention.keepNewest(ctx.layout(), ctx.config().keepPublished(), null, log);
        }
        return sealed;
    }

    /** @return when the next export is due ({@link Instant#EPOCH} when at once) */
    Instant nextDue() {
        return ctx.config().exportPlanner(ctx.random()).due(ctx.state().exportTimes());
    }

    /** Exports and publishes, and records when the next export is due (after a success or a failure). */
    private SealedBackup publishAndPlan(Epoch epoch, Cancellation cancellation) {
        ExportPlanner planner = ctx.config().exportPlanner(ctx.random());
        try {
            SealedBackup sealed = publish(epoch, cancellation);
            ExportTimes next = planner.succeeded(ctx.clock().instant());
            ctx.state().setExportTimes(next);
            try (BackupMdc.Scope mdc = BackupMdc.of(sealed.manifest().backupId())) {
                log.info("next export due at {} ({})", next.nextDue(), planner.schedule().describe());
            }
            return sealed;
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.CANCELLED) {
                ExportTimes next = planner.failed(ctx.state().exportTimes(), ctx.clock().instant());
                ctx.state().setExportTimes(next);
                log.warn("export failed ({} time(s) in a row); a running node tries again at {}", next.failures(),
                        next.nextDue());
            }
            throw e;
        }
    }

    /** Announces the last backup published if it was not announced to every pull-backup node (see Node). */
    Optional<BackupId> announceUnannounced(Epoch current) {
        Optional<BackupId> id = ctx.state().unannounced().filter(b -> Files.isDirectory(ctx.layout().backup(b)));
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try (BackupMdc.Scope mdc = BackupMdc.of(id.get())) {
            SealedBackup sealed = BackupVerifier.verify(ctx.layout().backup(id.get()), ctx.progress(), Cancellation.never());
            if (sealed.manifest().epoch().isOlderThan(current)) {
                log.info("not announcing {}: it was made in epoch {}, before this node's {}", id.get(),
                        sealed.manifest().epoch(), current);
                return Optional.empty();
            }
            log.info("announcing {}: it was published but not announced to every pull-backup node", id.get());
            announce(sealed, sealed.manifest().epoch());
            return id;
        }
    }

    /** Announces the newest published backup again (see Node). */
    BackupId announceLatest() {
        List<BackupId> published = Retention.published(ctx.layout());
        if (published.isEmpty()) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "node " + ctx.name() + " has no published backup to announce");
        }
        BackupId id = published.get(published.size() - 1);
        try (BackupMdc.Scope mdc = BackupMdc.of(id)) {
            SealedBackup sealed = BackupVerifier.verify(ctx.layout().backup(id), ctx.progress(), Cancellation.never());
            announce(sealed, sealed.manifest().epoch());
            return id;
        }
    }

    /** Exports and publishes one backup (retried with backoff). */
    private SealedBackup publish(Epoch epoch, Cancellation cancellation) {
        BackupId id = nextId();
        long sequence = ctx.state().nextSequence();
        try (BackupMdc.Scope mdc = BackupMdc.of(id)) {
            return Steps.run(ctx, "export", id, () -> exportWithRetries(id, epoch, sequence, cancellation),
                    b -> b.manifest().totalSize());
        }
    }

    /**
     * Tries the export up to {@code export.retries} more times after a failure, waiting between the tries with
     * an exponential backoff ({@code export.retry-delay}, doubled each time, ±20%): a failure that is gone in a
     * moment (a database restarting, a network blip) is not hit again within milliseconds.
     */
    private SealedBackup exportWithRetries(BackupId id, Epoch epoch, long sequence, Cancellation cancellation) {
        int attempts = ctx.config().exportRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return exportOnce(id, epoch, sequence, cancellation);
            } catch (ResilienceException e) {
                if (attempt >= attempts || NOT_RETRIED.contains(e.code()) || cancellation.isCancelled()) {
                    throw e;
                }
                java.time.Duration wait = ctx.config().exportRetryBackoff().delay(attempt, ctx.random());
                log.warn("export attempt {} of {} failed, retrying in {} s: {}", attempt, attempts,
                        wait.toMillis() / 1000.0, e.getMessage());
                ctx.pause().pause(wait, cancellation);
            }
        }
    }

    private SealedBackup exportOnce(BackupId id, Epoch epoch, long sequence, Cancellation cancellation) {
        Path staging = ctx.layout().exportStaging(id);
        // Exports run one at a time under the node lock: any other export in incoming/ was killed in the middle.
        for (Path p : org.resilient.support.fs.Transfers.removeExportsBut(ctx.layout(), null)) {
            log.info("removed {}: an export that was interrupted", p);
        }
        Path data = NodeLayout.data(staging);
        try {
            org.resilient.support.fs.FileModes.createDirectories(data); // private: it holds every row
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", data, e);
        }
        Instant created = ctx.clock().instant();
        // files are hashed while the exporter writes (as they grow, or once at rest): the seal reads only the rest
        try (Exporter exporter = ctx.component().exporter(ctx.settings()); EarlyDigests early = EarlyDigests.start(data, exporter.appendsOnly())) {
            log.info("exporting {} ({} component) in epoch {}", id, ctx.component().name(), epoch);
            exporter.export(ExportContext.builder().directory(data).backupId(id).epoch(epoch).settings(ctx.settings())
                    .progress(ctx.progress()).cancellation(cancellation).clock(ctx.clock())
                    .loggerName(ctx.loggerName("export")).build());
            cancellation.throwIfCancelled("export " + id);
            log.info("sealing {}: the {} exporter ended", id, ctx.component().name()); // dump and seal times apart
            SealedBackup sealed = BackupSealer.seal(staging, id, ctx.component().name(), ctx.uri().toString(), epoch,
                    sequence, created, early.stop(), ctx.progress(), cancellation);
            ctx.auth().signManifest(staging);
            Path published = ctx.layout().backup(id);
            // Recorded before the rename: a node killed between publishing and announcing announces it at its next start.
            ctx.state().setToAnnounce(id);
            AtomicFiles.move(staging, published);
            log.info("published {}: {} files, {} bytes", id, sealed.manifest().fileCount(), sealed.manifest().totalSize());
            return new SealedBackup(published, sealed.manifest(), sealed.manifestDigest());
        } catch (IOException e) {
            throw AtomicFiles.ioError("publish", staging, e);
        } finally {
            AtomicFiles.deleteTree(staging);
        }
    }

    /**
     * Announces a published backup to every pull-backup node ({@code export.notify}) and records it as announced
     * when all of them were told.
     *
     * @throws ResilienceException {@code UNREACHABLE} naming the nodes that could not be told
     */
    void announce(SealedBackup sealed, Epoch epoch) {
        BackupId id = sealed.manifest().backupId();
        Steps.run(ctx, "announce", id, () -> {
            // Asked again here: an export takes time, and the lease may have been lost meanwhile.
            checkGuard("announce " + id);
            List<String> failures = new ArrayList<>();
            Message m = new Message(Message.Type.BACKUP_PUBLISHED, ctx.uri().toString(), epoch, id, ctx.clock().instant(),
                    sealed.manifest().sequence());
            for (URI t : ctx.config().pullBackupNodes()) {
                try {
                    ctx.send(t, m);
                } catch (ResilienceException e) {
                    failures.add(t + ": " + e.getMessage());
                }
            }
            if (!failures.isEmpty()) {
                throw new ResilienceException(ErrorCode.UNREACHABLE, "backup " + id
                        + " was published but could not be announced to: " + String.join("; ", failures)
                        + ". Fix the pull-backup node; a running node announces it again by itself, or announce it"
                        + " with 'resilient export --announce-only' (or export again).");
            }
            ctx.state().setAnnounced(id);
            log.info("announced {} to {} pull-backup node(s)", id, ctx.config().pullBackupNodes().size());
        });
    }

    private BackupId nextId() {
        Instant now = ctx.clock().instant();
        BackupId id = BackupId.of(now, ctx.name());
        // This node's ids must grow even if its clock stands still (fake clocks) or steps back. Backups of other
        // nodes (received while this node was a standby) do not matter: backups are ordered by epoch and sequence.
        String suffix = "-" + ctx.name();
        BackupId last = Retention.published(ctx.layout()).stream().filter(b -> b.value().endsWith(suffix))
                .reduce((a, b) -> b).orElse(null);
        if (last != null && id.compareTo(last) <= 0) {
            Instant after = last.time().orElse(now).plusMillis(1);
            id = BackupId.of(after, ctx.name());
            while (id.compareTo(last) <= 0) {
                after = after.plusMillis(1);
                id = BackupId.of(after, ctx.name());
            }
        }
        return id;
    }
}
