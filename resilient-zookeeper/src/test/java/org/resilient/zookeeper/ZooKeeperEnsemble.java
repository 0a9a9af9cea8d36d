package org.resilient.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real three-server ZooKeeper ensemble in this JVM (curator-test's {@link TestingCluster}) for the tests of one
 * class: started before the first test, closed after the last. Servers tick every 200 ms, so that sessions of 2 s
 * keep the fault tests short. Register it as a static {@code @RegisterExtension} field.
 */
final class ZooKeeperEnsemble implements BeforeAllCallback, AfterAllCallback {
    private TestingCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, 200, -1));
        }
        cluster = new TestingCluster(specs);
        cluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }

    /**
     * The running ensemble, to kill and restart its servers.
     *
     * @return the cluster
     */
    TestingCluster cluster() {
        return cluster;
    }

    /**
     * A proxy to each server, for one client alone, so that the client can be cut off from the ensemble without the
     * others (close them when done).
     *
     * @return one proxy per server
     */
    List<TcpProxy> proxies() {
        List<TcpProxy> mine = new ArrayList<>();
        try {
            for (InstanceSpec spec : cluster.getInstances()) {
                mine.add(new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), spec.getPort())));
            }
        } catch (IOException e) {
            mine.forEach(TcpProxy::close);
            throw new UncheckedIOException("cannot start a proxy to the ZooKeeper ensemble", e);
        }
        return mine;
    }

    /**
     * The {@code zookeeper.connect} value that reaches the ensemble through some proxies.
     *
     * @param proxies from {@link #proxies()}
     * @return {@code host:port,host:port,...}
     */
    static String connectString(List<TcpProxy> proxies) {
        return proxies.stream().map(TcpProxy::address).collect(Collectors.joining(","));
    }
}
