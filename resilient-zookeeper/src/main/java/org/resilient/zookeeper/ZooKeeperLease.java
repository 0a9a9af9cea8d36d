package org.resilient.zookeeper;

import org.resilient.api.ResilienceException;
import org.resilient.api.spi.AbstractLease;
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
final class ZooKeeperLease extends AbstractLease {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLease.class);

    private final ZooKeeperCoordinator owner;
    private final long session;
    private final long generation;

    ZooKeeperLease(ZooKeeperCoordinator owner, long session, long generation, LeaseListener listener) {
        super(owner.self(), listener);
        this.owner = owner;
        this.session = session;
        this.generation = generation;
    }

    @Override
    public boolean mayExport() {
        return valid() && owner.interruptions() == generation && owner.connected() && owner.sessionId() == session;
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
    protected void released() {
        owner.release(this, session);
    }

    @Override
    protected void ended(String reason) {
        LOG.warn("{} lost the leader lease: {}", owner.self(), reason);
        owner.forget(this);
    }

    @Override
    public String toString() {
        return "lease of " + holder() + " (session 0x" + Long.toHexString(session) + (valid() ? ")" : ", lost)");
    }
}
