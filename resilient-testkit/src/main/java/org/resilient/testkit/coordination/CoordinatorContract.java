package org.resilient.testkit.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.BackupId;
import org.resilient.api.BackupRef;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ImportInProgress;
import org.resilient.api.MemberState;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;

/**
 * The contract of a {@link Coordinator}: members see each other's published states and forget silent
 * nodes; at most one node holds the leader lease, and a holder cut off from the service stops being allowed
 * to export before any other node can take it; the epoch moves only by compare-and-set, with exactly one
 * winner among racing candidates. A coordinator's whole test extends this class and implements the
 * {@link CoordinatorFixture} methods (how to open coordinators of one cluster, how time passes, how to inject
 * faults):
 * <pre>
 * class MyCoordinatorTest extends CoordinatorContract {
 *     protected Coordinator openCoordinator(String node) { return new MyProvider().open(settingsFor(node), clock); }
 *     protected Clock clock() { return clock; }
 *     protected void pause() { clock.advance(Duration.ofMillis(250)); }
 * }
 * </pre>
 *
 * <p>Waiting is polling with a deadline on the fixture's clock, never sleeping for an event; every poll
 * heartbeats the nodes that are not cut off, as their daemons would.
 */
@DisplayName("Coordinator contract")
@org.junit.jupiter.api.Timeout(120)
public abstract class CoordinatorContract extends CoordinatorBoundsContract {

    /** A state with every field set, so a lossy wire form fails the round trip. */
    protected MemberState fullState(String name) {
        Instant t = clock().instant();
        BackupRef good = new BackupRef(BackupId.of(t.minusSeconds(120), "db0"), new Epoch(2), 41, t.minusSeconds(120));
        BackupRef next = new BackupRef(BackupId.of(t.minusSeconds(60), "db0"), new Epoch(2), 42, t.minusSeconds(60));
        return new MemberState(name, NodeRole.IMPORT, new Epoch(2), good, new ImportInProgress(next, t.minusSeconds(5)),
                7, true, t);
    }

    /**
     * Opens a node and joins it with {@link #fullState}.
     *
     * @param name the node's name
     * @return its coordinator
     */
    private Coordinator joinedWithFullState(String name) {
        Coordinator c = open(name);
        c.join(fullState(name));
        return c;
    }

    /** Nodes a and b, joined; a holds the lease, and {@code lost} counts what its listener was told. */
    private record Held(Coordinator a, Coordinator b, Lease lease, AtomicInteger lost) {}

    private Held aHoldsTheLease() {
        Coordinator a = joined("a");
        Coordinator b = joined("b");
        AtomicInteger lost = new AtomicInteger();
        return new Held(a, b, a.tryAcquireLease(r -> lost.incrementAndGet()).orElseThrow(), lost);
    }

    /** Membership and published states. */
    @Nested
    @DisplayName("Membership")
    class Membership {
        @Test
        @DisplayName("joined nodes read each other's states, every field intact")
        void joinedNodesSeeEachOther() {
            MemberState sa = fullState("a");
            MemberState sb = MemberState.of("b", NodeRole.EXPORT, new Epoch(2), clock().instant());
            Coordinator a = open("a");
            Coordinator b = open("b");
            a.join(sa);
            b.join(sb);
            assertEquals(List.of(sa, sb), a.members());
            assertEquals(List.of(sa, sb), b.members());
        }

        @Test
        @DisplayName("a published state replaces the old one for every reader")
        void publishReplaces() {
            Coordinator a = joinedWithFullState("a");
            Coordinator b = joinedWithFullState("b");
            MemberState promoted = fullState("a").withRole(NodeRole.EXPORT, new Epoch(3)).withImportInProgress(null);
            a.publish(promoted);
            assertEquals(promoted, b.members().get(0));
        }

