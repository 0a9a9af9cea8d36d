package org.resilient.zookeeper;

import java.time.Duration;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;

/**
 * The settings of the zookeeper coordinator.
 *
 * @param connect the ensemble, {@code host:port,host:port,...}
 * @param basePath the root of this cluster's nodes, e.g. {@code /resilient}
 * @param sessionTimeout the ZooKeeper session timeout asked for (the ensemble may round it)
 * @param connectionTimeout how long an operation waits for a connection before it fails
 * @param heartbeatInterval how often the node heartbeats (checks its membership and lease)
 */
record ZooKeeperOptions(String connect, String basePath, Duration sessionTimeout, Duration connectionTimeout,
                        Duration heartbeatInterval) {

    /** Default session timeout: a dead leader's lease is freed 4 to 6 s after its last ping (see README). */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final String BASE_PATH = "/resilient";

    ZooKeeperOptions {
        if (!basePath.matches("(/[A-Za-z0-9][A-Za-z0-9._-]*)+")) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "zookeeper.base-path '" + basePath
                    + "' is not an absolute ZooKeeper path of letters, digits, '.', '_' and '-'; e.g. /resilient/prod");
        }
        for (Duration d : new Duration[] {sessionTimeout, connectionTimeout, heartbeatInterval}) {
            if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "zookeeper.session-timeout, connection-timeout "
                        + "and heartbeat-interval must be positive durations, e.g. 4s");
            }
        }
    }

    static ZooKeeperOptions from(Settings s) {
        return new ZooKeeperOptions(ZooKeeperCoordinatorProvider.required(ZooKeeperCoordinatorProvider.CONNECT, s).trim(),
                ZooKeeperCoordinatorProvider.BASE_PATH.get(s).trim(), ZooKeeperCoordinatorProvider.SESSION_TIMEOUT.get(s),
                ZooKeeperCoordinatorProvider.CONNECTION_TIMEOUT.get(s), ZooKeeperCoordinatorProvider.HEARTBEAT_INTERVAL.get(s));
    }

    /** The base path as a Curator namespace (no leading slash). */
    String namespace() {
        return basePath.substring(1);
    }
}
