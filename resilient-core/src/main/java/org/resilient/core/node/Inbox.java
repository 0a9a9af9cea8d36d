package org.resilient.core.node;

import java.net.URI;
import java.util.Optional;
import org.resilient.api.Epoch;
import org.resilient.api.Message;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.slf4j.Logger;

/**
 * Acts on one message of a node's inbox. Every message is checked against the node's epoch first: older epochs
 * are refused (and the sender told), a newer one is adopted (and an export node that sees another leader in a
 * newer epoch is deposed, so two nodes never export in one epoch); then the sender is checked
 * ({@link Senders}) and an announced or delivered backup is queued.
 */
final class Inbox {
    private final NodeContext ctx;
    private final RoleChanges roles;
    private final JobQueue queue;
    private final Logger log;

    Inbox(NodeContext ctx, RoleChanges roles, JobQueue queue) {
        this.ctx = ctx;
        this.roles = roles;
        this.queue = queue;
        this.log = ctx.log("node");
    }

    /** @return true if the message was accepted */
    boolean accept(Message m) {
        Epoch mine = ctx.state().epoch();
        URI from;
        try {
            from = NodeSettings.normalize(URI.create(m.from()));
            ctx.auth().check(m, from);
        } catch (ResilienceException | IllegalArgumentException e) {
            log.warn("refused {} for {} from {}: {}", m.type(), m.backupId(), m.from(), e.getMessage());
            return false;
        }
        if (m.epoch().isOlderThan(mine)) {
            log.warn("refused {} for {} from {}: its epoch {} is older than this node's {} (a deposed leader?)",
                    m.type(), m.backupId(), m.from(), m.epoch(), mine);
            Senders.answerStale(ctx, from, m, mine, log);
            return false;
        }
        String notAllowed = Senders.refusal(m, from, roles.role(), mine, ctx);
        if (notAllowed != null) {
            log.warn("refused {} for {} from {}: {}", m.type(), m.backupId(), m.from(), notAllowed);
            return false;
        }
        if (mine.isOlderThan(m.epoch())) {
            boolean fromLeader = m.type() == Message.Type.BACKUP_PUBLISHED || m.type() == Message.Type.LEADER_CHANGED;
            roles.adopt(m.epoch(), fromLeader ? from : null, m.type() + " from " + m.from());
        } else if (m.type() == Message.Type.LEADER_CHANGED && ctx.state().leader().isEmpty()) {
            ctx.state().setEpoch(mine, from, null);
        } else if (m.type() == Message.Type.BACKUP_PUBLISHED) {
            Optional<URI> leader = ctx.state().leader();
            if (leader.isPresent() && !leader.get().equals(from)) {
                log.warn("refused backup {} from {}: the leader of epoch {} is {}", m.backupId(), m.from(), mine, leader.get());
                return false;
            }
            if (leader.isEmpty()) {
                ctx.state().setEpoch(mine, from, null);
            }
        }
        switch (m.type()) {
            case BACKUP_PUBLISHED -> {
                return offerIf(NodeRole.PULL_BACKUP, m, from);
            }
            case BACKUP_DELIVERED -> {
                return offerIf(NodeRole.IMPORT, m, from);
            }
            case EPOCH_REFUSED -> {
                log.warn("{} refused this node's messages: the cluster is in epoch {}", m.from(), m.epoch());
                return true;
            }
            default -> {
                log.info("leader of epoch {} is {}", m.epoch(), m.from());
                return true;
            }
        }
    }

    private boolean offerIf(NodeRole wanted, Message m, URI from) {
        if (roles.role() != wanted) {
            log.info("ignored {} for {}: this node's role is {}", m.type(), m.backupId(), roles.role());
            return false;
        }
        boolean queued = queue.offer(new JobQueue.Job(m.backupId(), from, m.epoch(), m.sequence()));
        log.debug("{} {} from {}", queued ? "queued" : "skipped (not newer)", m.backupId(), m.from());
        return queued;
    }
}
