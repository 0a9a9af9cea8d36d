package org.resilient.zookeeper;

import java.time.Clock;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;

/**
 * The {@code zookeeper} coordinator: membership and the leader lease as ephemeral nodes of an Apache
 * ZooKeeper ensemble, the epoch as a node changed only by a versioned {@code setData}. For clusters whose
 * nodes run on several machines.
 */
public final class ZooKeeperCoordinatorProvider implements CoordinatorProvider {
    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.required("zookeeper.connect", Type.STRING,
                    "the ZooKeeper ensemble, host:port,host:port,... (three or five servers on separate machines)"),
            SettingSpec.optional("zookeeper.base-path", Type.STRING, ZooKeeperOptions.BASE_PATH,
                    "the root of this cluster's nodes in ZooKeeper; one per cluster"),
            SettingSpec.optional("zookeeper.session-timeout", Type.DURATION, "4s",
                    "how long after its last ping a node's session (membership, lease) expires: failure detection"),
            SettingSpec.optional("zookeeper.connection-timeout", Type.DURATION, "3s",
                    "how long an operation waits for a connection to the ensemble before it fails"),
            SettingSpec.optional("zookeeper.heartbeat-interval", Type.DURATION, "1s",
                    "how often a node checks its membership and lease"));

    /** Creates the provider (found by ServiceLoader). */
    public ZooKeeperCoordinatorProvider() {
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public String description() {
        return "coordination on an Apache ZooKeeper ensemble (through Curator), for nodes on several machines";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public Coordinator open(Settings settings, Clock clock) {
        return ZooKeeperCoordinator.connect(ZooKeeperOptions.from(settings), settings.required("node.name"), clock);
    }
}
