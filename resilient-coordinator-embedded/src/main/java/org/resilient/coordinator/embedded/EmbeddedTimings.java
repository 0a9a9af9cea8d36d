package org.resilient.coordinator.embedded;

import java.time.Duration;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;

/**
 * The times of the embedded coordinator.
 *
 * @param ttl how long a membership or a lease lives after its last heartbeat
 * @param heartbeatInterval how often nodes heartbeat
 * @param margin how long before its lease expires the holder stops exporting
 */
record EmbeddedTimings(Duration ttl, Duration heartbeatInterval, Duration margin) {

    /** The defaults: see the module's README for why they give a median failover under 10 s. */
    static final EmbeddedTimings DEFAULT = new EmbeddedTimings(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofSeconds(1));

    EmbeddedTimings {
        if (ttl.isNegative() || ttl.isZero() || heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                || margin.isNegative()) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "embedded.lease-ttl and embedded.heartbeat-interval "
                    + "must be positive and embedded.lease-margin not negative");
        }
        if (heartbeatInterval.plus(margin).compareTo(ttl) >= 0) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "embedded.heartbeat-interval (" + heartbeatInterval
                    + ") plus embedded.lease-margin (" + margin + ") must be less than embedded.lease-ttl (" + ttl
                    + "), or the leader could not export between two renewals; e.g. 1s + 1s < 5s");
        }
    }
}
