package org.resilient.coordinator.embedded;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.resilient.api.spi.Lease;
import org.resilient.api.spi.LeaseListener;

/**
 * The lease as its holder sees it: valid until a local deadline, a margin before the expiry written in the
 * lease file. No other process takes the lease before that expiry, so answering from the deadline alone is
 * safe and needs no file access; the margin covers the time between the check and the export starting.
 */
final class EmbeddedLease implements Lease {
    private final EmbeddedCoordinator owner;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant deadline;
    private volatile boolean valid = true;

    EmbeddedLease(EmbeddedCoordinator owner, Instant deadline, LeaseListener listener) {
        this.owner = owner;
        this.deadline = deadline;
        listeners.add(listener);
    }

    @Override
    public String holder() {
        return owner.self();
    }

    @Override
    public boolean mayExport() {
        if (!valid) {
            return false;
        }
        if (!owner.clock().instant().isBefore(deadline)) {
            lost("the lease was not renewed in time (its deadline " + deadline + " passed)");
            return false;
        }
        return true;
    }

    @Override
    public boolean renew() {
        return mayExport() && owner.renew(this);
    }

    @Override
    public void release() {
        if (valid) {
            valid = false;
            owner.release(this);
        }
    }

    boolean valid() {
        return valid;
    }

    void extend(Instant newDeadline) {
        deadline = newDeadline;
    }

    void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    /** Marks the lease lost (once) and tells the listeners. */
    void lost(String reason) {
        synchronized (this) {
            if (!valid) {
                return;
            }
            valid = false;
        }
        owner.forget(this);
        for (LeaseListener l : listeners) {
            try {
                l.leaseLost(reason);
            } catch (RuntimeException e) {
                System.getLogger(EmbeddedLease.class.getName()).log(System.Logger.Level.WARNING,
                        "a lease listener failed: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "lease of " + holder() + (valid ? " until " + deadline : " (lost)");
    }
}
