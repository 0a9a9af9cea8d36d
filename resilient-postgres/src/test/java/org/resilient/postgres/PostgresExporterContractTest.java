package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;
import org.resilient.testservers.PostgresServer;

/** The test kit's exporter contract, against a live and a standby PostgreSQL server. */
class PostgresExporterContractTest extends ExporterContract {
    @RegisterExtension
    static final PostgresServer LIVE = PostgresServer.shared("live");
    @RegisterExtension
    static final PostgresServer STANDBY = PostgresServer.shared("standby");

    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new PostgresFixture(LIVE, STANDBY);
    }
}
