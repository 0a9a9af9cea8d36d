package org.resilient.api.spi;

/**
 * The leader lease held by one node. At most one node holds it at a time as the coordination service sees
 * it; a holder that can no longer be sure of that (its heartbeats fail, its connection is suspended, its
 * lease expired or was taken) answers false to {@link #mayExport()} from that moment on, before any other
 * node can acquire the lease. A lost lease is never valid again: acquire a new one.
 */
public interface Lease {

    /**
     * The holder's node name.
     *
     * @return the name
     */
    String holder();

    /**
     * Whether the holder may still export: ask before every export and again before announcing it. Cheap
     * (no round trip to the service).
     *
     * @return false as soon as the lease can no longer be guaranteed, and forever after
     */
    boolean mayExport();

    /**
     * Renews the lease now (also done by {@link Coordinator#heartbeat()}) and checks with the service that
     * this node still holds it.
     *
     * @return true if it is still held; false if it was lost (then the listener has been told)
     */
    boolean renew();

    /**
     * Gives the lease up: {@link #mayExport()} is false from now on and another node can acquire it at once.
     * Never throws; a lease that cannot be removed expires with the holder's session.
     */
    void release();
}
