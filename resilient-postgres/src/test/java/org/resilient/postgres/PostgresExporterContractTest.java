package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;

/** The test kit's exporter contract, against a live and a standby PostgreSQL server. */
@ExtendWith(SharedServers.class)
class PostgresExporterContractTest extends ExporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return SharedServers.fixture();
    }
}
