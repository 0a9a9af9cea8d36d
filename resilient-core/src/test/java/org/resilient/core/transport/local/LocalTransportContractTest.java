package org.resilient.core.transport.local;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFixture;

@DisplayName("file transport: transport contract")
class LocalTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture(Path tempDir) {
        return new LocalTransportFixture(tempDir);
    }
}
