package org.resilient.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Four nodes of the files component as four separate {@code bin/resilient node -c FILE} processes of the assembled
 * distribution, talking https with mutual TLS on free loopback ports, as {@code examples/cluster/run.sh} makes them:
 * the configs and keys come from {@code resilient replicate node 3 --shared-pbs --https --metrics}. Everything is
 * under one directory: {@code live/} (backed up by the leader), {@code standby/node1}, {@code standby/node2},
 * {@code nodes/} (the node directories), {@code keys/}, the configs {@code <role>.properties} and each process's
 * output in {@code <role>.log}. {@link #close()} kills every process it started, whatever happened.
 */
final class NodeCluster implements AutoCloseable {
    /** The roles, in the order the nodes are started: the receivers first, so the leader's announcement finds them. */
    static final List<String> ROLES = List.of("pbs", "import1", "import2", "export");
    static final Path DIST = Path.of(System.getProperty("resilient.dist"));
    private static final Map<String, String> NODE = Map.of("export", "node0", "pbs", "node-pbs", "import1", "node1",
            "import2", "node2");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** For {@link #cli}: any exit status but 0. */
    static final int FAILED = -1;

    final Path dir;
    private final long born = System.nanoTime();
    private final Map<String, Process> processes = new LinkedHashMap<>();

    private NodeCluster(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes the configs and keys of a cluster in {@code dir} (nothing runs yet).
     *
     * @param dir an empty directory
     * @param settings more {@code KEY=VALUE} settings of every node
     */
    static NodeCluster create(Path dir, String... settings) throws IOException, InterruptedException {
        return create(dir, List.of(), settings);
    }

    /**
     * Writes the configs and keys of a cluster in {@code dir} (nothing runs yet).
     *
     * @param dir an empty directory
     * @param options more options of {@code resilient replicate}, e.g. {@code --coordinator embedded}
     * @param settings more {@code KEY=VALUE} settings of every node
     */
    static NodeCluster create(Path dir, List<String> options, String... settings) throws IOException,
            InterruptedException {
        NodeCluster c = new NodeCluster(dir);
        Files.createDirectories(dir.resolve("live"));
        Files.createDirectories(dir.resolve("standby"));
        List<String> args = new ArrayList<>(List.of("replicate", "node", "3", "--shared-pbs", "--https", "--metrics",
                "--dir", dir.resolve("nodes").toString(), "--configs", dir.toString(),
                // A fast cadence for tests: inbox read every 200 ms, a failed job retried after 1 s, then 2 s.
                "--set", "node.poll-interval=200ms", "--set", "node.retry-delay=1s", "--set", "node.retry-max-delay=2s",
                "--set", "export.retry-delay=1s",
                "--export-set", "files.source=" + dir.resolve("live"),
                "--import-set", "files.target=" + dir.resolve("standby") + "/${node}",
                "--import-set", "files.source=" + dir.resolve("standby") + "/${node}"));
        args.addAll(options);
        for (String s : settings) {
            args.addAll(List.of("--set", s));
        }
        c.cli(0, args.toArray(String[]::new));
        return c;
    }

    /** The config file of a role (export, pbs, import1, import2). */
    Path config(String role) {
        return dir.resolve(NODE.get(role) + ".properties");
    }

    /** The node directory of a role. */
    Path nodeDir(String role) {
        return dir.resolve("nodes").resolve(NODE.get(role));
    }

    /** The standby directory of an import role. */
    Path standby(String role) {
        return dir.resolve("standby").resolve(NODE.get(role));
    }

    Path live() {
        return dir.resolve("live");
    }

    /** A setting of a role's config. */
    String setting(String role, String key) {
        return settings(config(role)).apply(key);
    }

    /** The settings of a config file, by key. */
    static Function<String, String> settings(Path config) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p::getProperty;
    }

    URI uri(String role) {
        return URI.create(setting(role, "node.uri"));
    }

    /** Starts every node (receivers first) and waits until each listens. */
    void startAll() throws IOException, InterruptedException {
        for (String role : ROLES) {
            start(role);
            if (role.equals("import2")) {
                for (String r : List.of("pbs", "import1", "import2")) {
                    awaitListening(r);
                }
            }
        }
        awaitListening("export");
    }

    /**
     * Starts again every node that is not running (killed by a test that failed half-way, or that died) and waits
     * until every node listens: the precondition a test of a shared cluster restores before it starts.
     *
     * @return the roles that had to be started
     */
    List<String> ensureRunning() throws IOException, InterruptedException {
        List<String> started = new ArrayList<>();
        for (String role : ROLES) {
            Process p = processes.get(role);
            if (p == null || !p.isAlive()) {
                start(role);
                started.add(role);
            }
        }
        for (String role : ROLES) {
            awaitListening(role);
        }
        return started;
    }

    /** Starts a role's node as its own process ({@code bin/resilient node -c FILE}), output appended to its log. */
    void start(String role) throws IOException {
        Process old = processes.get(role);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException(role + " runs already");
        }
        Path log = log(role);
        ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/resilient").toString(), "node", "-c",
                config(role).toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("RESILIENT_PLUGINS");
        processes.put(role, pb.start());
        trace("started " + role);
    }

    /** Prints what happened when, relative to the cluster's creation (in the test's output, to see where time goes). */
    void trace(String what) {
        System.out.printf("[%6.2f s] %s%n", (System.nanoTime() - born) / 1e9, what);
    }

    /** Waits until a role's node accepts connections on {@code node.listen}, failing at once if it exited. */
    void awaitListening(String role) throws InterruptedException {
        String listen = setting(role, "node.listen");
        String host = listen.substring(0, listen.lastIndexOf(':'));
        int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        await(role + " listening on " + listen, Duration.ofMinutes(2), () -> {
            requireAlive(role);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** {@code kill -9}: the process ends at once, with no chance to clean up. */
    void kill(String role) throws InterruptedException {
        Process p = processes.get(role);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(role + " (pid " + p.pid() + ") did not die of SIGKILL within 30 s");
        }
    }

    /** SIGTERM, then the exit status. */
    int stop(String role) throws InterruptedException {
        Process p = processes.get(role);
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError(role + " (pid " + p.pid() + ") did not stop within 60 s of SIGTERM\n" + logTail(role));
        }
        return p.exitValue();
    }

    /** The pid of a role's running process. */
    long pid(String role) {
        return processes.get(role).pid();
    }

    private void requireAlive(String role) {
        Process p = processes.get(role);
        if (p == null || !p.isAlive()) {
            throw new AssertionError("node " + role + " exited" + (p == null ? "" : " with status " + p.exitValue())
                    + "\n" + logTail(role));
        }
    }

    /** {@code GET /health} of a role's node ({@code node.metrics-listen}): its status document. */
    JsonNode health(String role) {
        try {
            return JSON.readTree(get(role, "/health"));
        } catch (IOException e) {
            throw new UncheckedIOException("GET /health of " + role + " failed", e);
        }
    }

    /** {@code GET /metrics} of a role's node: the Prometheus text. */
    String metrics(String role) {
        return get(role, "/metrics");
    }

    private String get(String role, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + setting(role, "node.metrics-listen")
                    + path).toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10000);
            try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " of " + role + " failed", e);
        }
    }

    /** The backup id of a role's last good import, or null. */
    String lastImport(String role) {
        JsonNode i = health(role).path("lastImport");
        return i.isMissingNode() || i.isNull() ? null : i.path("backupId").asText();
    }

    /** The backup id of a role's last successful run of a step (export, pull, archive, push, import), or null. */
    String lastGood(String role, String step) {
        JsonNode s = health(role).path("steps").path(step);
        return s.path("ok").asBoolean() ? s.path("backupId").asText(null) : null;
    }

    /**
     * Runs {@code bin/resilient ARGS} and returns its output (stdout and stderr).
     *
     * @param status the exit status expected, or {@link #FAILED} for any but 0
     */
    String cli(int status, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/resilient").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("RESILIENT_PLUGINS");
        // A short command: the client compiler only, which costs less CPU than the launcher's default for a run of
        // a second or two (the nodes keep the default).
        pb.environment().put("RESILIENT_JAVA_OPTS", "-XX:+UseSerialGC -Xms32m -Xmn16m -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        trace("ran resilient " + String.join(" ", args));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("resilient " + String.join(" ", args) + " did not finish in 120 s:\n" + out);
        }
        if (status == FAILED ? p.exitValue() == 0 : p.exitValue() != status) {
            throw new AssertionError("resilient " + String.join(" ", args) + " exited with " + p.exitValue()
                    + ", expected " + status + ":\n" + out);
        }
        return out;
    }

    /** The output of a role's processes so far. */
    Path log(String role) {
        return dir.resolve(role + ".log");
    }

    String logText(String role) {
        try {
            return Files.exists(log(role)) ? Files.readString(log(role)) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many lines of a role's output contain a text. */
    long logCount(String role, String text) {
        return logText(role).lines().filter(l -> l.contains(text)).count();
    }

    String logTail(String role) {
        List<String> lines = logText(role).lines().toList();
        return "--- last lines of " + log(role) + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30),
                lines.size()));
    }

    /**
     * Polls a condition until it holds; after the deadline fails with what it waited for and every node's last log
     * lines.
     */
    void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            RuntimeException last = null;
            try {
                if (condition.getAsBoolean()) {
                    trace("done waiting for " + what);
                    return;
                }
            } catch (UncheckedIOException e) {
                last = e; // a node restarting does not answer yet
            }
            if (System.nanoTime() - end > 0) {
                StringBuilder logs = new StringBuilder();
                for (String role : ROLES) {
                    logs.append('\n').append(logTail(role));
                }
                AssertionError e = new AssertionError("waited " + deadline.toSeconds() + " s in vain for " + what + logs);
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
            Thread.sleep(50);
        }
    }

    /** Kills every node this cluster started (SIGKILL: a test that failed leaves nothing running). */
    @Override
    public void close() throws InterruptedException {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
