package org.resilient.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.MemberState;
import org.resilient.api.MemberStateFormat;
import org.resilient.api.ResilienceException;
import org.resilient.api.spi.AbstractCoordinator;
import org.resilient.api.spi.Coordinator;
import org.resilient.api.spi.Lease;
import org.resilient.api.spi.LeaseListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Coordinator} on ZooKeeper through Curator. Membership and the lease are ephemeral nodes of this
 * node's session; the epoch is a persistent node changed by a versioned {@code setData}.
 *
 * <p>Why not Curator's {@code LeaderLatch}: its leadership is a local flag that connection events reset and
 * set again. Leading on until LOST instead of stopping at SUSPENDED let two clients lead at once (Curator
 * issue #980, CURATOR-460), and two RECONNECTED events in quick succession interleaved so that a client
 * stayed leader after its latch node was deleted (#1137, CURATOR-620). Here the lease is only ever granted by
 * a create of the lease node owned by this session; every SUSPENDED or LOST event ends the lease object for
 * good (a counter of such events is compared on every {@link Lease#mayExport()}); and taking it again after
 * RECONNECTED checks the node's ephemeral owner against the current session.
 */
public final class ZooKeeperCoordinator extends AbstractCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperCoordinator.class);
    static final String LEASE = "/lease";
    static final String EPOCH = "/epoch";
    static final String MEMBERS = "/members";

    private final CuratorFramework client;
    private final ZooKeeperOptions options;
    private final String self;
    private final Clock clock;
    // Raised by every SUSPENDED and LOST: a lease taken before the last interruption is never valid again.
    private final AtomicLong interruptions = new AtomicLong();
    private final AtomicReference<ZooKeeperLease> lease = new AtomicReference<>();
    private final MemberNodes members;
    private MemberState state;

    private ZooKeeperCoordinator(CuratorFramework client, ZooKeeperOptions options, String self, Clock clock) {
        super(self);
        this.client = client;
        this.options = options;
        this.self = self;
        this.clock = clock;
        this.members = new MemberNodes(this);
    }

    static ZooKeeperCoordinator connect(ZooKeeperOptions options, String self, Clock clock) {
        MemberState.checkName(self);
        // Retries are short and few: an operation that cannot reach the ensemble should fail within a few seconds,
        // so the node reports it and does not export, rather than hang through its failover budget.
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(options.connect())
                .namespace(options.namespace())
                .sessionTimeoutMs((int) options.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) options.connectionTimeout().toMillis())
                .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
                // The configured zookeeper.connect stays authoritative: Curator's ensemble tracker would replace it
                // by the addresses the servers report for themselves, which nodes behind NAT, a proxy or in
                // containers may not reach (and which a partitioned node must not be able to route around).
                .ensembleTracker(false)
                .build();
        ZooKeeperCoordinator c = new ZooKeeperCoordinator(client, options, self, clock);
        client.getConnectionStateListenable().addListener((cf, s) -> c.stateChanged(s));
        client.start();
        boolean connected;
        try {
            connected = client.blockUntilConnected((int) options.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            client.close();
            throw new ResilienceException(ErrorCode.UNREACHABLE, "cannot connect to ZooKeeper at " + options.connect()
                    + " within " + options.connectionTimeout() + " (zookeeper.connect); check that the ensemble runs"
                    + " and this machine reaches it");
        }
        return c;
    }

    private void stateChanged(ConnectionState s) {
        LOG.info("{}: ZooKeeper connection {} (session 0x{}, {})", self, s, Long.toHexString(sessionId()),
                options.connect());
        if (s == ConnectionState.SUSPENDED || s == ConnectionState.LOST) {
            interruptions.incrementAndGet();
            ZooKeeperLease held = lease.get();
            if (held != null) {
                held.lost(s == ConnectionState.SUSPENDED
                        ? "the connection to ZooKeeper was suspended: another node may take the lease once this session expires"
                        : "the ZooKeeper session was lost: the lease node is gone");
            }
        }
    }

    CuratorFramework client() {
        return client;
    }

    long interruptions() {
        return interruptions.get();
    }

    /** The id of the current ZooKeeper session, or 0 if there is none. */
    long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    boolean connected() {
        return !closed() && client.getZookeeperClient().isConnected();
    }

    @Override
    public synchronized void join(MemberState first) {
        checkJoin(first);
        members.write(first);
        state = first;
    }

    @Override
    public synchronized void publish(MemberState next) {
        checkPublish(next, state);
        join(next);
    }

    @Override
    public void heartbeat() {
        checkOpen();
        MemberState s;
        synchronized (this) {
            s = state;
        }
        if (s != null) {
            // The session pings by itself; this re-joins after a session expired (its ephemeral node is gone).
            if (!members.exists()) {
                LOG.warn("{}: its membership was gone (the ZooKeeper session expired); joining again", self);
                join(s);
            }
        }
        ZooKeeperLease held = lease.get();
        if (held != null) {
            held.renew();
        }
    }

    @Override
    public Duration heartbeatInterval() {
        return options.heartbeatInterval();
    }

    @Override
    public Duration failureTimeout() {
        try {
            return Duration.ofMillis(client.getZookeeperClient().getZooKeeper().getSessionTimeout());
        } catch (Exception e) {
            return options.sessionTimeout();
        }
    }

    @Override
    public List<MemberState> members() {
        checkOpen();
        return members.readAll();
    }

    @Override
    public Optional<String> leaseHolder() {
        checkOpen();
        return call("read the lease", () -> {
            sync(LEASE);
            try {
                return Optional.ofNullable(decode(client.getData().forPath(LEASE)).get("holder"));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public synchronized Optional<Lease> tryAcquireLease(LeaseListener listener) {
        checkOpen();
        Optional<Lease> held = stillHeld(lease.get(), listener);
        if (held.isPresent()) {
            return held;
        }
        // Taken before the create: an interruption while creating ends the new lease at once.
        long generation = interruptions.get();
        long session = sessionId();
        if (!connected() || session == 0) {
            throw new ResilienceException(ErrorCode.UNREACHABLE, self + " cannot take the lease: not connected to "
                    + "ZooKeeper at " + options.connect());
        }
        Map<String, String> data = new TreeMap<>(Map.of("holder", self, "acquired-at", clock.instant().toString()));
        boolean ours = call("take the lease", () -> {
            try {
                Stat st = new Stat();
                client.create().storingStatIn(st).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(LEASE, MemberStateFormat.toText(data).getBytes(StandardCharsets.UTF_8));
                return st.getEphemeralOwner() == session;
            } catch (KeeperException.NodeExistsException e) {
                // Ours if this session still owns it: after SUSPENDED then RECONNECTED with the session intact, or a
                // create that Curator retried after it had succeeded. Never ours if it belongs to another session.
                Stat st = client.checkExists().forPath(LEASE);
                return st != null && st.getEphemeralOwner() == session;
            }
        });
        if (!ours) {
            return Optional.empty();
        }
        ZooKeeperLease taken = new ZooKeeperLease(this, session, generation, listener);
        lease.set(taken);
        if (interruptions.get() != generation) {
            taken.lost("the connection to ZooKeeper was interrupted while the lease was taken");
        }
        return Optional.of(taken);
    }

    /** Checks with the ensemble that the lease node still belongs to a session. */
    boolean ownsLease(long session) {
        Stat st = call("check the lease", () -> client.checkExists().forPath(LEASE));
        return st != null && st.getEphemeralOwner() == session;
    }

    void release(ZooKeeperLease held, long session) {
        forget(held);
        if (!connected()) {
            return; // the node vanishes with the session; waiting for a connection would only delay the caller
        }
        try {
            call("release the lease", () -> {
                Stat st = client.checkExists().forPath(LEASE);
                if (st != null && st.getEphemeralOwner() == session) {
                    client.delete().withVersion(st.getVersion()).forPath(LEASE);
                }
                return null;
            });
        } catch (ResilienceException e) {
            LOG.warn("{} could not release the lease (it ends with the session): {}", self, e.getMessage());
        }
    }

    /** Drops a lease that ended; not synchronized, so Curator's event thread never waits for a slow call. */
    void forget(ZooKeeperLease held) {
        lease.compareAndSet(held, null);
    }

    @Override
    public Epoch epoch() {
        checkOpen();
        return new EpochNode(this).read();
    }

    @Override
    public boolean advanceEpoch(Epoch expected, Epoch next) {
        checkAdvance(expected, next);
        return new EpochNode(this).advance(expected, next, UUID.randomUUID().toString());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed()) {
                return;
            }
            ZooKeeperLease held = lease.get();
            if (held != null) {
                held.release();
            }
            if (state != null && connected()) {
                try {
                    members.remove();
                } catch (ResilienceException e) {
                    LOG.warn("{} could not leave cleanly (its membership ends with the session): {}", self, e.getMessage());
                }
            }
            markClosed();
        }
        client.close();
    }

    Clock clock() {
        return clock;
    }

    /**
     * Brings the server this client reads from up to date with the ensemble's leader. ZooKeeper reads are
     * served by the connected server, which may lag behind a write another node made through another server:
     * without this a node could read an old epoch after a takeover (harmless for the compare-and-set, which
     * the version decides, but a node deciding whether to demote itself needs the newest), or elect from
     * member states another node has already replaced.
     */
    void sync(String path) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger rc = new AtomicInteger();
        client.sync().inBackground((c, event) -> {
            rc.set(event.getResultCode());
            done.countDown();
        }).forPath(path);
        if (!done.await(options.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new KeeperException.OperationTimeoutException();
        }
        if (rc.get() != KeeperException.Code.OK.intValue() && rc.get() != KeeperException.Code.NONODE.intValue()) {
            throw KeeperException.create(KeeperException.Code.get(rc.get()));
        }
    }

    <T> T call(String what, java.util.concurrent.Callable<T> action) {
        return ZooKeeperCalls.call(what, options.connect(), action);
    }

    static Map<String, String> decode(byte[] data) {
        return MemberStateFormat.parseText(new String(data, StandardCharsets.UTF_8), "ZooKeeper");
    }

    /** A path under the base path, as an operator would look it up. */
    String where(String path) {
        return options.basePath() + path;
    }

    @Override
    public String toString() {
        return "zookeeper coordinator of " + self + " at " + options.connect() + options.basePath();
    }
}
