package org.resilient.core;

import org.resilient.api.NodeRole;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.api.Settings;

/**
 * The settings of every node of a cluster made by {@link Resilient#replicate(String, int)}: {@code name0} exports,
 * {@code name1 .. name(n-1)} import, each import fed by its own pull-backup node {@code name<i>-pbs} (or all by one
 * shared {@code name-pbs}). A plan can be written as one config file per node, for {@code resilient node} on one
 * machine or several, or opened in this process.
 *
 * @param nodes every node, leader first, then for each import its pull-backup node (unless shared) and itself
 */
public record ClusterPlan(List<NodePlan> nodes) {

    /**
     * One node of a plan.
     *
     * @param name the node's name, also its config file's name ({@code <name>.properties})
     * @param role its role
     * @param settings its complete settings
     */
    public record NodePlan(String name, NodeRole role, Settings settings) {
        /** @return the URI other nodes reach it at ({@code node.uri}) */
        public URI uri() {
            return org.resilient.core.node.NodeSettings.URI_.get(settings);
        }
    }

    /** Freezes the list. */
    public ClusterPlan {
        nodes = List.copyOf(nodes);
    }

    /**
     * One node by name.
     *
     * @param name e.g. {@code db1}
     * @return its plan
     * @throws ResilienceException {@code NOT_FOUND} if the plan has no such node
     */
    public NodePlan node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow(() -> new ResilienceException(
                ErrorCode.NOT_FOUND, "the cluster has no node '" + name + "'; it has " + nodes.stream().map(NodePlan::name)
                        .toList()));
    }

    /**
     * Writes {@code <name>.properties} for every node into a directory, mode 0600 (configs may name secret files),
     * and creates the node directories, so that nodes can reach each other as soon as one starts.
     *
     * @param dir the directory (created if needed)
     * @return the files written, in the order of {@link #nodes()}
     * @throws ResilienceException {@code IO_ERROR} if a file cannot be written, {@code CONFIG_INVALID} if one exists
     */
    public List<Path> write(Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (NodePlan n : nodes) {
                Path file = dir.resolve(n.name() + ".properties");
                if (Files.exists(file)) {
                    throw new ResilienceException(ErrorCode.CONFIG_INVALID, "config file " + file
                            + " exists; remove it or write the cluster into another directory");
                }
                StringBuilder text = new StringBuilder("# node " + n.name() + " (" + n.role()
                        + ") of a cluster made by replicate\n");
                Map<String, String> sorted = new TreeMap<>();
                n.settings().keys().forEach(k -> sorted.put(k, n.settings().get(k).orElseThrow()));
                sorted.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
                Path tmp = Files.createTempFile(dir, "." + n.name(), ".tmp",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, text);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                written.add(file);
                new org.resilient.api.NodeLayout(org.resilient.core.node.NodeSettings.DIR.get(n.settings())).create();
            }
        } catch (IOException e) {
            throw new ResilienceException(ErrorCode.IO_ERROR, "cannot write the cluster's configs into " + dir + ": " + e
                    + "; check that the directory is writable", e);
        }
        return written;
    }

    /**
     * Opens one node of the plan in this process (not started).
     *
     * @param name the node's name
     * @return the node
     */
    public ResilientNode open(String name) {
        return Resilient.open(node(name).settings(), "node " + name + " of the cluster plan");
    }

    private static String escape(String v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /** Makes a plan: {@link Resilient#replicate(String, int)}. */
    public static final class Builder {
        private final String name;
        private final int size;
        private Path directory;
        private String component = "files";
        private String scheme = "file";
        private String host = "127.0.0.1";
        private List<Integer> ports = List.of();
        private List<Integer> metricsPorts = List.of();
        private boolean sharedPullBackup;
        private String coordinator;
        private String zooKeeperConnect;
        private final Map<String, String> common = new LinkedHashMap<>();
        private final Map<NodeRole, Map<String, String>> byRole = new LinkedHashMap<>();

        Builder(String name, int size) {
            if (!name.matches("[A-Za-z][A-Za-z0-9_-]{0,40}")) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "cluster name '" + name
                        + "' must start with a letter and hold letters, digits, '_' and '-' only");
            }
            if (size < 2) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "a cluster needs at least 2 nodes (a leader and "
                        + "a standby); got " + size);
            }
            this.name = name;
            this.size = size;
        }

        /**
         * Where the node directories go: {@code <dir>/<node>} (required).
         *
         * @param dir the base directory
         * @return this
         */
        public Builder directory(Path dir) {
            this.directory = dir.toAbsolutePath().normalize();
            return this;
        }

        /**
         * The component of the leader and the standbys (default {@code files}).
         *
         * @param component its name
         * @return this
         */
        public Builder component(String component) {
            this.component = component;
            return this;
        }

        /**
         * Nodes reach each other over HTTPS on this host, node {@code i} of {@link #nodes()} listening on
         * {@code ports.get(i)}; without it they use the {@code file:} transport through their directories.
         *
         * @param host the host or address every node listens on and is reached at
         * @param ports one port per node of the plan, in the order of {@link ClusterPlan#nodes()}
         * @return this
         */
        public Builder https(String host, List<Integer> ports) {
            this.scheme = "https";
            this.host = host;
            this.ports = List.copyOf(ports);
            return this;
        }

        /**
         * Every node serves {@code /health} and {@code /metrics} ({@code node.metrics-listen}) on the host of
         * {@link #https(String, List)} (or 127.0.0.1), node {@code i} on {@code ports.get(i)}.
         *
         * @param ports one port per node of the plan, in the order of {@link ClusterPlan#nodes()}
         * @return this
         */
        public Builder metrics(List<Integer> ports) {
            this.metricsPorts = List.copyOf(ports);
            return this;
        }

        /**
         * One pull-backup node ({@code <name>-pbs}) serves every import instead of one per import.
         *
         * @param shared true for one shared pull-backup node
         * @return this
         */
        public Builder sharedPullBackup(boolean shared) {
            this.sharedPullBackup = shared;
            return this;
        }

        /**
         * Automatic failover on ONE machine: every node gets {@code node.coordinator=embedded} and
         * {@code embedded.dir=<directory>/coordination}, and the leader is re-seeded when it returns as a standby
         * (see {@link #plan()}).
         *
         * @return this
         */
        public Builder embeddedCoordinator() {
            this.coordinator = "embedded";
            this.zooKeeperConnect = null;
            return this;
        }

        /**
         * Automatic failover through a ZooKeeper ensemble (nodes on several machines): every node gets
         * {@code node.coordinator=zookeeper}, {@code zookeeper.connect} and {@code zookeeper.base-path=/resilient/<name>}
         * (one subtree per cluster, so clusters can share an ensemble).
         *
         * @param connect the ensemble, {@code host:port,host:port,...}
         * @return this
         * @throws ResilienceException {@code CONFIG_INVALID} if {@code connect} is not a list of host:port
         */
        public Builder zooKeeperCoordinator(String connect) {
            if (connect == null || !connect.trim().matches("[^,\\s:]+:\\d{1,5}(,[^,\\s:]+:\\d{1,5})*")) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "the ZooKeeper connect string '" + connect
                        + "' is not host:port[,host:port...]; e.g. zk1:2181,zk2:2181,zk3:2181");
            }
            this.coordinator = "zookeeper";
            this.zooKeeperConnect = connect.trim();
            return this;
        }

        /**
         * Sets a key on every node; {@code ${node}} in the value is replaced by the node's name.
         *
         * @param key full key
         * @param value value
         * @return this
         */
        public Builder set(String key, String value) {
            common.put(key, value);
            return this;
        }

        /**
         * Sets a key on the nodes of one role (the leader, the standbys or the pull-backup nodes); {@code ${node}}
         * in the value is replaced by the node's name.
         *
         * @param role the role
         * @param key full key
         * @param value value
         * @return this
         */
        public Builder set(NodeRole role, String key, String value) {
            byRole.computeIfAbsent(role, r -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** @return the number of nodes the plan will hold (for choosing ports) */
        public int nodeCount() {
            return size + (sharedPullBackup ? 1 : size - 1);
        }

        /**
         * Makes the plan. With a coordinator, every node names it, and the first pull-backup node also pushes to
         * {@code name0}, so that a deposed leader that returns as a standby is re-seeded (a pull-backup node never
         * pushes to the current leader).
         *
         * @return the settings of every node
         * @throws ResilienceException {@code CONFIG_INVALID} without a directory or with the wrong number of ports
         */
        public ClusterPlan plan() {
            if (directory == null) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "replicate needs a directory for the nodes");
            }
            if ("https".equals(scheme) && ports.size() != nodeCount()
                    || !metricsPorts.isEmpty() && metricsPorts.size() != nodeCount()) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "a cluster of " + nodeCount() + " nodes needs "
                        + nodeCount() + " ports; got " + ("https".equals(scheme) ? ports.size() : metricsPorts.size()));
            }
            List<String> order = new ArrayList<>(List.of(name + "0"));
            String shared = name + "-pbs";
            if (sharedPullBackup) {
                order.add(shared);
            }
            for (int i = 1; i < size; i++) {
                if (!sharedPullBackup) {
                    order.add(name + i + "-pbs");
                }
                order.add(name + i);
            }
            Map<String, URI> uris = new LinkedHashMap<>();
            for (int i = 0; i < order.size(); i++) {
                uris.put(order.get(i), "https".equals(scheme) ? URI.create("https://" + host + ":" + ports.get(i))
                        : directory.resolve(order.get(i)).toUri());
            }
            List<NodePlan> nodes = new ArrayList<>();
            for (String node : order) {
                int index = order.indexOf(node);
                NodeRole role = node.equals(name + "0") ? NodeRole.EXPORT : node.endsWith("-pbs") ? NodeRole.PULL_BACKUP : NodeRole.IMPORT;
                Map<String, String> s = new LinkedHashMap<>();
                s.put("node.name", node);
                s.put("node.role", role.configName());
                s.put("node.dir", directory.resolve(node).toString());
                s.put("node.uri", uris.get(node).toString());
                if ("https".equals(scheme)) {
                    s.put("node.listen", host + ":" + uris.get(node).getPort());
                }
                if (!metricsPorts.isEmpty()) {
                    s.put("node.metrics-listen", host + ":" + metricsPorts.get(index));
                }
                if (role == NodeRole.PULL_BACKUP) {
                    s.put("pbs.source", uris.get(name + "0").toString());
                    List<String> targets = new ArrayList<>(sharedPullBackup
                            ? order.stream().filter(o -> !o.endsWith("-pbs") && !o.equals(name + "0")).toList()
                            : List.of(node.substring(0, node.length() - "-pbs".length())));
                    if (coordinator != null && (sharedPullBackup || node.equals(name + "1-pbs"))) {
                        targets.add(0, name + "0");
                    }
                    s.put("pbs.targets", String.join(",", targets.stream().map(o -> uris.get(o).toString()).toList()));
                    s.put("pbs.archive", "dir:" + directory.resolve(node).resolve("archive"));
                } else {
                    s.put("node.component", component);
                    if (role == NodeRole.IMPORT) {
                        // Deliveries are taken only from the pull-backup node(s) that feed this standby.
                        s.put("import.sources", uris.get(sharedPullBackup ? shared : node + "-pbs").toString());
                    }
                    // Every component node announces to every pull-backup node: a promoted standby feeds them all.
                    s.put("export.notify", String.join(",", order.stream().filter(o -> o.endsWith("-pbs"))
                            .map(o -> uris.get(o).toString()).toList()));
                }
                coordinatorSettings().forEach(s::put);
                common.forEach((k, v) -> s.put(k, v.replace("${node}", node)));
                byRole.getOrDefault(role, Map.of()).forEach((k, v) -> s.put(k, v.replace("${node}", node)));
                nodes.add(new NodePlan(node, role, Settings.of(s)));
            }
            return new ClusterPlan(nodes);
        }

        /** The settings every node gets for the coordinator; none without one. */
        private Map<String, String> coordinatorSettings() {
            Map<String, String> s = new LinkedHashMap<>();
            if (coordinator != null) {
                s.put("node.coordinator", coordinator);
            }
            if ("embedded".equals(coordinator)) {
                s.put("embedded.dir", directory.resolve("coordination").toString());
            } else if ("zookeeper".equals(coordinator)) {
                s.put("zookeeper.connect", zooKeeperConnect);
                s.put("zookeeper.base-path", "/resilient/" + name);
            }
            return s;
        }
    }
}
