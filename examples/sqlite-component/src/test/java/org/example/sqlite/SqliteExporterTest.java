package org.example.sqlite;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;

/** The whole exporter contract of the kit, run against the sqlite component. */
class SqliteExporterTest extends ExporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new SqliteFixture(tempDir);
    }
}
