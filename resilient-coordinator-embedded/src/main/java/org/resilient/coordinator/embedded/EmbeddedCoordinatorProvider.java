package org.resilient.coordinator.embedded;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.time.Duration;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Setting;
import org.resilient.api.SettingSpec;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;

/**
 * The {@code embedded} coordinator: the node processes of ONE machine coordinate through a shared directory
 * ({@code embedded.dir}) with file locks. For the demo, the examples, tests and single-machine setups; use
 * {@code zookeeper} for nodes on several machines.
 */
public final class EmbeddedCoordinatorProvider implements CoordinatorProvider {
    private static final Setting<Path> DIR = Setting.path("embedded.dir", null,
            "the coordination directory, the same for every node of the machine (local disk, not NFS)").required();
    private static final Setting<Duration> TTL = Setting.duration("embedded.lease-ttl", "5s",
            "how long a membership or leader lease lives after its last heartbeat: failure detection time").positive();
    private static final Setting<Duration> HEARTBEAT = Setting.duration("embedded.heartbeat-interval", "1s",
            "how often a node renews its membership and lease").positive();
    private static final Setting<Duration> MARGIN = Setting.duration("embedded.lease-margin", "1s",
            "how long before its lease expires a leader stops exporting").positive();
    private static final Setting<String> NODE_NAME = Setting.string("node.name", null, "this node's name");
    private static final List<SettingSpec> SETTINGS = java.util.stream.Stream.of(DIR, TTL, HEARTBEAT, MARGIN)
            .map(Setting::spec).toList();

    /** Creates the provider (found by ServiceLoader). */
    public EmbeddedCoordinatorProvider() {
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public String description() {
        return "coordination through a shared directory with file locks, for the nodes of ONE machine only "
                + "(use zookeeper across machines)";
    }

    @Override
    public List<SettingSpec> settings() {
        return SETTINGS;
    }

    @Override
    public Coordinator open(Settings settings, Clock clock) {
        // Every bad value at once (found by the test kit's SettingsContract: it reported them one at a time).
        org.resilient.api.SettingSpec.validate(settings, SETTINGS, "embedded coordinator settings");
        EmbeddedTimings timings = new EmbeddedTimings(TTL.get(settings), HEARTBEAT.get(settings), MARGIN.get(settings));
        Path dir = DIR.get(settings);
        String name = NODE_NAME.get(settings);
        if (dir == null || name == null) {
            throw new ResilienceException(ErrorCode.CONFIG_INVALID, "missing setting '" + (dir == null ? "embedded.dir"
                    : "node.name") + "': the embedded coordinator needs the shared coordination directory and the node's name");
        }
        return new EmbeddedCoordinator(dir, name, clock, timings);
    }
}
