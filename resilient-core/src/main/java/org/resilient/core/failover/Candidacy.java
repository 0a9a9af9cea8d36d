package org.resilient.core.failover;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.resilient.api.Epoch;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Lease;
import org.resilient.core.election.Election;
import org.resilient.core.election.ElectionDecision;
import org.resilient.core.node.Node;

/**
 * An import node's part in failover: watching for a leader, running the {@link Election} when there is none,
 * and taking over when it wins, automatically or when asked ({@code resilient takeover}).
 *
 * <p>A takeover, in this order: take the leader lease (so that among racing candidates one goes on, and a
 * candidate that dies half-way frees it by its expiry); take the next epoch by compare-and-set (exactly one
 * winner; the fencing token every receiver checks); publish the claim (role export in the new epoch, so other
 * nodes see a leader while it promotes); promote (waiting for an import in progress, then
 * {@code Importer.promote}); tell the pull-backup nodes and the old leader ({@code LEADER_CHANGED}), again
 * until all were told. A controlled takeover takes the epoch first (which deposes the current leader: it sees
 * the newer epoch, stops exporting and releases the lease) and then waits for the lease.
 */
final class Candidacy {
    private final Failover failover;
    private final Election election;
    private Instant electionStarted;
    private volatile Epoch claim;
    private Instant handoverUntil;
    private Epoch handoverFrom;
    private Instant unhealthyUntil = Instant.MIN;
    private List<URI> toTell = List.of();
    private Instant tellNotBefore = Instant.MIN;

    Candidacy(Failover failover, Election election) {
        this.failover = failover;
        this.election = election;
    }

    /** @return the epoch this node claims while it takes over, if it does */
    Optional<Epoch> claim() {
        return Optional.ofNullable(claim);
    }

    boolean claiming() {
        return claim != null;
    }

    /** @return false for a while after a failed promotion, so that the election passes this node over */
    boolean healthy(Instant now) {
        return !now.isBefore(unhealthyUntil);
    }

    /** One round of an import node: finish a controlled takeover, or look for a leader and elect if there is none. */
    void watch(Epoch clusterEpoch) {
        Instant now = failover.clock().instant();
        if (handoverUntil != null) {
            continueHandover(now);
            return;
        }
        List<MemberState> members = failover.members();
        Optional<String> holder = failover.coordinator().leaseHolder();
        Optional<MemberState> leader = members.stream().filter(m -> m.role() == NodeRole.EXPORT)
                .filter(m -> !m.epoch().isOlderThan(clusterEpoch)).findFirst();
        if (holder.isPresent() || leader.isPresent()) {
            electionStarted = null;
            failover.see(false, holder.isPresent() ? failover.leaderSummary(clusterEpoch)
                    : leader.get().name() + " leads in epoch " + clusterEpoch + " (taking its lease)");
            return;
        }
        Instant joined = failover.joinedAt();
        Duration grace = failover.coordinator().failureTimeout();
        if (joined == null || now.isBefore(joined.plus(grace))) {
            // A leader starting at the same time as this node may not hold its lease yet.
            failover.see(false, "no leader holds the lease; this node joined recently and waits until "
                    + (joined == null ? "it has joined" : joined.plus(grace)) + " before an election");
            return;
        }
        if (electionStarted == null) {
            electionStarted = now;
            failover.log().warn("no leader: the lease is free and no member leads in epoch {}; election begins",
                    clusterEpoch);
        }
        ElectionDecision d = election.decide(members, electionStarted, now);
        switch (d.outcome()) {
            case NONE -> failover.see(true, "no leader, and " + d.reason());
            case WAIT -> failover.see(false, "no leader; election: " + d.reason());
            case ELECT -> {
                if (d.candidate().name().equals(failover.node().name())) {
                    takeOver(clusterEpoch, members, d.reason());
                } else {
                    failover.see(false, "no leader; election: " + d.reason() + "; waiting for "
                            + d.candidate().name() + " to take over");
                }
            }
            default -> throw new IllegalStateException(d.outcome().toString());
        }
    }

    private void takeOver(Epoch expected, List<MemberState> members, String why) {
        Optional<Lease> got = failover.coordinator().tryAcquireLease(failover::leaseLost);
        if (got.isEmpty()) {
            failover.see(false, "elected (" + why + "), but another node took the lease first");
            return;
        }
        Epoch next = newest(expected, members).next();
        if (!failover.coordinator().advanceEpoch(expected, next)) {
            got.get().release();
            failover.log().info("elected, but the epoch moved past {} meanwhile: another node took over", expected);
            return;
        }
        failover.takeLease(got.get());
        failover.log().warn("elected: {}; took epoch {} (was {}), promoting", why, next, expected);
        promote(next, expected);
    }

    /** Promotes in the claimed epoch; on failure gives the lease up and stands aside for a while. */
    private void promote(Epoch next, Epoch old) {
        Node node = failover.node();
        List<URI> tell = new ArrayList<>(node.config().pullBackupNodes());
        node.knownLeader().filter(l -> !tell.contains(l) && !l.equals(node.uri())).ifPresent(tell::add);
        claim = next;
        failover.publishIfChanged();
        try {
            node.promote(next);
        } catch (ResilienceException e) {
            claim = null;
            unhealthyUntil = failover.clock().instant().plus(failover.coordinator().failureTimeout().multipliedBy(3));
            failover.dropLease("the promotion failed");
            failover.log().error("promotion in epoch {} failed, so another candidate may take over: {}", next,
                    e.getMessage());
            failover.see(true, "promotion in epoch " + next + " failed: " + e.getMessage());
            return;
        }
        claim = null;
        failover.log().warn("{} took over as leader in epoch {} (was {})", node.name(), next, old);
        failover.see(false, node.name() + " leads and holds the leader lease in epoch " + next);
        toTell = tell;
        tellNotBefore = Instant.MIN;
        tellIfPending();
    }

