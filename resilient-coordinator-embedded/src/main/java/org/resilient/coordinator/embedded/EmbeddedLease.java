package org.resilient.coordinator.embedded;

import java.time.Instant;
import org.resilient.api.spi.AbstractLease;
import org.resilient.api.spi.LeaseListener;

/**
 * The lease as its holder sees it: valid until a local deadline, a margin before the expiry written in the
 * lease file. No other process takes the lease before that expiry, so answering from the deadline alone is
 * safe and needs no file access; the margin covers the time between the check and the export starting.
 */
final class EmbeddedLease extends AbstractLease {
    private final EmbeddedCoordinator owner;
    private volatile Instant deadline;

    EmbeddedLease(EmbeddedCoordinator owner, Instant deadline, LeaseListener listener) {
        super(owner.self(), listener);
        this.owner = owner;
        this.deadline = deadline;
    }

    @Override
    public boolean mayExport() {
        if (!valid()) {
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
    protected void released() {
        owner.release(this);
    }

    @Override
    protected void ended(String reason) {
        owner.forget(this);
    }

    void extend(Instant newDeadline) {
        deadline = newDeadline;
    }

    @Override
    public String toString() {
        return "lease of " + holder() + (valid() ? " until " + deadline : " (lost)");
    }
}
