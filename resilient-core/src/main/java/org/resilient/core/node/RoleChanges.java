package org.resilient.core.node;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.resilient.api.Capability;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.core.FailoverStatus;
import org.slf4j.Logger;

/**
 * The role changes of a takeover: promoting an import node to leader, and deposing a leader that learns of a
 * newer epoch (from a message or from the coordinator). A deposed leader stops exporting at once (its role is
 * recorded as import with the new epoch), forgets its last good import (its copy holds what it wrote as
 * leader, so it is no candidate until a backup re-seeds it) and then demotes its component, so that ordinary
 * clients can no longer write to it; the pending demotion is recorded, so a node killed in between demotes at
 * its next start.
 */
final class RoleChanges {
    /** How long a promotion waits for an import in progress. */
    private static final Duration PROMOTE_WAIT = Duration.ofHours(6);
    /** How long a demotion waits for the step running on the node. */
    private static final Duration DEMOTE_WAIT = Duration.ofMinutes(10);

    private final NodeContext ctx;
    private final NodeLock lock;
    private final Jobs jobs;
    private final Logger log;
    private Instant demoteNotBefore = Instant.MIN;

    RoleChanges(NodeContext ctx, NodeLock lock, Jobs jobs) {
        this.ctx = ctx;
        this.lock = lock;
        this.jobs = jobs;
        this.log = ctx.log("node");
    }

    NodeRole role() {
        return ctx.state().role().orElse(ctx.config().role());
    }

    /** See {@link Node#promote}. */
    void promote(Epoch epoch) {
        try (NodeLock.Held held = lock.acquire("promote", PROMOTE_WAIT)) {
            if (role() != NodeRole.IMPORT) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "only an import node can be promoted; "
                        + ctx.name() + " is " + role());
            }
            Epoch mine = ctx.state().epoch();
            if (!mine.isOlderThan(epoch)) {
                throw new ResilienceException(ErrorCode.STALE_EPOCH, "cannot promote " + ctx.name() + " in epoch " + epoch
                        + ": it already knows epoch " + mine);
            }
            if (ctx.state().lastImport().isEmpty()) {
                throw new ResilienceException(ErrorCode.WRONG_STATE, "node " + ctx.name()
                        + " has never imported a backup; promoting it would lose all data");
            }
            jobs.promote(epoch);
            ctx.state().setDemoted(null);
        }
    }

    /**
     * Adopts a newer epoch; a leader is deposed by it.
     *
     * @param newer the epoch, newer than the node's
     * @param leader its leader if known, or null
     * @param source where the node learned it, for the log
     * @return true if this node was the leader and is deposed now
     */
    synchronized boolean adopt(Epoch newer, URI leader, String source) {
        if (!ctx.state().epoch().isOlderThan(newer)) {
            return false;
        }
        if (role() != NodeRole.EXPORT) {
            ctx.state().setEpoch(newer, leader, null);
            return false;
        }
        log.warn("epoch {} has a new leader ({}; learned from {}): this node was leader, stops exporting and demotes"
                + " itself; it imports again once the next backup re-seeds it", newer,
                leader == null ? "not known yet" : leader, source);
        Epoch old = ctx.state().epoch();
        ctx.state().setDemotePending(newer);
        ctx.state().clearLastImport();
        ctx.state().setEpoch(newer, leader, NodeRole.IMPORT);
        if (ctx.state().failover().isPresent()) {
            // What status shows must change with the role: else it says this node leads in the old epoch until the
            // next failover round, which may be a whole step away (a deposition read from the inbox by status).
            ctx.state().setFailover(new FailoverStatus(ctx.name() + " was deposed: it led in epoch " + old + ", and epoch "
                    + newer + " has a new leader (" + (leader == null ? "not known yet" : leader) + ", learned from "
                    + source + "); it stops exporting, demotes its component and imports again once re-seeded",
                    false, ctx.clock().instant()));
        }
        return true;
    }

    /**
     * Demotes the component if this node was deposed and has not demoted it yet. A component that cannot
     * demote ({@code UNSUPPORTED}) is logged as an ERROR saying what to do, and the node goes on as an import node;
     * another failure is tried again after {@code node.retry-delay}.
     *
     * @return the epoch of the new leader if the demotion ran now
     */
    Optional<Epoch> finishDemotion() {
        Optional<Epoch> pending = ctx.state().demotePending();
        Instant now = ctx.clock().instant();
        if (pending.isEmpty() || now.isBefore(demoteNotBefore)) {
            return Optional.empty();
        }
        try (NodeLock.Held held = lock.acquire("demote", DEMOTE_WAIT)) {
            jobs.demote(pending.get());
            ctx.state().setDemoted(pending.get());
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.UNSUPPORTED) {
                demoteNotBefore = now.plus(ctx.config().retryBackoff().delay(1, () -> 0.5));
                log.error("could not demote the {} component after epoch {} took over (tried again at {}): {}. Until it"
                        + " is demoted, stop the clients writing to this node's copy by hand", ctx.component().name(),
                        pending.get(), demoteNotBefore, e.getMessage());
                return Optional.empty();
            }
            log.error("the {} component cannot demote its live copy ({}): clients may still write to it. Stop them"
                    + " by hand (make the copy read-only or stop its service); the cluster no longer takes backups from"
                    + " this node, which goes on as an import node and is re-seeded by the next backup",
                    ctx.component().name(), e.getMessage());
        }
        ctx.state().setDemotePending(null);
        return pending;
    }

    /**
     * At the start of a node: demotes its component again if its copy was demoted before (a deposed leader not
     * promoted since) and the component can demote. A fence does not always outlive a restart: MariaDB's
     * {@code read_only} is gone when its server restarts, and a files directory's mode can be set back by hand; the
     * node cannot tell, so it fences again (demotion is idempotent). A failure is logged as an ERROR and the node
     * starts anyway: the cluster refuses its backups by their epoch whatever the state of its copy.
     *
     * @return the epoch it was demoted for again, if it was
     */
    Optional<Epoch> demoteAgainAtStart() {
        Optional<Epoch> demoted = ctx.state().demoted();
        if (demoted.isEmpty() || role() == NodeRole.EXPORT || ctx.state().demotePending().isPresent()
                || !ctx.component().capabilities().contains(Capability.DEMOTE)) {
            return Optional.empty(); // a pending demotion runs in the first round anyway
        }
        try (NodeLock.Held held = lock.acquire("demote", DEMOTE_WAIT)) {
            jobs.demote(demoted.get());
            log.info("demoted the {} component again at start: its copy was demoted when epoch {} took over, and a"
                    + " fence may not survive a restart of the component's server", ctx.component().name(), demoted.get());
            return demoted;
        } catch (ResilienceException e) {
            log.error("could not demote the {} component again at start (it was demoted when epoch {} took over): {}."
                    + " Until it is, stop the clients writing to this node's copy by hand", ctx.component().name(),
                    demoted.get(), e.getMessage());
            return Optional.empty();
        }
    }
}
