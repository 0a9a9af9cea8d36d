package org.resilient.https;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.resilient.testkit.TransportContract;
import org.resilient.testkit.TransportFixture;

@DisplayName("https transport: transport contract (TLS 1.3, mutual authentication, nodes on loopback)")
class HttpsTransportContractTest extends TransportContract {
    @Override
    protected TransportFixture createFixture(Path tempDir) {
        return new HttpsNodes(tempDir);
    }
}
