package org.resilient.core;

import org.resilient.api.NodeRole;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.resilient.api.ProgressListener;
import org.resilient.api.Settings;
import org.resilient.core.config.ConfigLoader;
import org.resilient.core.node.Node;
import org.resilient.core.registry.Registry;
import org.resilient.core.schedule.Pause;

/**
 * The entry point for applications embedding resilient.
 *
 * <pre>{@code
 * try (ResilientNode leader = Resilient.node("db0", NodeRole.EXPORT)
 *         .component("files").set("files.source", "/srv/data")
 *         .directory(Path.of("/srv/resilient/db0"))
 *         .notify(URI.create("file:/srv/resilient/pbs1"))
 *         .build()) {
 *     BackupId id = leader.exportNow();
 * }
 * }</pre>
 */
public final class Resilient {
    private Resilient() {
    }

    /**
     * Starts building a node.
     *
     * @param name the node's name
     * @param role its role
     * @return a builder
     */
    public static Builder node(String name, NodeRole role) {
        return new Builder().set("node.name", name).set("node.role", role.configName());
    }

    /**
     * Declares a cluster: node 0 (named {@code <name>0}) exports, nodes 1 to n-1 import, each import fed by its own
     * pull-backup node (or one shared). The result holds every node's settings: write them as config files for
     * {@code resilient node}, or open the nodes in this process.
     *
     * <pre>{@code
     * ClusterPlan plan = Resilient.replicate("db", 3).directory(Path.of("/srv/resilient"))
     *         .set(NodeRole.EXPORT, "files.source", "/srv/data")
     *         .set(NodeRole.IMPORT, "files.target", "/srv/standby/${node}")
     *         .set(NodeRole.IMPORT, "files.source", "/srv/standby/${node}")
     *         .plan();
     * plan.write(Path.of("/etc/resilient"));
     * }</pre>
     *
     * @param name the cluster's name, the prefix of its nodes' names
     * @param n the number of component nodes (the leader and n-1 standbys), at least 2
     * @return a builder of the plan
     */
    public static ClusterPlan.Builder replicate(String name, int n) {
        return new ClusterPlan.Builder(name, n);
    }

    /**
     * Opens a node from complete settings (as read from a config file); {@code RESILIENT_*} environment
     * variables override keys, as for a config file.
     *
     * @param settings the settings
     * @param where where they came from, for error messages
     * @return the node (not started)
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every problem
     */
    public static ResilientNode open(Settings settings, String where) {
        return new ResilientNode(Node.open(settings, System.getenv(), Registry.load(), Clock.systemUTC(),
                ProgressListener.NONE, where));
    }

    /**
     * Opens the node a config file describes (properties; {@code RESILIENT_*} environment variables override keys).
     *
     * @param configFile the properties file
     * @return the node (not started)
     * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every problem of the file
     */
    public static ResilientNode open(Path configFile) {
        return open(ConfigLoader.read(configFile), "config file " + configFile);
    }

    /** Builds a {@link ResilientNode}; every setting can also be given with {@link #set(String, String)}. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();
        private Registry registry;
        private Clock clock = Clock.systemUTC();
        private ProgressListener progress = ProgressListener.NONE;
        private Map<String, String> environment = System.getenv();
        private Pause pause = Pause.SLEEP;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        /**
         * Sets any setting ({@code files.source}, {@code pbs.keep-last}, ...).
         *
         * @param key full key
         * @param value value
         * @return this
         */
        public Builder set(String key, String value) {
            values.put(key, value);
            return this;
        }

        /**
         * Sets the component.
         *
         * @param name e.g. {@code files}
         * @return this
         */
        public Builder component(String name) {
            return set("node.component", name);
        }

        /**
         * Sets the node directory.
         *
         * @param dir the directory
         * @return this
         */
        public Builder directory(Path dir) {
            return set("node.dir", dir.toAbsolutePath().toString());
        }

        /**
         * Sets the pull-backup nodes an export node announces to.
         *
         * @param pullBackupNodes their URIs
         * @return this
         */
        public Builder notify(URI... pullBackupNodes) {
            return set("export.notify", List.of(pullBackupNodes).stream().map(URI::toString).collect(Collectors.joining(",")));
        }

        /**
         * Sets the node a pull-backup node pulls from and the import nodes it pushes to.
         *
         * @param source the export node
         * @param targets the import nodes
         * @return this
         */
        public Builder pullFrom(URI source, URI... targets) {
            set("pbs.source", source.toString());
            return set("pbs.targets", List.of(targets).stream().map(URI::toString).collect(Collectors.joining(",")));
        }

        /**
         * Sets the archive of a pull-backup node.
         *
         * @param location e.g. {@code dir:/srv/pbs/archive}
         * @return this
         */
        public Builder archive(URI location) {
            return set("pbs.archive", location.toString());
        }

        /**
         * Finds components, transports and archives with this class loader instead of the thread's (an
         * application that loads plugins from its own class loader).
         *
         * @param loader where {@code META-INF/services} registrations are looked up
         * @return this
         */
        public Builder providersFrom(ClassLoader loader) {
            this.registry = Registry.load(loader);
            return this;
        }

        /**
         * Uses a specific clock (tests).
         *
         * @param clock the clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Waits between tries on something else than the wall clock (tests wait on their fake clock). */
        Builder pause(Pause how) {
            this.pause = how;
            return this;
        }

        /** Takes the jitter from another source of numbers in [0, 1) (tests). */
        Builder random(DoubleSupplier numbers) {
            this.random = numbers;
            return this;
        }

        /**
         * Uses another environment for the {@code RESILIENT_*} overrides than the process's (tests, or
         * {@code Map.of()} to ignore the environment). By default an embedded node applies the same overrides as
         * the {@code resilient} command: {@code RESILIENT_FILES_SOURCE} overrides {@code files.source}.
         *
         * @param environment variable name to value
         * @return this
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Sends progress reports to a listener.
         *
         * @param progress the listener
         * @return this
         */
        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Checks the settings and opens the node (not started: call {@link ResilientNode#start}). Every setting
         * the node's role uses is checked here, the component's included (an export node without
         * {@code files.source} fails now, not at its first export), and all problems are reported at once.
         *
         * @return the node
         * @throws org.resilient.api.ResilienceException {@code CONFIG_INVALID} listing every problem
         */
        public ResilientNode build() {
            Registry r = registry != null ? registry : Registry.load();
            return new ResilientNode(Node.open(Settings.of(values), environment, r, clock, progress,
                    "the settings of node " + values.get("node.name"), pause, random));
        }

        /**
         * Opens the node and starts its background work (see {@link ResilientNode#start()}).
         *
         * @return the running node
         */
        public ResilientNode start() {
            return build().start();
        }
    }
}
