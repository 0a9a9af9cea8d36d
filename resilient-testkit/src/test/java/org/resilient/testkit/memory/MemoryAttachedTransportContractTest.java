package org.resilient.testkit.memory;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFixture;

@DisplayName("mem transport, nodes attached to node directories")
class MemoryAttachedTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture(Path tempDir) {
        return new MemoryTransportFixture(tempDir);
    }

    /** The nodes of the mem transport live in the heap: nothing to learn from the large-data tests. */
    @Override
    protected java.util.Set<org.resilient.testkit.TransportFeature> features() {
        return java.util.EnumSet.noneOf(org.resilient.testkit.TransportFeature.class);
    }
}
