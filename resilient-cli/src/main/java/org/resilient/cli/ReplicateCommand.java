package org.resilient.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.ClusterPlan;
import org.resilient.core.Resilient;
import org.resilient.api.NodeRole;
import org.resilient.https.ClusterKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resilient replicate NAME N}: writes the config files (and keys) of a whole cluster. */
@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Write the configs of a cluster: NAME0 exports, NAME1..NAME<N-1> import, each fed by its own "
                + "pull-backup node NAME<i>-pbs (or one shared NAME-pbs). With --https the nodes listen on free ports "
                + "of --host and get keys (a cluster CA in CONFIGS/keys); without it they reach each other through "
                + "their directories (file:). Start each node with: resilient node --config CONFIGS/<node>.properties"})
final class ReplicateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME", description = "the cluster's name, the prefix of its nodes' names")
    String name;
    @Parameters(index = "1", paramLabel = "N", description = "the number of component nodes (leader + standbys), >= 2")
    int size;
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "where the node directories go")
    Path dir;
    @Option(names = "--configs", paramLabel = "DIR", description = "where the config files go (default: --dir)")
    Path configs;
    @Option(names = "--component", defaultValue = "files", description = "the component (default: ${DEFAULT-VALUE})")
    String component;
    @Option(names = "--https", description = "nodes talk over https (mutual TLS) on free ports of --host")
    boolean https;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "the host the nodes listen on (default: ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--metrics", description = "every node serves /health and /metrics on a free port of --host")
    boolean metrics;
    @Option(names = "--shared-pbs", description = "one pull-backup node for every import")
    boolean sharedPbs;
    @Option(names = "--coordinator", paramLabel = "NAME", description = "automatic failover: embedded (the nodes of ONE "
            + "machine; coordination in DIR/coordination) or zookeeper (with --zookeeper-connect); default: none, "
            + "takeover stays manual")
    String coordinator;
    @Option(names = "--zookeeper-connect", paramLabel = "HOST:PORT,...", description = "the ZooKeeper ensemble of "
            + "--coordinator zookeeper")
    String zooKeeperConnect;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting of every node (${node}: its name)")
    List<String> all = new ArrayList<>();
    @Option(names = "--export-set", paramLabel = "KEY=VALUE", description = "a setting of the leader")
    List<String> export = new ArrayList<>();
    @Option(names = "--import-set", paramLabel = "KEY=VALUE", description = "a setting of every standby (${node}: its name)")
    List<String> imports = new ArrayList<>();
    @Option(names = "--pbs-set", paramLabel = "KEY=VALUE", description = "a setting of every pull-backup node")
    List<String> pbs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        ClusterPlan.Builder b = Resilient.replicate(name, size).directory(dir).component(component).sharedPullBackup(sharedPbs);
        coordinator(b);
        pairs(all).forEach(b::set);
        pairs(export).forEach((k, v) -> b.set(NodeRole.EXPORT, k, v));
        pairs(imports).forEach((k, v) -> b.set(NodeRole.IMPORT, k, v));
        pairs(pbs).forEach((k, v) -> b.set(NodeRole.PULL_BACKUP, k, v));
        List<Integer> ports = freePorts(b.nodeCount() * ((https ? 1 : 0) + (metrics ? 1 : 0)));
        if (https) {
            b.https(host, ports.subList(0, b.nodeCount()));
        }
        if (metrics) {
            b.metrics(ports.subList(ports.size() - b.nodeCount(), ports.size()));
        }
        ClusterPlan plan = b.plan();
        Path out = configs != null ? configs : dir;
        List<Path> files = plan.write(out);
        if (https) {
            Path keys = out.resolve("keys");
            ClusterKeys.init(keys);
            for (int i = 0; i < files.size(); i++) {
                String lines = ClusterKeys.addNode(keys, plan.nodes().get(i).uri(), false).settings();
                Files.writeString(files.get(i), lines, StandardOpenOption.APPEND);
            }
        }
        for (int i = 0; i < files.size(); i++) {
            ClusterPlan.NodePlan n = plan.nodes().get(i);
            spec.commandLine().getOut().printf("%-12s %-11s %s  %s%n", n.name(), n.role(), n.uri(), files.get(i));
        }
        return 0;
    }

    private void coordinator(ClusterPlan.Builder b) {
        if (coordinator == null) {
            if (zooKeeperConnect != null) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "--zookeeper-connect needs --coordinator zookeeper");
            }
            return;
        }
        switch (coordinator) {
            case "embedded" -> {
                if (zooKeeperConnect != null) {
                    throw new ResilienceException(ErrorCode.CONFIG_INVALID, "--zookeeper-connect is for --coordinator "
                            + "zookeeper, not embedded");
                }
                b.embeddedCoordinator();
            }
            case "zookeeper" -> {
                if (zooKeeperConnect == null) {
                    throw new ResilienceException(ErrorCode.CONFIG_INVALID, "--coordinator zookeeper needs "
                            + "--zookeeper-connect HOST:PORT[,HOST:PORT...]");
                }
                b.zooKeeperCoordinator(zooKeeperConnect);
            }
            default -> throw new ResilienceException(ErrorCode.CONFIG_INVALID, "unknown coordinator '" + coordinator
                    + "'; use embedded (one machine) or zookeeper (with --zookeeper-connect)");
        }
    }

    private static Map<String, String> pairs(List<String> items) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : items) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ResilienceException(ErrorCode.CONFIG_INVALID, "'" + s + "' is not KEY=VALUE");
            }
            m.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return m;
    }

    /** Free ports now; the nodes bind them when they start (a port taken in between makes that node fail to start). */
    private List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host));
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
