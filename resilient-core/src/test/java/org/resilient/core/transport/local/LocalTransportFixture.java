package org.resilient.core.transport.local;

import java.net.URI;
import java.nio.file.Path;
import org.resilient.api.NodeLayout;
import org.resilient.api.Settings;
import org.resilient.api.spi.Transport;
import org.resilient.testkit.NodeDirectoryFixture;

/**
 * Node directories in the test's temporary directory for the {@code file} transport (a node's URI is its
 * directory).
 */
final class LocalTransportFixture extends NodeDirectoryFixture {
    private final Path dir;

    LocalTransportFixture(Path dir) {
        this.dir = dir;
    }

    @Override
    protected NodeLayout layout(URI node) {
        return new NodeLayout(Path.of(node));
    }

    @Override
    public URI node(String name) {
        return new NodeLayout(dir.resolve(name)).create().root().toUri();
    }

    @Override
    public URI absentNode(String name) {
        return dir.resolve("absent-" + name).toUri();
    }

    @Override
    public Transport open(URI self) {
        return new LocalTransportProvider().open(self, Settings.empty());
    }

    @Override
    public void close() {
    }
}
