package org.resilient.core.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.api.NodeRole;
import org.resilient.api.OperationContext;
import org.resilient.api.ResilienceException;
import org.resilient.api.StandbyRecovery;
import org.resilient.api.spi.Importer;
import org.resilient.core.ImportState;
import org.resilient.core.InterruptedStep;
import org.resilient.core.StepOutcome;
import org.resilient.core.manifest.BackupVerifier;
import org.resilient.core.manifest.SealedBackup;
import org.slf4j.Logger;

/**
 * At a node's start, lets its component repair the standby ({@link Importer#recover}) and makes the node's records
 * say what the standby holds afterwards, so that status is truthful from the start (issue 16.18) instead of after the
 * next import:
 * <ul>
 *   <li>rolled back: the standby holds the last recorded import; the interrupted import is recorded as a failed
 *       run (the node is unhealthy until the pending job imports it again);</li>
 *   <li>rolled forward: the standby holds the interrupted backup; it is recorded as imported (after its manifest is
 *       verified again) and its job is done, so it is not copied again;</li>
 *   <li>nothing found, or the component could not be reached: the standby may hold either backup, so the import
 *       stays reported as interrupted until it ran again.</li>
 * </ul>
 */
final class StandbyRepair {
    private final NodeContext ctx;
    private final JobQueue queue;
    private final Logger log;

    StandbyRepair(NodeContext ctx, JobQueue queue, Logger log) {
        this.ctx = ctx;
        this.queue = queue;
        this.log = log;
    }

    /**
     * Runs the component's recovery if this node holds a copy of the component (an import node, or a leader: it may
     * have been a standby, and its tools' secret files of a killed export are removed too) or an import of it was
     * interrupted, and records what it found; never throws.
     *
     * @param role the node's role now
     * @param running the node's step markers
     * @param interrupted the interrupted steps found at start
     */
    void run(NodeRole role, RunningSteps running, List<InterruptedStep> interrupted) {
        Optional<InterruptedStep> cut = interrupted.stream().filter(i -> i.step().equals("import")).findFirst();
        if (role == NodeRole.PULL_BACKUP && cut.isEmpty()) {
            return; // holds no copy of the component
        }
        StandbyRecovery found;
        try (Importer importer = ctx.component().importer(ctx.settings())) {
            found = importer.recover(OperationContext.builder(ctx.layout().state()).settings(ctx.settings())
                    .progress(ctx.progress()).clock(ctx.clock()).loggerName(ctx.loggerName("recover")).build());
        } catch (RuntimeException e) {
            log.error("node {} could not check its standby at start ({}); {}", ctx.name(), e.getMessage(),
                    cut.isPresent() ? "the interrupted import stays reported until it ran again" : "the next import checks it");
            return;
        }
        if (cut.isEmpty()) {
            if (found != StandbyRecovery.NOTHING_FOUND) {
                log.warn("node {}: its component repaired its standby at start ({}) though no import was known to be"
                        + " interrupted; the last recorded import stands", ctx.name(), found);
            }
            return;
        }
        InterruptedStep step = cut.get();
        switch (found) {
            case ROLLED_BACK -> rolledBack(step, running);
            case ROLLED_FORWARD -> rolledForward(step, running);
            default -> log.warn("{}: the component found nothing to repair, so the standby holds either the last recorded"
                    + " import or {}; the import stays reported as interrupted until it ran again", step.describe(),
                    step.backupId());
        }
    }

    private void rolledBack(InterruptedStep step, RunningSteps running) {
        String held = ctx.state().lastImport().map(s -> s.backupId().value()).orElse("no backup (it was empty)");
        String message = "[INTERRUPTED] the import of " + step.backupId() + " was cut off (process " + step.pid()
                + " ended during it); at the node's start the standby was rolled back to " + held
                + "; the pending job imports it again";
        ctx.state().record(new StepOutcome("import", false, ctx.clock().instant(), step.backupId(), message,
                Duration.between(step.since(), ctx.clock().instant())));
        running.end("import");
        log.warn("{}", message);
    }

    private void rolledForward(InterruptedStep step, RunningSteps running) {
        BackupId id = step.backupId();
        Path dir = id == null ? null : ctx.layout().backup(id);
        if (dir == null || !Files.isDirectory(dir)) {
            log.error("{}: the component finished its swap at start, but the backup is no longer in {}: the import"
                    + " stays reported as interrupted until a backup is imported again", step.describe(), ctx.layout().backups());
            return;
        }
        SealedBackup sealed;
        try {
            sealed = BackupVerifier.verify(dir, ctx.progress(), Cancellation.never());
        } catch (ResilienceException e) {
            log.error("{}: the component finished its swap at start, but the backup fails its check now ({}); the"
                    + " import stays reported as interrupted", step.describe(), e.getMessage());
            return;
        }
        ImportState state = new ImportState(id, sealed.manifest().created(), ctx.clock().instant(), sealed.manifestDigest(),
                sealed.manifest().epoch(), sealed.manifest().sequence());
        ctx.state().setLastImport(state);
        ctx.state().record(new StepOutcome("import", true, ctx.clock().instant(), id, "ok; the node was killed after"
                + " the swap and finished the import at its start", Duration.between(step.since(), ctx.clock().instant()),
                sealed.manifest().totalSize()));
        queue.pending().filter(j -> j.backupId().equals(id)).ifPresent(queue::succeeded);
        running.end("import");
        log.warn("the import of {} was cut off after its swap (process {} ended); at the node's start the component"
                + " finished it and the node recorded it as imported", id, step.pid());
    }
}
