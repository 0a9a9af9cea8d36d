package org.resilient.api.spi;

/**
 * Told when a {@link Lease} is lost, so a leader stops exporting (and demotes its component) at once
 * instead of at its next {@link Lease#mayExport()} check.
 */
@FunctionalInterface
public interface LeaseListener {

    /**
     * The lease is lost. Called at most once per lease, never for {@link Lease#release()}; must not block.
     *
     * @param reason why, e.g. "connection to ZooKeeper suspended"
     */
    void leaseLost(String reason);
}
