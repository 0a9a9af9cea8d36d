package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ImporterContract;

class MemoryImporterContractTest extends ImporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new MemoryComponentFixture();
    }
}
