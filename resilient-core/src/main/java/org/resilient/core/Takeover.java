package org.resilient.core;

import org.resilient.api.NodeRole;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.resilient.api.BackupRef;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.ResilienceException;
import org.resilient.core.election.Election;
import org.resilient.core.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual takeover: choose the import node the election would choose (the newest good import: the least data lost), promote it
 * in a new epoch (the fencing token), and tell every other node. A deposed leader that hears of the new
 * epoch demotes itself; one that does not is still fenced, because pull-backup nodes refuse its older epoch.
 */
public final class Takeover {
    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

    private Takeover() {
    }

    /**
     * Chooses the import node the election would choose ({@link Election#rank}): the newest good import by epoch,
     * then sequence (never by the backup's clock time: a new leader's clock may be behind the old one's), then
     * the higher {@code node.priority}, then the name that sorts first.
     *
     * @param candidates import nodes
     * @return the best one, if any has imported anything
     */
    public static Optional<ResilientNode> choose(List<ResilientNode> candidates) {
        Instant now = Instant.now();
        Map<String, ResilientNode> byName = new HashMap<>();
        List<MemberState> states = new ArrayList<>();
        for (ResilientNode n : candidates) {
            ImportState last = n.status().lastImport();
            if (n.role() != NodeRole.IMPORT || last == null) {
                continue;
            }
            byName.put(n.name(), n);
            // Healthy: the operator chose these nodes by hand; an import in progress does not matter here.
            states.add(new MemberState(n.name(), NodeRole.IMPORT, n.epoch(), new BackupRef(last.backupId(), last.epoch(),
                    last.sequence(), last.backupTime()), null, n.node().config().priority(), true, now));
        }
        return Election.withDefaults().rank(states).stream().findFirst().map(m -> byName.get(m.name()));
    }

    /**
     * Promotes a node in an epoch newer than every epoch the given nodes know, and tells the others.
     *
     * @param winner the node to promote
     * @param known the nodes whose epochs are known (the winner's peers reachable in-process), may be empty
     * @param tell the URIs of the nodes to tell (pull-backup nodes, other imports, the old leader)
     * @return the new epoch
     * @throws ResilienceException if the promotion fails; nothing is told then
     */
    public static Epoch promote(ResilientNode winner, Collection<ResilientNode> known, Collection<URI> tell) {
        return promote(winner.node(), known.stream().map(ResilientNode::epoch).toList(), tell);
    }

    private static Epoch promote(Node winner, Collection<Epoch> known, Collection<URI> tell) {
        Epoch newest = known.stream().max(Comparator.naturalOrder()).orElse(winner.epoch());
        if (newest.isOlderThan(winner.epoch())) {
            newest = winner.epoch();
        }
        Epoch epoch = newest.next();
        winner.promote(epoch);
        tell(winner, epoch, tell, winner.name() + " was promoted in epoch " + epoch);
        return epoch;
    }

    /**
     * Tells nodes who leads in the leader's epoch (a deposed leader that comes back, a node that missed the
     * takeover); a node that hears of a newer epoch than its own adopts it, and a deposed leader demotes itself.
     *
     * @param leader the current leader
     * @param nodes the URIs of the nodes to tell
     * @throws ResilienceException {@code UNREACHABLE} naming the nodes that could not be told
     */
    public static void tell(ResilientNode leader, Collection<URI> nodes) {
        tell(leader.node(), leader.epoch(), nodes, leader.name() + " leads in epoch " + leader.epoch());
    }

    private static void tell(Node leader, Epoch epoch, Collection<URI> nodes, String what) {
        int told = 0;
        StringBuilder failures = new StringBuilder();
        for (URI told0 : nodes) {
            URI u = org.resilient.core.node.NodeSettings.normalize(told0);
            if (u.equals(leader.uri())) {
                continue;
            }
            try {
                leader.announceLeadership(u, epoch);
                told++;
            } catch (ResilienceException e) {
                failures.append("\n  ").append(u).append(": ").append(e.getMessage());
            }
        }
        LOG.warn("{} is leader in epoch {}; told {} node(s)", leader.name(), epoch, told);
        if (failures.length() > 0) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, what
                    + " but these nodes could not be told (they are fenced anyway: their older epoch is refused):" + failures);
        }
    }
}
