package org.resilient.coordinator.embedded;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.resilient.api.SettingSpec;
import org.resilient.api.SettingSpec.Type;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.CoordinatorProvider;

/**
 * The {@code embedded} coordinator: the node processes of ONE machine coordinate through a shared directory
 * ({@code embedded.dir}) with file locks. For the demo, the examples, tests and single-machine setups; use
 * {@code zookeeper} for nodes on several machines.
 */
public final class EmbeddedCoordinatorProvider implements CoordinatorProvider {
    private static final List<SettingSpec> SETTINGS = List.of(
            SettingSpec.required("embedded.dir", Type.PATH,
                    "the coordination directory, the same for every node of the machine (local disk, not NFS)"),
            SettingSpec.optional("embedded.lease-ttl", Type.DURATION, "5s",
                    "how long a membership or leader lease lives after its last heartbeat: failure detection time"),
            SettingSpec.optional("embedded.heartbeat-interval", Type.DURATION, "1s",
                    "how often a node renews its membership and lease"),
            SettingSpec.optional("embedded.lease-margin", Type.DURATION, "1s",
                    "how long before its lease expires a leader stops exporting"));

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
        EmbeddedTimings d = EmbeddedTimings.DEFAULT;
        EmbeddedTimings timings = new EmbeddedTimings(settings.duration("embedded.lease-ttl", d.ttl()),
                settings.duration("embedded.heartbeat-interval", d.heartbeatInterval()),
                settings.duration("embedded.lease-margin", d.margin()));
        Path dir = settings.path("embedded.dir", null);
        if (dir == null) {
            settings.required("embedded.dir");
        }
        return new EmbeddedCoordinator(dir, settings.required("node.name"), clock, timings);
    }
}
