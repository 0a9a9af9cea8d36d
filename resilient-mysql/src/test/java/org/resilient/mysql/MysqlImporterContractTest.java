package org.resilient.mysql;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The importer contract kit against real MariaDB servers (one source and one standby for the class). */
@ExtendWith(SharedServers.class)
class MysqlImporterContractTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return SharedServers.fixture();
    }
}
