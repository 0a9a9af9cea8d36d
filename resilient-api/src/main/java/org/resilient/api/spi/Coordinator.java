package org.resilient.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.resilient.api.Epoch;
import org.resilient.api.MemberState;

/**
 * One node's connection to the cluster's coordination service: membership with published states, a leader
 * lease, and the epoch as a fencing token changed only by compare-and-set.
 *
 * <p>How a node uses it: {@link #join} with its state, then call {@link #heartbeat()} every
 * {@link #heartbeatInterval()} and {@link #publish} whenever its state changes. The leader holds a
 * {@link Lease} and asks {@link Lease#mayExport()} before every export and before announcing one. A
 * candidate that wins the election takes the lease, then the next epoch with {@link #advanceEpoch}, and only
 * then promotes its component. A lease alone never makes one leader (a paused process wakes up believing it
 * still leads): every receiver must refuse messages from an epoch older than the newest it has seen.
 *
 * <p>A node that stops heartbeating (crash, pause, partition) is forgotten after about
 * {@link #failureTimeout()}: it leaves {@link #members()} and its lease becomes free.
 *
 * <p>Failures to reach the coordination service throw {@link org.resilient.api.ResilienceException} with
 * {@code UNREACHABLE}; a node must then assume it holds no lease.
 */
public interface Coordinator extends AutoCloseable {

    /**
     * The name of the local node ({@code node.name}).
     *
     * @return the name
     */
    String self();

    /**
     * Joins the cluster with a first state. Joining again replaces the state.
     *
     * @param state the state; its name must be {@link #self()}
     * @throws org.resilient.api.ResilienceException {@code WRONG_STATE} if another live process has joined
     *     under the same name
     * @throws IllegalArgumentException if the state is of another node
     */
    void join(MemberState state);

    /**
     * Replaces the local node's published state.
     *
     * @param state the state; its name must be {@link #self()}
     * @throws org.resilient.api.ResilienceException {@code WRONG_STATE} if the node has not joined
     */
    void publish(MemberState state);

    /**
     * Tells the service the node is alive and renews a held lease; call it every {@link #heartbeatInterval()}.
     * If the service forgot the node (its session expired), the node joins again with its last state; a lost
     * lease is not taken back: its holder is told (see {@link LeaseListener}) and must acquire a new one.
     */
    void heartbeat();

    /**
     * How often to call {@link #heartbeat()}.
     *
     * @return the interval
     */
    Duration heartbeatInterval();

    /**
     * About how long after its last heartbeat a silent node is forgotten and its lease freed: the failure
     * detection part of a failover.
     *
     * @return the timeout
     */
    Duration failureTimeout();

    /**
     * The states of the live members, the local node included once it has joined.
     *
     * @return the states, sorted by name
     */
    List<MemberState> members();

    /**
     * The node holding the leader lease, as the service sees it now.
     *
     * @return its name, or empty if the lease is free
     */
    Optional<String> leaseHolder();

    /**
     * Takes the leader lease if it is free (or still held by this very coordinator's live session).
     *
     * @param listener told once if the lease is lost; called on a coordinator thread or the caller's, must
     *     not block
     * @return the lease, or empty if another node holds it
     */
    Optional<Lease> tryAcquireLease(LeaseListener listener);

    /**
     * Takes the leader lease if it is free, with no listener: the holder checks {@link Lease#mayExport()}.
     *
     * @return the lease, or empty if another node holds it
     */
    default Optional<Lease> tryAcquireLease() {
        return tryAcquireLease(reason -> { });
    }

    /**
     * The cluster's current epoch.
     *
     * @return the epoch; {@link Epoch#INITIAL} until the first {@link #advanceEpoch}
     */
    Epoch epoch();

    /**
     * Sets the epoch to {@code next} if it is {@code expected}, atomically: among any number of nodes racing
     * from the same {@code expected}, exactly one gets true. If the service cannot be reached the call
     * throws; the caller must then act as if it lost (the epoch may have moved with no one leading in it,
     * which is harmless: the next candidate takes the one after).
     *
     * @param expected the epoch the caller read
     * @param next the epoch to take, greater than {@code expected}
     * @return true if this call moved the epoch, false if it was not {@code expected}
     * @throws IllegalArgumentException if {@code next} is not greater than {@code expected}
     */
    boolean advanceEpoch(Epoch expected, Epoch next);

    /**
     * Leaves the cluster: releases a held lease, removes the node from the members and closes the
     * connection. Never throws; what cannot be removed is forgotten by the service after
     * {@link #failureTimeout()}.
     */
    @Override
    void close();
}
