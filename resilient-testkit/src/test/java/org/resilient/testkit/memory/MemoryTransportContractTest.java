package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFixture;

@DisplayName("mem transport, nodes in memory")
class MemoryTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture(Path tempDir) {
        return new MemoryTransportFixture(null);
    }
}
