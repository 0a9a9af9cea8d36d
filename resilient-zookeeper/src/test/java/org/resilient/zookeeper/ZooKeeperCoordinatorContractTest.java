package org.resilient.zookeeper;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.resilient.api.Settings;
import org.resilient.api.spi.Coordinator;
import org.resilient.testkit.coordination.CoordinatorContract;

/**
 * The coordinator contract against real ZooKeeper: a three-server ensemble in this JVM (curator-test's
 * {@link TestingCluster}), each client reaching every server through its own {@link TcpProxy}, so one client
 * can be partitioned alone. Sessions of 2 s on servers ticking every 200 ms keep the fault tests short.
 */
class ZooKeeperCoordinatorContractTest extends CoordinatorContract {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    @RegisterExtension
    static final ZooKeeperEnsemble ENSEMBLE = new ZooKeeperEnsemble();

    private final String basePath = "/contract" + CLUSTERS.incrementAndGet();
    private final Map<Coordinator, List<TcpProxy>> proxies = new ConcurrentHashMap<>();
    private final List<InstanceSpec> killed = new ArrayList<>();

    @Override
    protected Coordinator openCoordinator(String node) {
        List<TcpProxy> mine = ENSEMBLE.proxies();
        Coordinator c = new ZooKeeperCoordinatorProvider().open(Settings.of(Map.of("node.name", node,
                "zookeeper.connect", ZooKeeperEnsemble.connectString(mine),
                "zookeeper.base-path", basePath, "zookeeper.session-timeout", "2s",
                "zookeeper.connection-timeout", "2s")), Clock.systemUTC());
        proxies.put(c, mine);
        return c;
    }

    @Override
    protected Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    protected void pause() {
        try {
            Thread.sleep(25); // a polling interval, not a wait for an event
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void cutOff(Coordinator c) {
        super.cutOff(c);
        proxies.get(c).forEach(TcpProxy::blackhole);
    }

    @Override
    protected void reconnect(Coordinator c) {
        proxies.get(c).forEach(TcpProxy::restore);
        super.reconnect(c);
    }

    /**
     * Expires the session on the servers, as ZooKeeper does when a client stays silent: the node is cut off
     * (so it cannot take its session back), a second handle on the same session closes it, and once the
     * servers have deleted its ephemeral nodes the node may reconnect, to learn its session expired.
     */
    @Override
    protected void expireSession(Coordinator c) {
        cutOff(c);
        try {
            ZooKeeper zk = ((ZooKeeperCoordinator) c).client().getZookeeperClient().getZooKeeper();
            ZooKeeper twin = new ZooKeeper(ENSEMBLE.cluster().getConnectString(), 2000, e -> { }, zk.getSessionId(),
                    zk.getSessionPasswd());
            try {
                await("a second handle on the session to connect", () -> twin.getState().isConnected());
            } finally {
                twin.close();
            }
            ZooKeeper observer = new ZooKeeper(ENSEMBLE.cluster().getConnectString(), 2000, e -> { });
            try {
                String member = basePath + ZooKeeperCoordinator.MEMBERS + "/" + c.self();
                await(c.self() + "'s session to end on the servers", () -> {
                    try {
                        return observer.getState().isConnected() && observer.exists(member, false) == null;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                observer.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not expire the session of " + c.self(), e);
        }
        reconnect(c);
    }

    @Override
    protected void killServerOf(Coordinator c) {
        TcpProxy through = proxies.get(c).stream().filter(TcpProxy::connected).findFirst()
                .orElseThrow(() -> new AssertionError(c.self() + " is connected to no server"));
        InstanceSpec spec = ENSEMBLE.cluster().getInstances().stream().filter(s -> s.getPort() == through.targetPort())
                .findFirst().orElseThrow();
        try {
            ENSEMBLE.cluster().killServer(spec);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        killed.add(spec);
    }

    @AfterEach
    @Override
    protected void closeCoordinators() {
        super.closeCoordinators();
        proxies.values().forEach(list -> list.forEach(TcpProxy::close));
        for (InstanceSpec spec : killed) {
            try {
                ENSEMBLE.cluster().restartServer(spec);
            } catch (Exception e) {
                throw new IllegalStateException("could not restart ZooKeeper server " + spec.getServerId(), e);
            }
        }
    }
}
