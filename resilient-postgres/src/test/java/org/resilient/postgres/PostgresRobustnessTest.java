package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;
import org.resilient.testservers.PostgresServer;

/**
 * The test kit's robustness contract against live PostgreSQL servers: cancellation, bad settings, and the secrets
 * group against a real secret setting ({@code postgres.password}, given a value the servers refuse or ignore).
 */
class PostgresRobustnessTest extends RobustnessContract {
    @RegisterExtension
    static final PostgresServer LIVE = PostgresServer.shared("live");
    @RegisterExtension
    static final PostgresServer STANDBY = PostgresServer.shared("standby");

    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new PostgresFixture(LIVE, STANDBY);
    }
}
