package org.resilient.core.node;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.resilient.api.Epoch;
import org.resilient.api.Message;
import org.resilient.api.NodeRole;
import org.slf4j.Logger;

/**
 * Which node may send which message to a node of a given role (checked after the signature, so the sender is
 * who it says): a pull-backup node takes BACKUP_PUBLISHED only from its {@code pbs.source} or the leader a
 * takeover announced, an import node takes BACKUP_DELIVERED only from its {@code import.sources} (any node
 * when unset), and LEADER_CHANGED must bring a newer epoch (or repeat the known leader's, or name the leader of the node's epoch when it
 * knows none: it learned the epoch from the coordinator).
 */
final class Senders {
    private Senders() {
    }

    /**
     * Warns when a keyed import node takes deliveries from any node of the cluster.
     *
     * @param config the node's settings
     * @param auth its keys
     * @param log where the warning goes
     */
    static void warnIfOpen(NodeSettings config, NodeAuth auth, Logger log) {
        if (auth.keyed() && config.role() == NodeRole.IMPORT && config.importSources().isEmpty()) {
            log.warn("import node {} has no import.sources: it imports backups delivered by any signed node of the "
                    + "cluster; list its pull-backup nodes there", config.name());
        }
    }

    /**
     * Says why a message may not come from its sender.
     *
     * @param m the message
     * @param from its normalized, authenticated sender
     * @param role the receiver's role
     * @param mine the receiver's epoch
     * @param ctx the receiver
     * @return the reason to refuse it, or null if it is allowed
     */
    static String refusal(Message m, URI from, NodeRole role, Epoch mine, NodeContext ctx) {
        Optional<URI> leader = ctx.state().leader();
        switch (m.type()) {
            case BACKUP_PUBLISHED -> {
                URI source = ctx.config().source();
                if (role == NodeRole.PULL_BACKUP && source != null && !from.equals(source)
                        && !leader.map(from::equals).orElse(false)) {
                    return "this pull-backup node takes backups only from its pbs.source " + source
                            + leader.map(l -> " or the leader " + l).orElse("")
                            + " (a new leader announces itself with LEADER_CHANGED first)";
                }
                return null;
            }
            case BACKUP_DELIVERED -> {
                List<URI> sources = ctx.config().importSources();
                if (role == NodeRole.IMPORT && !sources.isEmpty() && !sources.contains(from)) {
                    return "this import node takes deliveries only from its import.sources " + sources;
                }
                return null;
            }
            case LEADER_CHANGED -> {
                // A node that learned the epoch from the coordinator, before its leader announced itself, knows no leader.
                boolean unknownLeader = mine.equals(m.epoch()) && leader.isEmpty();
                if (!mine.isOlderThan(m.epoch()) && !leader.map(from::equals).orElse(false) && !unknownLeader) {
                    return "it claims epoch " + m.epoch() + ", not newer than this node's " + mine
                            + leader.map(l -> ", whose leader is " + l).orElse("");
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Tells the sender of a stale message the current epoch, so a deposed leader learns it at once instead of
     * exporting on; best effort (the sender is fenced anyway), and never an answer to an answer.
     */
    static void answerStale(NodeContext ctx, URI from, Message m, Epoch mine, Logger log) {
        if (m.type() == Message.Type.EPOCH_REFUSED || from.equals(ctx.uri())) {
            return;
        }
        try {
            ctx.send(from, new Message(Message.Type.EPOCH_REFUSED, ctx.uri().toString(), mine, m.backupId(),
                    ctx.clock().instant()));
        } catch (org.resilient.api.ResilienceException e) {
            log.warn("could not tell {} that its epoch {} is stale: {}", m.from(), m.epoch(), e.getMessage());
        }
    }
}
