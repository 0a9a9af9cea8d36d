package org.resilient.harness;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;
import org.resilient.testkit.ManualClock;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.testkit.TestBackups;
import org.resilient.testkit.memory.MemoryArchiveProvider;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryStore;

/**
 * A whole resilient cluster in one process, for tests: real core nodes over the {@code mem} transport, with
 * {@code mem} archives and the {@code memory} component, or any component with its settings
 * ({@link ClusterBuilder#component}). {@code Cluster.replicate("db", 3)} makes the leader {@code db0}, the import
 * nodes {@code db1} and {@code db2}, and one pull-backup node per import ({@code db1-pbs}, {@code db2-pbs}).
 * Nothing runs in the background: {@link #cycle()} exports on the leader and runs every node's pending work until
 * all is idle, and every node reads the cluster's manual {@link #clock()}, so tests are deterministic.
 * <pre>
 * try (Cluster c = Cluster.replicate("db", 3)) {
 *     c.store("db0").put("k", "v");
 *     c.cycle();
 *     assertEquals(c.store("db0").fingerprint(), c.store("db2").fingerprint());
 *     c.faults().corrupt("db1-pbs", 1);       // the next message to db1-pbs arrives damaged, and is refused
 *     c.crash("db2-pbs"); c.restart("db2-pbs");
 *     ResilientNode leader = c.takeover();
 * }
 * </pre>
 * Faults: {@link #faults()} (messages dropped, delayed, duplicated, reordered, corrupted; partitions; crashes inside
 * a step), {@link #crash}, {@link #restart}, {@link #pause}, {@link #resume}; automatic failover: {@link #awaitLeader}.
 * Node directories live under a temporary directory removed by {@link #close()} (or under a given root, kept).
 */
public final class Cluster implements AutoCloseable {
    /** How far {@link #cycle()} moves the clock before exporting, so that backup ids differ. */
    private static final Duration CYCLE_STEP = Duration.ofMinutes(1);
    /** One round of {@link #run}: a node's default poll interval. */
    private static final Duration ROUND = Duration.ofSeconds(1);

    private final String id = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path root;
    private final boolean ownRoot;
    private final Members members;
    private final Map<String, ResilientNode> nodes;
    private final Map<String, NodeRole> roles = new LinkedHashMap<>();
    private final Map<String, Consumer<Resilient.Builder>> configs = new LinkedHashMap<>();
    private final ManualClock clock;
    private final Faults faults;
    private final boolean automaticFailover;

    Cluster(Path root, boolean ownRoot, long seed, Instant start, boolean automaticFailover) {
        this.root = root;
        this.automaticFailover = automaticFailover;
        this.members = new Members(automaticFailover, name -> MemoryNetwork.takeDown(MemoryNetwork.name(uri(name)),
                "the test took node '" + name + "' down (Cluster.crash, stop or a crash point); until Cluster.restart(\""
                        + name + "\") brings it back, every step that reaches it fails"));
        this.nodes = members.nodes;
        this.ownRoot = ownRoot;
        this.clock = new ManualClock(start);
        this.faults = new Faults(id + "-", clock, seed);
    }

    /**
     * A builder, for a cluster of another component, under a given root, or with a given seed.
     *
     * @param name the base name of the data nodes (the one numbered 0 leads)
     * @param n the number of data nodes, at least 2
     * @return the builder
     */
    public static ClusterBuilder builder(String name, int n) {
        return new ClusterBuilder(name, n);
    }

    /**
     * A cluster of the {@code memory} component in a new temporary directory: {@code builder(name, n).build()}.
     *
     * @param name the base name of the data nodes (the one numbered 0 leads)
     * @param n the number of data nodes, at least 2
     * @return the cluster, every node built (not started)
     */
    public static Cluster replicate(String name, int n) {
        return builder(name, n).build();
    }

    /**
     * As {@code builder(name, n).component(component, settings).build()}.
     *
     * @param name base name
     * @param n data nodes
     * @param component the component's name
     * @param settings its settings per node name
     * @return the cluster
     */
    public static Cluster replicate(String name, int n, String component, Function<String, Map<String, String>> settings) {
        return builder(name, n).component(component, settings).build();
    }

    void add(String nodeName, NodeRole role, Consumer<Resilient.Builder> configure) {
        roles.put(nodeName, role);
        configs.put(nodeName, configure);
        build(nodeName, role);
    }

