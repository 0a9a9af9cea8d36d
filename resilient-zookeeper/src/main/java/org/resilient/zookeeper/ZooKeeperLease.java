package org.resilient.zookeeper;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.Lease;
import org.resilient.api.spi.LeaseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease as its holder sees it: valid while the session that created the lease node is the current one,
 * connected, and not interrupted (SUSPENDED or LOST) since the lease was taken. {@link #mayExport()} reads
 * only local state, so it answers false the moment the client notices a broken connection, which ZooKeeper
 * arranges to be before the server expires the session (the client gives up after two thirds of the session
 * timeout without an answer).
 */
final class ZooKeeperLease implements Lease {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLease.class);

    private final ZooKeeperCoordinator owner;
    private final long session;
    private final long generation;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean valid = true;

    ZooKeeperLease(ZooKeeperCoordinator owner, long session, long generation, LeaseListener listener) {
        this.owner = owner;
        this.session = session;
        this.generation = generation;
        listeners.add(listener);
    }

    @Override
    public String holder() {
        return owner.self();
    }

    @Override
    public boolean mayExport() {
        return valid && owner.interruptions() == generation && owner.connected() && owner.sessionId() == session;
    }

    @Override
    public boolean renew() {
        if (!mayExport()) {
            lost("the connection to ZooKeeper was interrupted since the lease was taken");
            return false;
        }
        boolean owned;
        try {
            owned = owner.ownsLease(session);
        } catch (ResilienceException e) {
            lost("cannot check the lease with ZooKeeper: " + e.getMessage());
            return false;
        }
        if (!owned) {
            lost("the lease node no longer belongs to this node's session");
            return false;
        }
        return mayExport();
    }

    @Override
    public void release() {
        if (valid) {
            valid = false;
            owner.release(this, session);
        }
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
        LOG.warn("{} lost the leader lease: {}", owner.self(), reason);
        owner.forget(this);
        for (LeaseListener l : listeners) {
            try {
                l.leaseLost(reason);
            } catch (RuntimeException e) {
                LOG.warn("a lease listener failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "lease of " + holder() + " (session 0x" + Long.toHexString(session) + (valid ? ")" : ", lost)");
    }
}
