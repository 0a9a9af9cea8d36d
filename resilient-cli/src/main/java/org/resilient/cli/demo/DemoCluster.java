package org.resilient.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.resilient.api.ErrorCode;
import org.resilient.api.NodeLayout;
import org.resilient.api.NodeRole;
import org.resilient.api.ResilienceException;
import org.resilient.cli.daemon.ControlClient;
import org.resilient.cli.daemon.ControlProtocol;
import org.resilient.core.ClusterPlan;
import org.resilient.core.Resilient;
import org.resilient.core.node.NodeSettings;
import org.resilient.https.ClusterKeys;

/**
 * The demo's cluster: one leader ({@code db0}), one pull-backup node ({@code db-pbs}) and two standbys ({@code db1},
 * {@code db2}) of the files component, each a separate {@code resilient node} process started with the launcher
 * this command runs under, talking https with mutual TLS on free loopback ports with keys made here (as
 * {@code resilient replicate db 3 --shared-pbs --https --metrics} makes them). The demo watches the nodes as an
 * operator would: through {@code GET /health} and the running leader's control socket. {@link #close()} stops every
 * node it started (SIGTERM, then SIGKILL), also when the demo fails or is interrupted.
 */
final class DemoCluster implements AutoCloseable {
    static final String LEADER = "db0";
    static final String PBS = "db-pbs";
    static final List<String> STANDBYS = List.of("db1", "db2");
    /** The order the nodes start in: the receivers first, so that the leader's first announcement finds them. */
    static final List<String> START_ORDER = List.of(PBS, "db1", "db2", LEADER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, ClusterPlan.NodePlan> plan = new LinkedHashMap<>();
    private final Map<String, Path> configs = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** Nodes the demo killed on purpose: their death does not fail a wait. */
    private final Set<String> down = new HashSet<>();
    private final Thread killOnExit = new Thread(this::killAll, "demo-stop-nodes");

    private DemoCluster(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the configs ({@code DIR/configs/<node>.properties}) and keys ({@code DIR/configs/keys}) of the cluster.
     *
     * @param dir the demo's directory
     * @param live what the leader backs up
     * @return the cluster, not started
     */
    static DemoCluster create(Path dir, Path live) throws IOException {
        DemoCluster c = new DemoCluster(dir);
        ClusterPlan.Builder b = Resilient.replicate("db", 3).directory(dir.resolve("nodes")).component("files")
                .sharedPullBackup(true)
                // Failover on one machine: a leader killed with SIGKILL is replaced by the best standby by itself.
                .embeddedCoordinator()
                // The demo's cadence: the inbox read every 200 ms, a failed job retried after 1 s; only the demo
                // asks for exports (the schedule's first export runs at start).
                .set("node.poll-interval", "200ms").set("node.retry-delay", "1s").set("node.retry-max-delay", "5s")
                .set(NodeRole.EXPORT, "files.source", live.toString())
                // files.target = files.source: once deposed, the old leader is re-seeded into the copy it kept.
                .set(NodeRole.EXPORT, "files.target", live.toString())
                .set(NodeRole.IMPORT, "files.target", dir.resolve("standby") + "/${node}")
                // files.source = files.target: once promoted, a standby exports the copy it kept.
                .set(NodeRole.IMPORT, "files.source", dir.resolve("standby") + "/${node}")
                .set(NodeRole.PULL_BACKUP, "pbs.keep-last", "10");
        List<Integer> ports = freePorts(2 * b.nodeCount());
        ClusterPlan p = b.https("127.0.0.1", ports.subList(0, b.nodeCount()))
                .metrics(ports.subList(b.nodeCount(), ports.size())).plan();
        Path configDir = dir.resolve("configs");
        List<Path> files = p.write(configDir);
        Path keys = configDir.resolve("keys");
        ClusterKeys.init(keys);
        for (int i = 0; i < files.size(); i++) {
            ClusterPlan.NodePlan n = p.nodes().get(i);
            Files.writeString(files.get(i), ClusterKeys.addNode(keys, n.uri(), false).settings(), StandardOpenOption.APPEND);
            c.plan.put(n.name(), n);
            c.configs.put(n.name(), files.get(i));
        }
        return c;
    }

    /** Free loopback ports now; the nodes bind them when they start. */
    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    Path config(String node) {
        return configs.get(node);
    }

    URI uri(String node) {
        return plan.get(node).uri();
    }

    String setting(String node, String key) {
        return plan.get(node).settings().get(key).orElse(null);
    }

    Path standby(String node) {
        return dir.resolve("standby").resolve(node);
    }

    /** The copy a node keeps: the leader's live data for {@code db0}, else its standby directory. */
    Path copy(String node) {
        return node.equals(LEADER) ? Path.of(setting(LEADER, "files.source")) : standby(node);
    }

    Path log(String node) {
        return dir.resolve(node + ".log");
    }

    long pid(String node) {
        return processes.get(node).pid();
    }

    /**
     * The command that starts {@code resilient node}: {@code bin/resilient} of the installation this demo runs from
     * (it sets {@code resilient.home}), else this JVM with its class path (a test, an IDE).
     */
    static List<String> launcher() {
        String home = System.getProperty("resilient.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "resilient"))) {
            return List.of(Path.of(home, "bin", "resilient").toString());
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-cp", System.getProperty("java.class.path"), "org.resilient.cli.Main");
    }

    /** Starts a node: {@code <launcher> node --config FILE}, its output appended to {@code DIR/<node>.log}. */
    void start(String node) throws IOException {
        Process running = processes.get(node);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException("node " + node + " runs already (pid " + running.pid() + ")");
        }
        if (processes.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(killOnExit);
        }
        List<String> cmd = new ArrayList<>(launcher());
        cmd.addAll(List.of("node", "--config", config(node).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile())).start();
        processes.put(node, p);
        down.remove(node);
    }

    /**
     * Kills one node with SIGKILL (a crash: no step ends cleanly) and waits for it to die; {@link #start} starts
     * it again. For a failover step.
     */
    void kill(String node) throws InterruptedException {
        Process p = processes.get(node);
        down.add(node);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new ResilienceException(ErrorCode.INTERNAL, "node " + node + " (pid " + p.pid() + ") did not die of SIGKILL");
        }
    }

    /** @return true if the demo killed the node and has not started it again */
    boolean isDown(String node) {
        return down.contains(node);
    }

    /** Waits until a node accepts connections on its https port. */
    void awaitListening(String node, Duration deadline) throws InterruptedException {
        URI u = uri(node);
        await(node + " to listen on " + u.getAuthority(), deadline, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** {@code GET /health} of a node: its status document (also when unhealthy, with status 503). */
    JsonNode health(String node) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + setting(node, NodeSettings.METRICS_LISTEN.key())
                + "/health").toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(20000);
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return JSON.readTree(in);
        } finally {
            c.disconnect();
        }
    }

