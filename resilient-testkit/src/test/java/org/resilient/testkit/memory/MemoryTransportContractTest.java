package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFixture;

class MemoryTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture(Path tempDir) {
        return new MemoryTransportFixture();
    }
}
