package org.example.git;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

/** The whole importer contract of the kit, run against the git component. */
class GitImporterTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new GitFixture(tempDir);
    }
}
