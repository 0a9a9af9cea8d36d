package org.resilient.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;
import org.resilient.testservers.PostgresServer;

/** The test kit's importer contract, against a live and a standby PostgreSQL server. */
class PostgresImporterContractTest extends ImporterContract {
    @RegisterExtension
    static final PostgresServer LIVE = PostgresServer.shared("live");
    @RegisterExtension
    static final PostgresServer STANDBY = PostgresServer.shared("standby");

    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new PostgresFixture(LIVE, STANDBY);
    }
}
