package org.resilient.core.files;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

@DisplayName("files component: importer contract")
class FilesImporterContractTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new FilesComponentFixture(tempDir);
    }
}
