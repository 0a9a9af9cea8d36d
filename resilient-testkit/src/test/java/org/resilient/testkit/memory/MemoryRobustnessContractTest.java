package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.resilient.testkit.ComponentFixture;
import org.resilient.testkit.RobustnessContract;

/**
 * The robustness contract against the memory component: its cancellation tests run; it holds its data in the heap by
 * design, has one setting and no secret, so the large-data, settings and secrets tests are skipped, saying so.
 */
class MemoryRobustnessContractTest extends RobustnessContract {
    @Override
    protected ComponentFixture createFixture(Path tempDir) {
        return new MemoryComponentFixture();
    }
}
