package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/**
 * The test kit's robustness contract against live PostgreSQL servers: cancellation, bad settings, and the secrets
 * group against a real secret setting ({@code postgres.password}, given a value the servers refuse or ignore).
 */
@ExtendWith(SharedServers.class)
class PostgresRobustnessTest extends RobustnessContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return SharedServers.fixture();
    }
}
