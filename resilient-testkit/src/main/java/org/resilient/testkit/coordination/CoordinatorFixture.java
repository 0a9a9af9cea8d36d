package org.resilient.testkit.coordination;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;

/**
 * What {@link CoordinatorContract} needs from a coordinator under test: coordinators of one cluster (a fresh
 * cluster for every test), how time passes between two polls, and how to inject faults. Also the kit's
 * helpers: polling with a deadline, and closing every coordinator a test opened.
 */
public abstract class CoordinatorFixture {
    private final List<Coordinator> opened = new CopyOnWriteArrayList<>();
    private final Set<Coordinator> silenced = ConcurrentHashMap.newKeySet();

    /**
     * Opens a coordinator for one node of this test's cluster (not joined yet).
     *
     * @param node the node's name
     * @return the open coordinator
     */
    protected abstract Coordinator openCoordinator(String node);

    /**
     * The clock every coordinator of the cluster reads.
     *
     * @return the clock
     */
    protected abstract Clock clock();

    /**
     * Lets a little time pass between two polls: a manual clock advances (e.g. by a quarter of the heartbeat
     * interval), a real one sleeps briefly. Polling, not waiting for an event.
     */
    protected abstract void pause();

    /**
     * Cuts a node off from the coordination service while its process keeps running, as a network partition
     * or a paused process would. The default stops heartbeating it, which is all a coordinator without
     * connections can notice; coordinators with connections also cut them (without closing them cleanly).
     *
     * @param c the node's coordinator
     */
    protected void cutOff(Coordinator c) {
        silenced.add(c);
    }

    /**
     * Ends a {@link #cutOff}: the node reaches the service and heartbeats again.
     *
     * @param c the node's coordinator
     */
    protected void reconnect(Coordinator c) {
        silenced.remove(c);
    }

    /**
     * Makes the service forget a node's session now, then lets the node reconnect. The default cuts it off,
     * waits until the service forgets it, and reconnects it.
     *
     * @param c the node's coordinator
     */
    protected void expireSession(Coordinator c) {
        cutOff(c);
        await(c.self() + " to be forgotten", () -> c.members().stream().noneMatch(m -> m.name().equals(c.self())));
        reconnect(c);
    }

    /**
     * Kills the coordination server a node is talking to, while the service as a whole survives (another
     * server of the ensemble takes over). The default skips the test: the coordinator has no servers.
     *
     * @param c the node's coordinator
     */
    protected void killServerOf(Coordinator c) {
        Assumptions.abort("this coordinator has no servers to kill");
    }

    /**
     * How long {@link #await} polls, in the fixture's clock time.
     *
     * @return 60 seconds unless overridden
     */
    protected Duration awaitTimeout() {
        return Duration.ofSeconds(60);
    }

    /**
     * Opens a coordinator and remembers it, to be closed after the test.
     *
     * @param node the node's name
     * @return the open coordinator
     */
    protected final Coordinator open(String node) {
        Coordinator c = openCoordinator(node);
        opened.add(c);
        return c;
    }

    /**
     * Opens a coordinator and joins as a healthy import node.
     *
     * @param node the node's name
     * @return the joined coordinator
     */
    protected final Coordinator joined(String node) {
        Coordinator c = open(node);
        c.join(MemberState.of(node, NodeRole.IMPORT, org.resilient.api.Epoch.INITIAL, clock().instant()));
        return c;
    }

    /**
     * Polls a condition until it holds, heartbeating every node that is not cut off before each poll.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition; an assertion error inside it fails the test at once
     */
    protected final void await(String what, BooleanSupplier condition) {
        Instant deadline = clock().instant().plus(awaitTimeout());
        while (true) {
            heartbeatLiveNodes();
            if (condition.getAsBoolean()) {
                return;
            }
            if (!clock().instant().isBefore(deadline)) {
                fail("gave up waiting for " + what + " after " + awaitTimeout());
            }
            pause();
        }
    }

    /**
     * Tries to take the lease, counting an unreachable service as "not taken".
     *
     * @param c the coordinator
     * @return the lease, or empty
     */
    protected static Optional<Lease> tryAcquire(Coordinator c) {
        try {
            return c.tryAcquireLease();
        } catch (ResilienceException e) {
            if (e.code() != ErrorCode.UNREACHABLE) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /**
     * The names of member states.
     *
     * @param members the states
     * @return their names, in order
     */
    protected static List<String> names(List<MemberState> members) {
        return members.stream().map(MemberState::name).toList();
    }

    /** Closes every coordinator the test opened. */
    @AfterEach
    protected void closeCoordinators() {
        for (Coordinator c : opened) {
            c.close();
        }
        opened.clear();
        silenced.clear();
    }

    private void heartbeatLiveNodes() {
        for (Coordinator c : opened) {
            if (silenced.contains(c)) {
                continue;
            }
            try {
                c.heartbeat();
            } catch (ResilienceException e) {
                // A closed node, or one that cannot reach the service right now: its daemon would retry too.
                if (e.code() != ErrorCode.UNREACHABLE && e.code() != ErrorCode.WRONG_STATE) {
                    throw e;
                }
            }
        }
    }
}
