package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.ExporterContract;

class MemoryExporterContractTest extends ExporterContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new MemoryComponentFixture();
    }
}
