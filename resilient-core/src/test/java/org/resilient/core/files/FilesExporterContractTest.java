package org.resilient.core.files;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;

@DisplayName("files component: exporter contract")
class FilesExporterContractTest extends ExporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new FilesComponentFixture(tempDir);
    }
}
