package org.example.git;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;

/** The whole exporter contract of the kit, run against the git component. */
class GitExporterTest extends ExporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new GitFixture(tempDir);
    }
}
