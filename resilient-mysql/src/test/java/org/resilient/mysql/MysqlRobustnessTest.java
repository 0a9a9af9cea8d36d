package org.resilient.mysql;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;
import org.resilient.testservers.MariaDbServer;

/**
 * The test kit's robustness contract against real MariaDB servers: cancellation within the bound, large data
 * exported and imported without being held in the heap ({@link MysqlFixture#seedLarge}), bad settings, secrets.
 */
class MysqlRobustnessTest extends RobustnessContract {
    @RegisterExtension
    static MariaDbServer source = MariaDbServer.shared("source");
    @RegisterExtension
    static MariaDbServer standby = MariaDbServer.shared("standby");

    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new MysqlFixture(source, standby);
    }
}
