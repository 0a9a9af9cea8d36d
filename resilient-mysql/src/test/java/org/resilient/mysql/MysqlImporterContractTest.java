package org.resilient.mysql;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;
import org.resilient.testservers.MariaDbServer;

/** The importer contract kit against real MariaDB servers (one source and one standby for the class). */
class MysqlImporterContractTest extends ImporterContract {
    @RegisterExtension
    static MariaDbServer source = MariaDbServer.shared("source");
    @RegisterExtension
    static MariaDbServer standby = MariaDbServer.shared("standby");

    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new MysqlFixture(source, standby);
    }
}