        @Test
        @DisplayName("a node that closes leaves at once")
        void closeLeaves() {
            Coordinator a = joinedWithFullState("a");
            Coordinator b = joinedWithFullState("b");
            b.close();
            assertEquals(List.of("a"), names(a.members()));
        }

        @Test
        @DisplayName("a node that falls silent is forgotten after the failure timeout")
        void silentNodeForgotten() {
            Coordinator a = joinedWithFullState("a");
            Coordinator b = joinedWithFullState("b");
            cutOff(b);
            await("b to leave the members", () -> names(a.members()).equals(List.of("a")));
        }

        @Test
        @DisplayName("a second live process cannot join under a name already taken")
        void duplicateNameRefused() {
            Coordinator a = open("a");
            a.join(fullState("a"));
            Coordinator twin = open("a");
            ResilienceException e = assertThrows(ResilienceException.class, () -> twin.join(fullState("a")));
            assertEquals(ErrorCode.WRONG_STATE, e.code());
            assertTrue(e.getMessage().contains("node.name"), e.getMessage());
        }

        @Test
        @DisplayName("a state of another node is refused, and publishing before joining is refused")
        void wrongStatesRefused() {
            Coordinator a = open("a");
            assertThrows(IllegalArgumentException.class, () -> a.join(fullState("b")));
            ResilienceException e = assertThrows(ResilienceException.class, () -> a.publish(fullState("a")));
            assertEquals(ErrorCode.WRONG_STATE, e.code());
        }
    }

    /** The leader lease in normal operation. */
    @Nested
    @DisplayName("Leader lease")
    class LeaderLease {
        @Test
        @DisplayName("released, it stops its holder from exporting and another node can take it at once")
        void release() {
            Held h = aHoldsTheLease();
            h.lease().release();
            assertFalse(h.lease().mayExport());
            assertTrue(h.b().tryAcquireLease().isPresent(), "the released lease could not be taken");
            assertEquals(Optional.of("b"), h.a().leaseHolder());
            assertEquals(0, h.lost().get(), "a release is not a loss");
        }

        @Test
        @DisplayName("one node holds it; the others are refused and see who holds it")
        void oneHolder() {
            Coordinator a = joined("a");
            Coordinator b = joined("b");
            Lease lease = a.tryAcquireLease().orElseThrow(() -> new AssertionError("a free lease was refused"));
            assertEquals("a", lease.holder());
            assertTrue(lease.mayExport());
            assertEquals(Optional.empty(), b.tryAcquireLease());
            assertEquals(Optional.of("a"), b.leaseHolder());
        }

        @Test
        @DisplayName("closing the holder frees the lease at once")
        void closeFrees() {
            Held h = aHoldsTheLease();
            h.a().close();
            assertFalse(h.lease().mayExport());
            assertTrue(h.b().tryAcquireLease().isPresent());
        }

        @Test
        @DisplayName("heartbeats keep it for longer than the failure timeout")
        void heartbeatsKeepIt() {
            Coordinator a = joined("a");
            Coordinator b = joined("b");
            Lease lease = a.tryAcquireLease().orElseThrow();
            Instant until = clock().instant().plus(a.failureTimeout().multipliedBy(2));
            await("two failure timeouts to pass", () -> {
                assertTrue(lease.mayExport(), "the holder lost a lease it kept renewing");
                assertEquals(Optional.empty(), b.tryAcquireLease(), "b took a lease that a kept renewing");
                return !clock().instant().isBefore(until);
            });
            assertTrue(lease.renew());
        }
    }

    /** The lease and membership when a node or the service fails. */
    @Nested
    @DisplayName("Faults")
    class Faults {
        @Test
        @DisplayName("a leader cut off from the service may not export before another node can take the lease")
        void cutOffLeaderStopsFirst() {
            Held h = aHoldsTheLease();
            cutOff(h.a());
            List<Lease> taken = new ArrayList<>();
            await("b to take the lease of the cut-off leader", () -> {
                boolean exporting = h.lease().mayExport();
                Optional<Lease> got = tryAcquire(h.b());
                if (got.isPresent()) {
                    assertFalse(exporting || h.lease().mayExport(), "a could still export while b took the lease");
                    taken.add(got.get());
                }
                return got.isPresent();
            });
            assertTrue(taken.get(0).mayExport());
            await("the cut-off leader's listener to be told", () -> h.lost().get() > 0);
            assertEquals(1, h.lost().get(), "the listener is told once");
        }

