package org.resilient.testkit.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.resilient.api.Epoch;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;

/**
 * The bounds of the {@link CoordinatorContract}: a campaign (join, take the lease, take the next epoch) on a thread
 * that is interrupted, the only way the SPI has to cancel it, ends within {@link #cancellationBound()} and leaves no
 * half-taken lease or epoch behind: the node's retry wins, and no other node can take the lease meanwhile. Extend
 * {@link CoordinatorContract}.
 */
public abstract class CoordinatorBoundsContract extends CoordinatorFixture implements org.resilient.testkit.Bounds {


    /** Campaigns whose thread is interrupted. */
    @Nested
    @DisplayName("An interrupted campaign")
    class Interrupted {
        @Test
        @DisplayName("(take the lease, then the next epoch) ends within the bound, and the node's retry takes both, no other node can")
        void campaignInterrupted() {
            Coordinator a = joined("a");
            Coordinator b = joined("b");
            Epoch before = b.epoch();
            Throwable failure = interrupted("a campaign of node a", () -> {
                Optional<Lease> lease = a.tryAcquireLease();
                lease.ifPresent(l -> a.advanceEpoch(before, before.next()));
            });
            Optional<String> holder = b.leaseHolder();
            assertTrue(holder.isEmpty() || holder.get().equals("a"), () -> subject() + ": after an interrupted campaign"
                    + " of node a the lease is held by " + holder.get());
            Epoch now = b.epoch();
            assertTrue(now.equals(before) || now.equals(before.next()), () -> subject() + ": after an interrupted campaign"
                    + " the epoch is " + now + ", neither " + before + " nor the next");
            // The retry of the same campaign, not interrupted, must win: nothing half-taken is in its way.
            Optional<Lease> lease = a.tryAcquireLease();
            assertTrue(lease.isPresent() && lease.get().mayExport(), () -> subject() + ": after a campaign interrupted"
                    + " with " + failure + ", node a cannot take the lease again (held by " + b.leaseHolder()
                    + "): an interrupted acquire left a lease its node cannot use");
            assertFalse(tryAcquire(b).isPresent(), () -> subject() + ": node b took the lease node a holds");
            assertTrue(a.advanceEpoch(a.epoch(), a.epoch().next()), () -> subject() + ": node a cannot take the next epoch"
                    + " after an interrupted campaign");
            assertEquals(List.of("a", "b"), names(b.members()), () -> subject() + ": members after the retry");
        }

        @Test
        @DisplayName("heartbeat of the lease holder ends within the bound, and the lease is still valid or told lost")
        void heartbeatInterrupted() {
            Coordinator a = joined("a");
            AtomicReference<String> lost = new AtomicReference<>();
            Lease lease = a.tryAcquireLease(lost::set).orElseThrow(() -> new AssertionError(subject()
                    + ": a single node could not take the free lease"));
            interrupted("a heartbeat of node a", a::heartbeat);
            boolean held = lease.renew();
            assertEquals(held, lease.mayExport(), () -> subject() + ": after an interrupted heartbeat renew() says "
                    + held + " but mayExport() does not agree");
            assertTrue(held || lost.get() != null, () -> subject() + ": an interrupted heartbeat lost the lease without"
                    + " telling its listener");
        }
    }

    /**
     * Runs an action on a thread of its own that is interrupted before it starts (so every blocking wait inside it
     * sees the interrupt), and fails unless it returns or throws a ResilienceException within the bound.
     *
     * @return what it threw, or null
     */
    private Throwable interrupted(String what, Runnable action) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                action.run();
            } catch (Throwable e) { // judged below
                failure.set(e);
            }
        }, "kit-interrupted-campaign");
        t.setDaemon(true);
        long start = System.nanoTime();
        t.start();
        try {
            t.join(cancellationBound().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
        if (t.isAlive()) {
            fail(subject() + ": " + what + " went on for more than " + cancellationBound().toMillis() + " ms after its"
                    + " thread was interrupted; let blocking calls to the service see interrupts");
        }
        Throwable f = failure.get();
        if (f != null && !(f instanceof ResilienceException)) {
            fail(subject() + ": " + what + " interrupted threw " + f + " instead of a ResilienceException");
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took <= cancellationBound().toMillis(), () -> what + " took " + took + " ms");
        return f;
    }

    /** Names the coordinator under test for failure messages. */
    private String subject() {
        return "the coordinator of " + getClass().getSimpleName();
    }
}
