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
import org.resilient.core.fs.AtomicFiles;
import org.resilient.core.manifest.BackupSealer;
import org.resilient.core.manifest.SealedBackup;
import org.slf4j.Logger;

/**
 * The export role: dump the component into {@code incoming/<id>.export/data}, seal it (MANIFEST + SIGNATURE),
 * publish it by an atomic rename into {@code backup/<id>}, then announce it to the pull-backup nodes.
 * A failed export publishes nothing and is retried a few times at once.
 */
final class Exporting {
    private static final java.util.Set<ErrorCode> NOT_RETRIED = java.util.EnumSet.of(ErrorCode.CONFIG_INVALID,
            ErrorCode.LOCKED, ErrorCode.STALE_EPOCH, ErrorCode.WRONG_STATE, ErrorCode.CANCELLED,
            ErrorCode.AUTHENTICATION_FAILED, ErrorCode.TOOL_MISSING, ErrorCode.NOT_WRITABLE, ErrorCode.NOT_FOUND);

    private final NodeContext ctx;
    private final Logger log;

    Exporting(NodeContext ctx) {
        this.ctx = ctx;
        this.log = ctx.log("export");
    }

    /**
     * Exports, publishes and announces one backup. The caller holds the node lock and checked the role.
     */
    SealedBackup export(Epoch epoch, Cancellation cancellation) {
        BackupId id = nextId();
        long sequence = ctx.state().nextSequence();
        SealedBackup sealed = Steps.run(ctx, "export", id, () -> exportWithRetries(id, epoch, sequence, cancellation));
        announce(sealed, epoch);
        Retention.keepNewest(ctx.layout(), ctx.config().keepPublished(), null, log);
        return sealed;
    }

    private SealedBackup exportWithRetries(BackupId id, Epoch epoch, long sequence, Cancellation cancellation) {
        int attempts = Math.max(1, ctx.config().exportRetries() + 1);
        for (int attempt = 1; ; attempt++) {
            try {
                return exportOnce(id, epoch, sequence, cancellation);
            } catch (ResilienceException e) {
                if (attempt >= attempts || NOT_RETRIED.contains(e.code())) {
                    throw e;
                }
                log.warn("export attempt {} of {} failed, retrying: {}", attempt, attempts, e.getMessage());
            }
        }
    }

    private SealedBackup exportOnce(BackupId id, Epoch epoch, long sequence, Cancellation cancellation) {
        Path staging = ctx.layout().exportStaging(id);
        AtomicFiles.deleteTree(staging);
        Path data = NodeLayout.data(staging);
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw AtomicFiles.ioError("create", data, e);
        }
        Instant created = ctx.clock().instant();
        try (Exporter exporter = ctx.component().exporter(ctx.settings())) {
            log.info("exporting {} ({} component) in epoch {}", id, ctx.component().name(), epoch);
            exporter.export(ExportContext.builder().directory(data).backupId(id).epoch(epoch).settings(ctx.settings())
                    .progress(ctx.progress()).cancellation(cancellation).clock(ctx.clock())
                    .loggerName(ctx.loggerName("export")).build());
            cancellation.throwIfCancelled("export " + id);
            SealedBackup sealed = BackupSealer.seal(staging, id, ctx.component().name(), ctx.uri().toString(), epoch,
                    sequence, created, ctx.progress(), cancellation);
            ctx.auth().signManifest(staging);
            Path published = ctx.layout().backup(id);
            AtomicFiles.move(staging, published);
            log.info("published {}: {} files, {} bytes", id, sealed.manifest().fileCount(), sealed.manifest().totalSize());
            return new SealedBackup(published, sealed.manifest(), sealed.manifestDigest());
        } catch (IOException e) {
            throw AtomicFiles.ioError("publish", staging, e);
        } finally {
            AtomicFiles.deleteTree(staging);
        }
    }

    void announce(SealedBackup sealed, Epoch epoch) {
        List<URI> targets = ctx.config().pullBackupNodes();
        List<String> failures = new ArrayList<>();
        Message m = new Message(Message.Type.BACKUP_PUBLISHED, ctx.uri().toString(), epoch,
                sealed.manifest().backupId(), ctx.clock().instant(), sealed.manifest().sequence());
        for (URI t : targets) {
            try {
                ctx.send(t, m);
            } catch (ResilienceException e) {
                failures.add(t + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            Steps.run(ctx, "announce", sealed.manifest().backupId(), () -> {
                throw new ResilienceException(ErrorCode.UNREACHABLE, "backup " + sealed.manifest().backupId()
                        + " was published but could not be announced to: " + String.join("; ", failures)
                        + ". Fix the pull-backup node, then announce it again with 'resilient export --announce-only' (or export again).");
            });
        }
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
