package org.resilient.zookeeper;

import java.time.Clock;
import java.util.List;
import java.time.Duration;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;

/**
 * The {@code zookeeper} coordinator: membership and the leader lease as ephemeral nodes of an Apache
 * ZooKeeper ensemble, the epoch as a node changed only by a versioned {@code setData}. For clusters whose
 * nodes run on several machines.
 */
public final class ZooKeeperCoordinatorProvider implements CoordinatorProvider {
    static final Setting<String> CONNECT = Setting.string("zookeeper.connect", null,
            "the ZooKeeper ensemble, host:port,host:port,... (three or five servers on separate machines)").required();
    static final Setting<String> BASE_PATH = Setting.string("zookeeper.base-path", "/resilient",
            "the root of this cluster's nodes in ZooKeeper; one per cluster");
    static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("zookeeper.session-timeout", "4s",
            "how long after its last ping a node's session (membership, lease) expires: failure detection").positive();
    static final Setting<Duration> CONNECTION_TIMEOUT = Setting.duration("zookeeper.connection-timeout", "3s",
            "how long an operation waits for a connection to the ensemble before it fails").positive();
    static final Setting<Duration> HEARTBEAT_INTERVAL = Setting.duration("zookeeper.heartbeat-interval", "1s",
            "how often a node checks its membership and lease").positive();
    private static final Setting<String> NODE_NAME = Setting.string("node.name", null, "this node's name");
    private static final List<SettingSpec> SETTINGS = java.util.stream.Stream.of(CONNECT, BASE_PATH, SESSION_TIMEOUT,
            CONNECTION_TIMEOUT, HEARTBEAT_INTERVAL).map(Setting::spec).toList();

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

    static <T> T required(Setting<T> setting, Settings settings) {
        T v = setting.get(settings);
        if (v == null) {
            throw new org.resilient.api.ResilienceException(org.resilient.api.ErrorCode.CONFIG_INVALID, "missing setting '"
                    + setting.spec().key() + "' (" + setting.spec().description() + ")");
        }
        return v;
    }

    @Override
    public Coordinator open(Settings settings, Clock clock) {
        // Every bad value at once (found by the test kit's SettingsContract: it reported them one at a time).
        SettingSpec.validate(settings, SETTINGS, "zookeeper coordinator settings");
        return ZooKeeperCoordinator.connect(ZooKeeperOptions.from(settings), required(NODE_NAME, settings), clock);
    }
}
