package org.resilient.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.resilient.api.NodeRole;
import org.resilient.core.Resilient;
import org.resilient.testkit.memory.MemoryComponentProvider;

/**
 * Builds a {@link Cluster}: {@code Cluster.builder("db", 3).component("sqlite", settings).seed(7).build()}.
 * Defaults: the {@code memory} component, a new temporary directory removed on close, seed 0, and a manual clock
 * starting at 2026-01-01T00:00:00Z.
 */
public final class ClusterBuilder {
    private final String name;
    private final int n;
    private String component;
    private Function<String, Map<String, String>> settings;
    private Path root;
    private long seed;
    private Instant start = Instant.parse("2026-01-01T00:00:00Z");
    private boolean automaticFailover;

    ClusterBuilder(String name, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("a cluster needs a leader and at least one import: n >= 2, was " + n);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.n = n;
    }

    /**
     * Runs any component: every node gets the settings {@code settings} gives for its name (its own database for
     * {@code db1}, a scratch one for {@code db1-pbs}, which never exports or imports).
     *
     * @param component the component's name, as its provider declares it
     * @param settings the component's settings ({@code <component>.*} keys) for a node name
     * @return this
     */
    public ClusterBuilder component(String component, Function<String, Map<String, String>> settings) {
        this.component = Objects.requireNonNull(component, "component");
        this.settings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Puts the node directories under {@code root}, which is kept after {@link Cluster#close()}.
     *
     * @param root the directory
     * @return this
     */
    public ClusterBuilder root(Path root) {
        this.root = root;
        return this;
    }

    /**
     * Seeds every random choice of the {@link Faults} (same seed and scenario, same events).
     *
     * @param seed the seed
     * @return this
     */
    public ClusterBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Where the cluster's manual clock starts.
     *
     * @param start the first instant
     * @return this
     */
    public ClusterBuilder start(Instant start) {
        this.start = Objects.requireNonNull(start, "start");
        return this;
    }

    /**
     * Fails over by itself, as a cluster with {@code node.coordinator} does: every node joins the {@code embedded}
     * coordinator (in the cluster's directory, on the cluster's manual clock; lease and failure timeout 5 s,
     * heartbeats every second). The leader exports only while it holds the leader lease; when it is gone, the lease
     * expires and the import node with the newest good import takes over in a new epoch, without
     * {@link Cluster#takeover()}; a node that returns from an older epoch is deposed and becomes a standby (the
     * first pull-backup node also pushes to the first leader, so that it is fed when it is a standby again).
     * {@link Cluster#build} returns once the leader holds the lease; {@link Cluster#run} lets time pass and
     * {@link Cluster#awaitLeader} waits for a takeover.
     *
     * @return this
     */
    public ClusterBuilder automaticFailover() {
        this.automaticFailover = true;
        return this;
    }

    /** What every node of the cluster is built with: its component and, with automatic failover, the coordinator. */
    private Resilient.Builder common(Cluster c, String node, Resilient.Builder b) {
        if (automaticFailover) {
            b.set("node.coordinator", "embedded").set("embedded.dir", c.directory("coordination").toString());
        }
        if (component == null) {
            return b.component(MemoryComponentProvider.NAME).set(MemoryComponentProvider.STORE, c.storeName(node));
        }
        b.component(component);
        settings.apply(node).forEach(b::set);
        return b;
    }

    private Cluster topology(Cluster c) {
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
                String node = data.get(i);
                c.add(node, i == 0 ? NodeRole.EXPORT : NodeRole.IMPORT, b -> common(c, node, b).notify(pbsUris));
            }
            for (int i = 1; i < n; i++) {
                String p = pbs.get(i - 1);
                URI[] targets = automaticFailover && i == 1 ? new URI[] {c.uri(data.get(i)), c.uri(data.get(0))}
                        : new URI[] {c.uri(data.get(i))}; // a pull-backup node never pushes to the leader of the time
                c.add(p, NodeRole.PULL_BACKUP, b -> common(c, p, b).pullFrom(c.uri(data.get(0)), targets).archive(c.archiveUri(p)));
            }
            if (automaticFailover) {
                c.awaitLeader(java.time.Duration.ofSeconds(30)); // every node joins; the leader takes the lease
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Builds every node (none is started: the cluster runs their work itself).
     *
     * @return the cluster
     */
    public Cluster build() {
        try {
            boolean own = root == null;
            Path dir = own ? Files.createTempDirectory("resilient-cluster-") : root;
            return topology(new Cluster(dir.toAbsolutePath(), own, seed, start, automaticFailover));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
