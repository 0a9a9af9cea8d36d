package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The test kit's importer contract, against a live and a standby PostgreSQL server. */
@ExtendWith(SharedServers.class)
class PostgresImporterContractTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return SharedServers.fixture();
    }
}
