package org.resilient.api.spi;

import java.util.Optional;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.ResilienceException;

/**
 * What every {@link Coordinator} checks the same way, so that all coordinators refuse the same misuse with the
 * same words: the node's own name, a state of another node, a closed coordinator, a publish before the join, an
 * epoch that does not move forward, and a second acquire by the holder of a live lease.
 */
public abstract class AbstractCoordinator implements Coordinator {
    private final String self;
    private volatile boolean closed;

    /**
     * Starts an open coordinator.
     *
     * @param self this node's name
     * @throws IllegalArgumentException if the name is not a valid node name
     */
    protected AbstractCoordinator(String self) {
        this.self = MemberState.checkName(self);
    }

    @Override
    public final String self() {
        return self;
    }

    /**
     * Whether {@link #close()} has finished.
     *
     * @return true once closed
     */
    protected final boolean closed() {
        return closed;
    }

    /** Marks the coordinator closed: every later call but {@code close} fails. */
    protected final void markClosed() {
        closed = true;
    }

    /**
     * Fails if the coordinator is closed.
     *
     * @throws ResilienceException {@code WRONG_STATE} if it is
     */
    protected final void checkOpen() {
        if (closed) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "the coordinator of " + self + " is closed");
        }
    }

    /**
     * Checks that a state given to {@link #join} is this node's, and that the coordinator is open.
     *
     * @param s the state
     * @throws IllegalArgumentException if it is another node's
     */
    protected final void checkJoin(MemberState s) {
        checkOpen();
        if (!s.name().equals(self)) {
            throw new IllegalArgumentException("state of node '" + s.name() + "' given to the coordinator of '" + self + "'");
        }
    }

    /**
     * Checks a state given to {@link #publish}: as {@link #checkJoin}, and the node must have joined.
     *
     * @param next the state to publish
     * @param joined the state last joined or published, or null if the node has not joined
     * @throws ResilienceException {@code WRONG_STATE} before the join
     */
    protected final void checkPublish(MemberState next, MemberState joined) {
        checkJoin(next);
        if (joined == null) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, self + " publishes a state before joining; call join first");
        }
    }

    /**
     * Checks the arguments of {@link #advanceEpoch} and that the coordinator is open.
     *
     * @param expected the epoch the caller read
     * @param next the epoch it wants
     * @throws IllegalArgumentException if {@code next} is not greater than {@code expected}
     */
    protected final void checkAdvance(Epoch expected, Epoch next) {
        checkOpen();
        if (!expected.isOlderThan(next)) {
            throw new IllegalArgumentException("the next epoch (" + next + ") must be greater than the expected one ("
                    + expected + ")");
        }
    }

    /**
     * The lease this node already holds, if it is still good: then the listener is added to it and it is the
     * answer to {@link #tryAcquireLease} without asking the service again.
     *
     * @param held the lease held, or null
     * @param listener the new acquirer's listener
     * @return the held lease, or empty if there is none or it can no longer export
     */
    protected static Optional<Lease> stillHeld(AbstractLease held, LeaseListener listener) {
        if (held != null && held.mayExport()) {
            held.addListener(listener);
            return Optional.of(held);
        }
        return Optional.empty();
    }
}
