package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/cluster/run.sh DIR} and {@code stop.sh DIR}, run with the distribution's {@code bin/resilient}: the
 * file names scripts outside the repository rely on, four running nodes whose first backup reaches both standbys,
 * automatic failover when the leader is killed with SIGKILL, and a clean stop.
 */
class ExampleClusterIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("resilient.examples"), "cluster");
    private static final List<String> ROLES = List.of("export", "pbs", "import1", "import2");

    @TempDir
    Path dir;

    private String script(String name, int status) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(EXAMPLES.resolve(name).toString(), dir.toString()).redirectErrorStream(true);
        pb.environment().put("RESILIENT", NodeCluster.DIST.resolve("bin/resilient").toString());
        pb.environment().remove("RESILIENT_PLUGINS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), name + " did not finish");
        assertEquals(status, p.exitValue(), name + ":\n" + out);
        return out;
    }

    /** {@code GET /health} of the node of a role (its metrics listener), or null while it does not answer. */
    private JsonNode health(String role) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(role + ".properties"))) {
            p.load(r);
        }
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + p.getProperty("node.metrics-listen") + "/health")
                .toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            return null;
        } finally {
            c.disconnect();
        }
    }

    @Test
    @DisplayName("run.sh starts four nodes with the documented names, the first backup reaches both standbys, kill -9 of "
            + "the leader makes import1 take over, stop.sh stops them")
    void runAndStop() throws Exception {
        List<Long> pids = new ArrayList<>();
        try {
            String out = script("run.sh", 0);
            for (String role : ROLES) {
                assertTrue(out.contains(role + " listens on https://127.0.0.1:"), out);
                assertTrue(Files.isRegularFile(dir.resolve(role + ".properties")), role + ".properties");
                pids.add(Long.parseLong(Files.readString(dir.resolve(role + ".pid")).strip()));
            }
            assertTrue(pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                    "every pid file names a running process: " + pids);
            assertTrue(Files.isRegularFile(dir.resolve("keys/ca.p12")));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String node : List.of("node1", "node2")) {
                Path copy = dir.resolve("standby").resolve(node).resolve("hello.txt");
                while (!Files.isRegularFile(copy) && System.nanoTime() - end < 0) {
                    Thread.sleep(50);
                }
                assertEquals(Files.readString(dir.resolve("live/hello.txt")), Files.readString(copy), node + "'s standby");
            }
            script("run.sh", 4); // the nodes run: refused, nothing started twice

            // kill -9 of the leader: one import node takes over by itself (embedded coordinator), the other follows
            // it in the new epoch and imports the new leader's first backup.
            ProcessHandle.of(pids.get(0)).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(ProcessHandle.of(pids.get(0)).map(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join())
                    .map(h -> !h.isAlive()).orElse(true), "the leader died of SIGKILL");
            String[] leader = new String[1];
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (leader[0] == null && System.nanoTime() - end < 0) {
                for (String role : List.of("import1", "import2")) {
                    JsonNode h = health(role);
                    if (h != null && "export".equals(h.path("role").asText()) && h.path("epoch").asLong() == 1) {
                        leader[0] = role;
                    }
                }
                Thread.sleep(100);
            }
            assertEquals("import1", leader[0], "node1 (equal imports, equal priority: the name decides) leads in epoch 1");
            JsonNode other = null;
            while (System.nanoTime() - end < 0) {
                other = health("import2");
                if (other != null && other.path("lastImport").path("backupId").asText().endsWith("-node1")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(other != null && other.path("lastImport").path("backupId").asText().endsWith("-node1")
                    && "import".equals(other.path("role").asText()) && other.path("epoch").asLong() == 1,
                    "node2 imported the new leader's first backup in epoch 1: " + other);

            String stopped = script("stop.sh", 0);
            for (String role : ROLES) { // the killed leader's pid file too: its process is gone
                assertTrue(stopped.contains(role + " stopped"), stopped);
                assertFalse(Files.exists(dir.resolve(role + ".pid")), role + ".pid is removed");
            }
            assertTrue(pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        } finally {
            // Whatever failed: no node outlives the test (the pid files name them even if run.sh failed half-way).
            for (String role : ROLES) {
                Path f = dir.resolve(role + ".pid");
                if (Files.isRegularFile(f)) {
                    pids.add(Long.parseLong(Files.readString(f).strip()));
                }
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