    /** Tells the nodes not told yet who leads (again after a heartbeat interval when some were unreachable). */
    void tellIfPending() {
        Instant now = failover.clock().instant();
        if (toTell.isEmpty() || now.isBefore(tellNotBefore)) {
            return;
        }
        Node node = failover.node();
        List<URI> failed = new ArrayList<>();
        for (URI u : toTell) {
            try {
                node.announceLeadership(u, node.epoch());
            } catch (ResilienceException e) {
                failed.add(u);
                failover.log().warn("could not tell {} that this node leads in epoch {} (told again later): {}", u,
                        node.epoch(), e.getMessage());
            }
        }
        toTell = failed;
        tellNotBefore = now.plus(failover.coordinator().heartbeatInterval());
    }

    /**
     * A controlled switch to this node: refused without {@code force} when it has no good import or another
     * node is the better candidate; otherwise takes the next epoch at once (the current leader sees it, stops
     * exporting and releases the lease) and finishes in the next rounds, when the lease is free.
     */
    String requestTakeover(boolean force, String who) {
        Node node = failover.node();
        if (node.role() == NodeRole.EXPORT) {
            return node.name() + " already leads in epoch " + node.epoch();
        }
        if (node.role() != NodeRole.IMPORT || claiming()) {
            throw Failover.refused(claiming() ? node.name() + " is already taking over in epoch " + claim
                    : "only an import node can take over; " + node.name() + " is " + node.role());
        }
        failover.heartbeat();
        List<MemberState> members = failover.members();
        MemberState self = members.stream().filter(m -> m.name().equals(node.name())).findFirst()
                .orElseThrow(() -> Failover.refused(node.name() + " is not a member of the cluster yet (the "
                        + failover.coordinatorName() + " coordinator cannot be reached?); try again in a moment"));
        List<MemberState> ranked = election.rank(members);
        String objection = !self.hasGoodImport() ? node.name() + " has no good import: promoting it would lose every"
                + " backup since its standby was last filled"
                : !ranked.isEmpty() && !ranked.get(0).name().equals(node.name()) ? ranked.get(0).name()
                + " is the better candidate (good import " + ranked.get(0).lastGoodImport() + ", priority "
                + ranked.get(0).priority() + "; this node: " + self.lastGoodImport() + ", priority " + self.priority() + ")"
                : null;
        if (objection != null && !force) {
            throw Failover.refused("takeover refused: " + objection + ". Add --force to take over anyway");
        }
        Epoch expected = failover.coordinator().epoch();
        Epoch next = newest(expected, members).next();
        if (!failover.coordinator().advanceEpoch(expected, next)) {
            throw Failover.refused("takeover refused: the epoch moved past " + expected
                    + " meanwhile (another takeover?); check 'resilient status' and try again");
        }
        Instant now = failover.clock().instant();
        claim = next;
        handoverFrom = expected;
        handoverUntil = now.plus(failover.coordinator().failureTimeout().multipliedBy(3));
        failover.publishIfChanged();
        String from = failover.coordinator().leaseHolder().orElse("no one");
        failover.log().warn("takeover asked by {} at {}{}: {} takes over from {}, epoch {} -> {}", who, now,
                objection != null ? " with --force (" + objection + ")" : "", node.name(), from, expected, next);
        return node.name() + " takes over from " + from + ": epoch " + expected + " -> " + next
                + (objection != null ? " (forced: " + objection + ")" : "");
    }

    private void continueHandover(Instant now) {
        Epoch next = claim;
        Optional<Lease> got = failover.coordinator().tryAcquireLease(failover::leaseLost);
        if (got.isPresent()) {
            handoverUntil = null;
            failover.takeLease(got.get());
            promote(next, handoverFrom);
            return;
        }
        if (!now.isBefore(handoverUntil)) {
            handoverUntil = null;
            claim = null;
            failover.see(true, "the takeover in epoch " + next + " gave up at " + now + ": "
                    + failover.coordinator().leaseHolder().orElse("a node") + " kept the lease; the old leader is"
                    + " fenced by the newer epoch anyway. Check the cluster and take over again");
            return;
        }
        failover.see(false, "taking over in epoch " + next + ": waiting for "
                + failover.coordinator().leaseHolder().orElse("the old leader") + " to release the lease");
    }

    /** The newest epoch anyone is known to have: the coordinator's, this node's and the members'. */
    private Epoch newest(Epoch coordinatorEpoch, List<MemberState> members) {
        Set<Epoch> all = new LinkedHashSet<>();
        all.add(coordinatorEpoch);
        all.add(failover.node().epoch());
        members.forEach(m -> all.add(m.epoch()));
        return all.stream().max(Epoch::compareTo).orElse(coordinatorEpoch);
    }
}