        @Test
        @DisplayName("after its session expired, the old leader never gets its lease back by reconnecting")
        void expiredSession() {
            Held h = aHoldsTheLease();
            expireSession(h.a());
            await("a to notice it lost the lease", () -> !h.lease().mayExport());
            await("b to take the lease", () -> tryAcquire(h.b()).isPresent());
            await("a to join again", () -> names(h.b().members()).contains("a"));
            assertFalse(h.lease().renew());
            assertFalse(h.lease().mayExport());
            assertEquals(Optional.empty(), tryAcquire(h.a()));
            assertEquals(1, h.lost().get());
        }

        @Test
        @DisplayName("when the server a leader talks to dies, it stops exporting; nobody else can take the lease"
                + " while its session lives, and it takes the lease again explicitly")
        void serverKilled() {
            Held h = aHoldsTheLease();
            killServerOf(h.a());
            await("a to be told its lease is lost", () -> h.lost().get() == 1);
            assertFalse(h.lease().mayExport());
            await("a to be able to take the lease again", () -> tryAcquire(h.a()).isPresent());
            assertFalse(h.lease().mayExport(), "reconnecting gave the old lease back");
            assertEquals(Optional.empty(), h.b().tryAcquireLease());
        }
    }

    /** The epoch, the fencing token. */
    @Nested
    @DisplayName("Epoch")
    class EpochCas {
        @Test
        @DisplayName("starts at 0 and moves only from the expected value")
        void compareAndSet() {
            Coordinator a = joined("a");
            Coordinator b = joined("b");
            assertEquals(Epoch.INITIAL, a.epoch());
            assertTrue(a.advanceEpoch(Epoch.INITIAL, new Epoch(1)));
            assertEquals(new Epoch(1), b.epoch());
            assertFalse(b.advanceEpoch(Epoch.INITIAL, new Epoch(1)), "a stale compare-and-set succeeded");
            assertFalse(b.advanceEpoch(new Epoch(5), new Epoch(6)));
            assertTrue(b.advanceEpoch(new Epoch(1), new Epoch(3)));
            assertEquals(new Epoch(3), a.epoch());
            assertThrows(IllegalArgumentException.class, () -> a.advanceEpoch(new Epoch(3), new Epoch(3)));
        }

        @Test
        @DisplayName("among candidates racing from the same epoch exactly one wins, round after round")
        void racingCandidates() throws Exception {
            int racers = 6;
            int rounds = 15;
            List<Coordinator> nodes = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                nodes.add(open("racer" + i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                for (int round = 0; round < rounds; round++) {
                    CyclicBarrier start = new CyclicBarrier(racers);
                    Epoch from = new Epoch(round);
                    List<Future<Boolean>> results = new ArrayList<>();
                    for (Coordinator c : nodes) {
                        results.add(pool.submit(() -> {
                            start.await(30, TimeUnit.SECONDS);
                            return c.advanceEpoch(from, from.next());
                        }));
                    }
                    int winners = 0;
                    for (Future<Boolean> f : results) {
                        winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    assertEquals(1, winners, "winners of the race from epoch " + from);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(new Epoch(rounds), nodes.get(0).epoch());
        }

        @Test
        @DisplayName("survives every node closing")
        void survivesRestart() {
            Coordinator a = joined("a");
            assertTrue(a.advanceEpoch(Epoch.INITIAL, new Epoch(4)));
            a.close();
            assertEquals(new Epoch(4), open("b").epoch());
        }
    }
}
