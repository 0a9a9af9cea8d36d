package org.resilient.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.resilient.api.BackupId;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;
import org.resilient.api.spi.Archive;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.api.NodeRole;
import org.resilient.core.Takeover;
import org.resilient.support.fs.AtomicFiles;
import org.resilient.testkit.TestBackups;
import org.resilient.testkit.memory.MemoryArchiveProvider;
import org.resilient.testkit.memory.MemoryComponentProvider;
import org.resilient.testkit.memory.MemoryNetwork;
import org.resilient.testkit.memory.MemoryStore;

/**
 * A whole resilient cluster in one process, for tests: real core nodes over the {@code mem} transport, with
 * {@code mem} archives and the {@code memory} component, or any component with its settings
 * ({@link #replicate(String, int, String, java.util.function.Function)}). {@code Cluster.replicate("db", 3)} makes the
 * leader {@code db0}, the import nodes {@code db1} and {@code db2}, and one pull-backup node per import
 * ({@code db1-pbs}, {@code db2-pbs}). Nothing runs in the background: {@link #cycle()} exports on the leader
 * and runs every node's pending work until all is idle, so tests are deterministic.
 * <pre>
 * try (Cluster c = Cluster.replicate("db", 3)) {
 *     c.store("db0").put("k", "v");
 *     c.cycle();
 *     assertEquals(c.store("db0").fingerprint(), c.store("db2").fingerprint());
 *     ResilientNode leader = c.takeover();
 * }
 * </pre>
 * Node directories live under a temporary directory removed by {@link #close()} (or under a given root,
 * which is kept).
 */
public final class Cluster implements AutoCloseable {
    private static final int MAX_ROUNDS = 50;

    private final String id = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path root;
    private final boolean ownRoot;
    private final Map<String, ResilientNode> nodes = new LinkedHashMap<>();
    private final Map<String, NodeRole> roles = new LinkedHashMap<>();
    private final List<String> stopped = new ArrayList<>();
    private final String component;
    private final java.util.function.Function<String, Map<String, String>> componentSettings;

    private Cluster(Path root, boolean ownRoot, String component,
                    java.util.function.Function<String, Map<String, String>> componentSettings) {
        this.root = root;
        this.ownRoot = ownRoot;
        this.component = component;
        this.componentSettings = componentSettings;
    }

