package org.resilient.api.spi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bookkeeping every {@link Lease} of a coordinator needs, so each coordinator writes only how it checks and
 * renews its lease: the holder's name, the listeners, and the end of the lease, which happens once, by
 * {@link #release()} or by {@link #lost(String)}, whichever comes first. A lost lease tells every listener (a
 * failing listener does not keep the others from hearing); a released one tells none, as {@link LeaseListener}
 * promises.
 */
public abstract class AbstractLease implements Lease {
    private static final System.Logger LOG = System.getLogger(AbstractLease.class.getName());

    private final String holder;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean valid = new AtomicBoolean(true);

    /**
     * Starts a valid lease.
     *
     * @param holder the holder's node name
     * @param listener told if the lease is lost
     */
    protected AbstractLease(String holder, LeaseListener listener) {
        this.holder = holder;
        listeners.add(listener);
    }

    @Override
    public final String holder() {
        return holder;
    }

    /**
     * Whether the lease has neither been lost nor released. Part of {@link #mayExport()}, which also checks what
     * the coordinator knows (a deadline, a connection).
     *
     * @return true until the lease ended
     */
    protected final boolean valid() {
        return valid.get();
    }

    /**
     * Adds a listener, for a second acquirer of a lease this node already holds.
     *
     * @param listener told if the lease is lost
     */
    public final void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    @Override
    public final void release() {
        if (valid.compareAndSet(true, false)) {
            released();
        }
    }

    /**
     * Marks the lease lost and tells the listeners; does nothing if it had already ended.
     *
     * @param reason why, for the listeners and the log
     */
    public final void lost(String reason) {
        if (!valid.compareAndSet(true, false)) {
            return;
        }
        ended(reason);
        for (LeaseListener l : listeners) {
            try {
                l.leaseLost(reason);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a listener of the lease of " + holder + " failed", e);
            }
        }
    }

    /** Gives the lease up with the coordination service; called once, when {@link #release()} ends the lease. */
    protected abstract void released();

    /**
     * Called once when the lease is lost, before the listeners are told: the coordinator forgets the lease.
     *
     * @param reason why it was lost
     */
    protected abstract void ended(String reason);
}
