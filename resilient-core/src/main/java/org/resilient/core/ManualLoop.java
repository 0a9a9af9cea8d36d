package org.resilient.core;

import java.util.Optional;
import org.resilient.api.BackupId;
import org.resilient.api.Cancellation;
import org.resilient.core.failover.Failover;

/**
 * The work of a node that is built but not started, run by hand on the caller's thread, for harnesses that drive
 * a cluster on a manual clock (nothing runs by itself, so the same calls give the same run). With
 * {@code node.coordinator} set, {@link #failoverRound()} is what a started node's failover does each round
 * (heartbeat when due, adopt a newer epoch, keep the lease as leader, elect and promote as an import node).
 */
public final class ManualLoop implements AutoCloseable {
    private final ResilientNode node;
    private final Failover failover;

    private ManualLoop(ResilientNode node, Failover failover) {
        this.node = node;
        this.failover = failover;
    }

    /**
     * Opens the loop of a node: first repairs what an earlier run of it left in the middle of a step (as
     * {@link ResilientNode#start()} does), then connects to its coordinator, if it has one, on the node's clock.
     *
     * @param node a node built and never started
     * @return the loop
     */
    public static ManualLoop of(ResilientNode node) {
        node.node().recoverInterrupted();
        return new ManualLoop(node, Failover.open(node.node()).orElse(null));
    }

    /** @return true if the node fails over through a coordinator */
    public boolean failsOver() {
        return failover != null;
    }

    /** @return true if the node leads: its role is export and, with a coordinator, it holds the leader lease */
    public boolean leads() {
        return node.role() == org.resilient.api.NodeRole.EXPORT && (failover == null || failover.mayExport());
    }

    /**
     * One failover round: a deposed leader's component is demoted, then the failover round runs (nothing without a
     * coordinator). Never throws; what the node saw is in its status.
     */
    public void failoverRound() {
        node.node().finishDemotion();
        if (failover != null) {
            failover.tick();
        }
    }

    /**
     * Exports now, as the leader's schedule would, in the caller's thread (refused without the leader lease).
     *
     * @param cancellation cancels it (a harness crashing the node mid-step)
     * @return the backup
     */
    public BackupId exportNow(Cancellation cancellation) {
        return node.node().exportNow(cancellation).manifest().backupId();
    }

    /**
     * Reads the inbox and runs the pending job once, whatever its backoff.
     *
     * @param cancellation cancels it
     * @return the backup handled, if any
     */
    public Optional<BackupId> poll(Cancellation cancellation) {
        node.node().receive();
        return node.node().runPending(cancellation);
    }

    /** Leaves the cluster cleanly: releases a held lease and closes the coordinator (not the node). */
    @Override
    public void close() {
        if (failover != null) {
            failover.close();
        }
    }
}