    private void build(String nodeName, NodeRole role) {
        Resilient.Builder b = Resilient.node(nodeName, role).clock(clock)
                .directory(root.resolve(nodeName)).set("node.uri", uri(nodeName).toString())
                .progress(faults.progress(nodeName));
        configs.get(nodeName).accept(b);
        members.add(nodeName, b.build());
        faults.install(nodeName);
    }

    String storeName(String nodeName) {
        return id + "-" + nodeName;
    }

    URI archiveUri(String nodeName) {
        return MemoryNetwork.uri(id + "-" + nodeName + "-archive");
    }

    /**
     * The {@code mem:} URI of a node.
     *
     * @param nodeName the node's name, e.g. {@code db1}
     * @return its URI
     */
    public URI uri(String nodeName) {
        return MemoryNetwork.uri(id + "-" + nodeName);
    }

    /**
     * A node.
     *
     * @param nodeName e.g. {@code db1} or {@code db1-pbs}
     * @return the node
     * @throws ResilienceException {@code NOT_FOUND} for an unknown or stopped node
     */
    public ResilientNode node(String nodeName) {
        ResilientNode n = nodes.get(nodeName);
        if (n == null) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cluster has no running node '" + nodeName + "'; nodes: "
                    + String.join(", ", nodes.keySet()));
        }
        return n;
    }

    /** The names of the running nodes, data nodes first. @return the names */
    public List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * The current leader: the running node whose role is export.
     *
     * @return the leader
     * @throws ResilienceException {@code WRONG_STATE} if no running node leads
     */
    public ResilientNode leader() {
        return nodes.values().stream().filter(n -> n.role() == NodeRole.EXPORT).findFirst()
                .orElseThrow(() -> new ResilienceException(ErrorCode.WRONG_STATE, "no running node of the cluster leads"));
    }

    /** The running import nodes. @return their names */
    public List<String> imports() {
        return nodes.entrySet().stream().filter(e -> e.getValue().role() == NodeRole.IMPORT).map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    /** The running pull-backup nodes. @return their names */
    public List<String> pullBackupNodes() {
        return roles.entrySet().stream().filter(e -> e.getValue() == NodeRole.PULL_BACKUP && nodes.containsKey(e.getKey()))
                .map(Map.Entry::getKey).collect(Collectors.toList());
    }

    /**
     * The memory store of a data node (the leader's live copy, or an import's standby).
     *
     * @param nodeName e.g. {@code db0}
     * @return the store
     */
    public MemoryStore store(String nodeName) {
        return MemoryStore.named(storeName(nodeName));
    }

    /**
     * Opens the archive of a pull-backup node (close it when done).
     *
     * @param pullBackupNode e.g. {@code db1-pbs}
     * @return the archive
     */
    public Archive archive(String pullBackupNode) {
        return new MemoryArchiveProvider().open(archiveUri(pullBackupNode), Settings.empty(), false);
    }

    /**
     * One backup cycle: the clock moves on a minute (with automatic failover: one round of {@link #run}), the
     * leader exports, then every node runs its pending work (pull, verify, archive, push; import) until none is left.
     *
     * @return the id of the exported backup
     * @throws ResilienceException the first failure of any step
     */
    public BackupId cycle() {
        if (automaticFailover) {
            run(ROUND); // time moves in rounds, with heartbeats, so that the leader keeps its lease
        } else {
            clock.advance(CYCLE_STEP);
        }
        String leader = leader().name();
        BackupId exported = members.step(leader, () -> members.loops.get(leader).exportNow(org.resilient.api.Cancellation.never()));
        settle();
        if (exported == null) {
            throw new ResilienceException(ErrorCode.CANCELLED, "the leader " + leader + " crashed during its export (a"
                    + " crash point of the test); restart it, or let another node take over");
        }
        return exported;
    }

    /**
     * Runs every running, unpaused node's pending work until all are idle, in rounds (pull-backup nodes first);
     * messages held by {@link #faults()} are delivered when due, or (reordered ones) when all else is idle.
     *
     * @return how many jobs ran
     * @throws ResilienceException the first failure of any job
     */
    public int settle() {
        return members.settle(faults, this::pullBackupNodes);
    }

    /**
     * Moves the clock on and delivers the delayed messages that are due (without running any node's work).
     * @param d how far
     */
    public void advance(Duration d) {
        clock.advance(d);
        faults.release(false);
    }

    /**
     * Lets time pass with every node at work, as started nodes would: in rounds of one second (a node's default
     * poll interval) the clock moves on and the cluster {@link #settle settles}, with every node's failover round
     * when failover is automatic (heartbeats, the leader's lease, elections, promotion, deposition). A step that
     * fails is tried again the next round, as a node's work loop does.
     *
     * @param d how long, in whole seconds
     */
    public void run(Duration d) {
        for (long i = 0; i < d.dividedBy(ROUND); i++) {
            advance(ROUND);
            try {
                settle();
            } catch (ResilienceException e) {
                // A started node logs a failed step and retries it later; so does the next round here.
            }
        }
    }

    /**
     * Runs rounds ({@link #run}) until a running node leads and, with automatic failover, holds the leader lease.
     *
     * @param max how long at most
     * @return the leader
     * @throws ResilienceException {@code TIMEOUT} naming what every node sees, if none leads by then
     */
    public ResilientNode awaitLeader(Duration max) {
        for (long i = 0; i <= max.dividedBy(ROUND); i++) {
            Optional<ResilientNode> leader = members.leading();
            if (leader.isPresent()) {
                return leader.get();
            }
            run(ROUND);
        }
        throw new ResilienceException(ErrorCode.TIMEOUT, "no node of the cluster leads after " + max + ":" + members.describe());
    }

    /** The clock every node reads; only {@link #cycle}, {@link #advance} and {@link #run} move it. @return the clock */
    public ManualClock clock() {
        return clock;
    }

    /** The faults of the cluster's network. @return the faults, none struck until a test asks */
    public Faults faults() {
        return faults;
    }

    /**
     * Stops a node: closes it and takes it off the network (messages to it fail as unreachable).
     *
     * @param nodeName the node
     */
    public void stop(String nodeName) {
        node(nodeName);
        members.loops.get(nodeName).close(); // leaves the coordinator cleanly: its lease is free at once
        members.down(nodeName);
    }

    /**
     * Crashes a node between two steps: it is gone at once, with what was in its inbox; its directory stays, as on a
     * disk after a power cut, and with automatic failover its lease and membership stay until they expire. A crash
     * in the middle of a step is armed with {@link Faults#crashAt}.
     *
     * @param nodeName the node
     */
    public void crash(String nodeName) {
        node(nodeName);
        members.down(nodeName);
    }

    /**
     * Restarts a crashed or stopped node from its directory, with the configuration it was built with; what it
     * recorded there (epoch, imports, pending announcements) decides the rest, as after a real restart.
     *
     * @param nodeName the node
     * @return the new node
     */
    public ResilientNode restart(String nodeName) {
        if (nodes.containsKey(nodeName)) {
            throw new ResilienceException(ErrorCode.WRONG_STATE, "node '" + nodeName + "' runs; crash or stop it first");
        }
        NodeRole role = roles.get(nodeName);
        if (role == null) {
            throw new ResilienceException(ErrorCode.NOT_FOUND, "cluster never had a node '" + nodeName + "'");
        }
        build(nodeName, role);
        return nodes.get(nodeName);
    }

    /**
     * Pauses a node, as a process stopped by SIGSTOP or a long GC: it stays on the network (messages queue in
     * its inbox, and what it published can be pulled) but {@link #settle()} runs none of its work.
     *
     * @param nodeName the node
     */
    public void pause(String nodeName) {
        node(nodeName);
        members.paused.add(nodeName);
    }

    /**
     * Resumes a paused node; its queued work runs at the next {@link #settle()}.
     *
     * @param nodeName the node
     */
    public void resume(String nodeName) {
        members.paused.remove(nodeName);
    }

    /**
     * A takeover after losing the leader: stops the leader, promotes the import with the newest good import
     * in a new epoch, and tells every running node.
     *
     * @return the new leader
     * @throws ResilienceException {@code WRONG_STATE} if no import ever imported anything
     */
    public ResilientNode takeover() {
        stop(leader().name());
        ResilientNode winner = members.promoteBest(imports());
        settle();
        return nodes.get(winner.name());
    }

    /**
     * The directory of a node.
     *
     * @param nodeName the node
     * @return its node directory
     */
    public Path directory(String nodeName) {
        return root.resolve(nodeName);
    }

    /** Closes every node and forgets the cluster's stores, archives and network nodes. */
    @Override
    public void close() {
        members.closeAll();
        for (String name : roles.keySet()) {
            MemoryNetwork.remove(MemoryNetwork.name(uri(name)));
            MemoryStore.drop(storeName(name));
            MemoryArchiveProvider.drop(MemoryNetwork.name(archiveUri(name)));
        }
        if (ownRoot) {
            TestBackups.makeWritable(root);
            AtomicFiles.deleteTree(root);
        }
    }
}
