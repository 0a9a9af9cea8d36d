package org.resilient.coordinator.embedded;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.testkit.coordination.CoordinatorContract;
import org.resilient.testkit.ManualClock;

/** The coordinator contract against the embedded coordinator, its time driven by a manual clock. */
class EmbeddedCoordinatorContractTest extends CoordinatorContract {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T16:00:00Z"));

    @Override
    protected Coordinator openCoordinator(String node) {
        return new EmbeddedCoordinatorProvider().open(Settings.of(Map.of("node.name", node,
                "embedded.dir", dir.resolve("coordination").toString())), clock);
    }

    @Override
    protected Clock clock() {
        return clock;
    }

    @Override
    protected void pause() {
        clock.advance(Duration.ofMillis(250));
    }
}
