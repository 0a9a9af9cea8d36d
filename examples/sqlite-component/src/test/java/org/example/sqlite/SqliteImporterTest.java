package org.example.sqlite;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The whole importer contract of the kit (atomic import, read-only standby, promotion), against sqlite. */
class SqliteImporterTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new SqliteFixture(tempDir);
    }
}
