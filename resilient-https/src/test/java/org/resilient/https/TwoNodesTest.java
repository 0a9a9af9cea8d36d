package org.resilient.https;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.Cancellation;
import org.resilient.api.OperationContext;
import org.resilient.api.spi.Transport;

/**
 * Two https nodes of one cluster for each test, {@code a} and {@code b}, with a transport open at each; closed
 * after the test.
 */
abstract class TwoNodesTest {
    @TempDir
    Path tmp;
    HttpsNodes nodes;
    URI a;
    URI b;
    Transport fromA;
    Transport atB;

    @BeforeEach
    void nodes() {
        nodes = new HttpsNodes(tmp.resolve("cluster"));
        a = nodes.node("a");
        b = nodes.node("b");
        fromA = nodes.open(a);
        atB = nodes.open(b);
    }

    @AfterEach
    void close() {
        fromA.close();
        atB.close();
        nodes.close();
    }

    /**
     * A context whose operation is cancelled once it reports {@code bytes} done: a transfer broken off part way.
     *
     * @param work the operation's work directory
     * @param bytes how far it gets
     * @return the context
     */
    static OperationContext cancelledAfter(Path work, long bytes) {
        Cancellation cancellation = Cancellation.create();
        return OperationContext.builder(work).cancellation(cancellation).progress(p -> {
            if (p.done() >= bytes) {
                cancellation.cancel();
            }
        }).build();
    }
}