    /**
     * A cluster in a new temporary directory.
     *
     * @param name the base name of the data nodes (the one numbered 0 leads)
     * @param n the number of data nodes, at least 2
     * @return the cluster, every node built (not started)
     */
    public static Cluster replicate(String name, int n) {
        try {
            return replicate(name, n, Files.createTempDirectory("resilient-cluster-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A cluster with its node directories under {@code root}, which is kept after {@link #close()}.
     *
     * @param name the base name of the data nodes
     * @param n the number of data nodes, at least 2
     * @param root the directory for node directories
     * @return the cluster
     */
    public static Cluster replicate(String name, int n, Path root) {
        return replicate(name, n, root, false, null, null);
    }

    /**
     * A cluster of any component, in a new temporary directory: every node runs {@code component} with the
     * settings {@code settings} gives for the node's name (e.g. its own database for {@code db1}, and a scratch
     * one for {@code db1-pbs}, which never exports or imports). {@link #store(String)} is for the
     * {@code memory} component only; check the standbys through the component itself.
     *
     * @param name the base name of the data nodes (the one numbered 0 leads)
     * @param n the number of data nodes, at least 2
     * @param component the component's name, as its provider declares it
     * @param settings the component's settings for a node name ({@code <component>.*} keys)
     * @return the cluster, every node built (not started)
     */
    public static Cluster replicate(String name, int n, String component,
                                    java.util.function.Function<String, Map<String, String>> settings) {
        try {
            return replicate(name, n, Files.createTempDirectory("resilient-cluster-"), true, component, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Cluster replicate(String name, int n, Path root, boolean ownRoot) {
        return replicate(name, n, root, ownRoot, null, null);
    }

    private static Cluster replicate(String name, int n, Path root, boolean ownRoot, String component,
                                     java.util.function.Function<String, Map<String, String>> settings) {
        if (n < 2) {
            throw new IllegalArgumentException("a cluster needs a leader and at least one import: n >= 2, was " + n);
        }
        Cluster c = new Cluster(root.toAbsolutePath(), ownRoot, component, settings);
        try {
            List<String> data = new ArrayList<>();
            List<String> pbs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                data.add(name + i);
                if (i > 0) {
                    pbs.add(name + i + "-pbs");
                }
            }
            URI[] pbsUris = pbs.stream().map(c::uri).toArray(URI[]::new);
            // Every data node knows the pull-backup nodes, so that whichever takes over announces to them.
            for (int i = 0; i < n; i++) {
                c.add(data.get(i), i == 0 ? NodeRole.EXPORT : NodeRole.IMPORT, b -> b.notify(pbsUris));
            }
            for (int i = 1; i < n; i++) {
                String p = pbs.get(i - 1);
                URI target = c.uri(data.get(i));
                c.add(p, NodeRole.PULL_BACKUP, b -> b.pullFrom(c.uri(data.get(0)), target).archive(c.archiveUri(p)));
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void add(String nodeName, NodeRole role, Consumer<Resilient.Builder> configure) {
        Resilient.Builder b = Resilient.node(nodeName, role)
                .directory(root.resolve(nodeName)).set("node.uri", uri(nodeName).toString());
        if (component == null) {
            b.component(MemoryComponentProvider.NAME).set(MemoryComponentProvider.STORE, storeName(nodeName));
        } else {
            b.component(component);
            componentSettings.apply(nodeName).forEach(b::set);
        }
        configure.accept(b);
        roles.put(nodeName, role);
        nodes.put(nodeName, b.build());
    }

    private String storeName(String nodeName) {
        return id + "-" + nodeName;
    }

    private URI archiveUri(String nodeName) {
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

    /**
     * The names of the running nodes, data nodes first.
     *
     * @return the names
     */
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

    /**
     * The running import nodes.
     *
     * @return their names
     */
    public List<String> imports() {
        return nodes.entrySet().stream().filter(e -> e.getValue().role() == NodeRole.IMPORT).map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    /**
     * The running pull-backup nodes.
     *
     * @return their names
     */
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
     * One backup cycle: the leader exports, then every node runs its pending work (pull, verify, archive,
     * push; import) until nothing is left.
     *
     * @return the id of the exported backup
     * @throws ResilienceException the first failure of any step
     */
    public BackupId cycle() {
        BackupId exported = leader().exportNow();
        settle();
        return exported;
    }

    /**
     * Runs every node's pending work until all are idle: pull-backup nodes first, then imports, in rounds.
     *
     * @return how many jobs ran
     * @throws ResilienceException the first failure of any job
     */
    public int settle() {
        int total = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int ran = 0;
            List<String> order = new ArrayList<>(pullBackupNodes());
            order.addAll(nodes.keySet().stream().filter(n -> !order.contains(n)).toList());
            for (String name : order) {
                ResilientNode n = nodes.get(name);
                Optional<BackupId> handled = n.poll();
                if (handled.isPresent()) {
                    ran++;
                }
            }
            total += ran;
            if (ran == 0 && nodes.values().stream().allMatch(n -> n.status().pending() == null)) {
                return total;
            }
        }
        throw new ResilienceException(ErrorCode.INTERNAL, "cluster did not settle in " + MAX_ROUNDS + " rounds");
    }

    /**
     * Stops a node: closes it and takes it off the network (messages to it fail as unreachable).
     *
     * @param nodeName the node
     */
    public void stop(String nodeName) {
        ResilientNode n = node(nodeName);
        nodes.remove(nodeName);
        stopped.add(nodeName);
        n.close();
        MemoryNetwork.remove(MemoryNetwork.name(uri(nodeName)));
    }

    /**
     * A takeover after losing the leader: stops the leader, promotes the import with the newest good import
     * in a new epoch, and tells every running node.
     *
     * @return the new leader
     * @throws ResilienceException {@code WRONG_STATE} if no import ever imported anything
     */
    public ResilientNode takeover() {
        String old = nameOf(leader());
        stop(old);
        List<ResilientNode> candidates = imports().stream().map(nodes::get).toList();
        ResilientNode winner = Takeover.choose(candidates).orElseThrow(() -> new ResilienceException(ErrorCode.WRONG_STATE,
                "no import node has imported a backup; nothing to promote"));
        List<ResilientNode> known = List.copyOf(nodes.values());
        List<URI> tell = nodes.values().stream().map(ResilientNode::uri).toList();
        Takeover.promote(winner, known, tell);
        settle();
        return nodes.get(winner.name());
    }

    private String nameOf(ResilientNode n) {
        return nodes.entrySet().stream().filter(e -> e.getValue() == n).map(Map.Entry::getKey).findFirst().orElseThrow();
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
        for (Map.Entry<String, ResilientNode> e : nodes.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ignored) {
                // Close the others anyway.
            }
        }
        for (String name : roles.keySet()) {
            MemoryNetwork.remove(MemoryNetwork.name(uri(name)));
            MemoryStore.drop(storeName(name));
            MemoryArchiveProvider.drop(MemoryNetwork.name(archiveUri(name)));
        }
        nodes.clear();
        if (ownRoot) {
            TestBackups.makeWritable(root);
            AtomicFiles.deleteTree(root);
        }
    }
}