    /** A node's last run of a step ({@code export}, {@code pull}, {@code archive}, {@code push}, {@code import}). */
    JsonNode step(String node, String step) throws IOException {
        return health(node).path("steps").path(step);
    }

    /** Waits until a node's last run of a step succeeded for a backup; returns that run. */
    JsonNode awaitStep(String node, String step, String backupId, Duration deadline) throws InterruptedException {
        JsonNode[] run = new JsonNode[1];
        await(node + " to " + step + " " + backupId, deadline, () -> {
            run[0] = step(node, step);
            return run[0].path("ok").asBoolean() && backupId.equals(run[0].path("backupId").asText());
        });
        return run[0];
    }

    /**
     * Asks a running leader to export now, through its control socket (what {@code resilient export -c FILE}
     * does when the node runs), and waits for the result.
     *
     * @param leader the node that leads now
     * @return the backup id
     */
    String exportNow(String leader) {
        Path socket = new NodeLayout(Path.of(setting(leader, NodeSettings.DIR.key()))).state().resolve(ControlProtocol.SOCKET);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OptionalInt status = ControlClient.forward(socket, List.of("export"), new PrintWriter(out, true),
                new PrintWriter(err, true));
        if (status.isEmpty() || status.getAsInt() != 0) {
            throw new ResilienceException(ErrorCode.INTERNAL, "the running " + leader + " did not export ("
                    + (status.isEmpty() ? "no control socket" : "exit status " + status.getAsInt()) + "): " + err.toString().strip());
        }
        return out.toString().strip();
    }

    /** Something the demo waits for, with the value the node reports. */
    interface Probe {
        boolean test() throws IOException;
    }

    /**
     * Polls until the probe holds. Fails at once when a node process exited (with the end of its log), and after
     * the deadline with what it waited for.
     */
    void await(String what, Duration deadline, Probe probe) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            IOException last = null;
            try {
                if (probe.test()) {
                    return;
                }
            } catch (IOException e) {
                last = e; // a node still starting does not answer yet
            }
            for (var e : processes.entrySet()) {
                if (!e.getValue().isAlive() && !down.contains(e.getKey())) {
                    throw new ResilienceException(ErrorCode.INTERNAL, "node " + e.getKey() + " exited with status "
                            + e.getValue().exitValue() + " while the demo waited for " + what + "; its log:\n"
                            + tail(e.getKey()));
                }
            }
            if (System.nanoTime() - end > 0) {
                throw new ResilienceException(ErrorCode.TIMEOUT, "waited " + deadline.toSeconds() + " s in vain for "
                        + what + (last == null ? "" : " (" + last + ")") + "; the nodes' logs are " + dir + "/<node>.log");
            }
            Thread.sleep(50);
        }
    }

    /** The last lines of a node's log. */
    String tail(String node) {
        try {
            List<String> lines = Files.exists(log(node)) ? Files.readAllLines(log(node)) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log(node) + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops every node with SIGTERM (each finishes or cleanly abandons its step) and waits.
     *
     * @return the exit status of each node that ran (not those killed on purpose), by name; null if it did not stop
     */
    Map<String, Integer> stop(Duration deadline) throws InterruptedException {
        Map<String, Integer> status = new LinkedHashMap<>();
        processes.values().forEach(Process::destroy);
        for (var e : processes.entrySet()) {
            Process p = e.getValue();
            if (!down.contains(e.getKey())) {
                status.put(e.getKey(), p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : null);
            }
        }
        return status;
    }

    private void killAll() {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
    }

    /** Kills whatever still runs (after a failure) and forgets the shutdown hook. */
    @Override
    public void close() throws InterruptedException {
        killAll();
        for (Process p : processes.values()) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (!processes.isEmpty()) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }
}
