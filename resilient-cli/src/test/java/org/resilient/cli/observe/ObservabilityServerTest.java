package org.resilient.cli.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.resilient.testkit.ManualClock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.api.BackupId;
import org.resilient.api.ResilienceException;
import org.resilient.core.Resilient;
import org.resilient.core.ResilientNode;
import org.resilient.core.node.NodeState;
import org.resilient.api.NodeLayout;
import org.resilient.api.NodeRole;

/**
 * {@code GET /health} and {@code GET /metrics} of real nodes (the files component, the file transport, the
 * deduplicating dir archive), built through the embedding API, on free loopback ports.
 */
@DisplayName("the observability server")
class ObservabilityServerTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @TempDir
    Path dir;
    ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    Path live;
    Path standby;
    ResilientNode leader;
    ResilientNode pbs;
    ResilientNode db1;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void cluster() throws IOException {
        live = Files.createDirectories(dir.resolve("live"));
        Files.writeString(live.resolve("table.tsv"), "1\tone\n2\ttwo\n".repeat(1000));
        standby = dir.resolve("standby");
        leader = Resilient.node("db0", NodeRole.EXPORT).component("files").set("files.source", live.toString())
                .set("export.retries", "0").directory(dir.resolve("db0")).notify(uri("pbs1")).clock(clock).build();
        pbs = Resilient.node("pbs1", NodeRole.PULL_BACKUP).directory(dir.resolve("pbs1")).pullFrom(uri("db0"), uri("db1"))
                .archive(URI.create("dir:" + dir.resolve("archive"))).clock(clock).build();
        db1 = Resilient.node("db1", NodeRole.IMPORT).component("files").set("files.target", standby.toString())
                .set("files.source", standby.toString()).directory(dir.resolve("db1")).notify(uri("pbs1")).clock(clock)
                .build();
    }

    @AfterEach
    void close() {
        leader.close();
        pbs.close();
        db1.close();
    }

    private URI uri(String name) {
        return dir.resolve(name).toUri();
    }

    private BackupId cycle() {
        clock.advance(Duration.ofMinutes(60));
        BackupId id = leader.exportNow();
        pbs.poll();
        db1.poll();
        return id;
    }

    private HttpResponse<String> get(ObservabilityServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asks /health, expects a status and returns the answer's JSON document. */
    private JsonNode health(ObservabilityServer server, int expectedStatus) throws Exception {
        HttpResponse<String> r = get(server, "/health");
        assertEquals(expectedStatus, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Parses the Prometheus text format: "name{labels}" to value; every non-comment line must be a sample. */
    private Map<String, Double> scrape(ObservabilityServer server) throws Exception {
        HttpResponse<String> r = get(server, "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().lines().toList()) {
            if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    @Test
    @DisplayName("the bytes resumed pulls reused are a counter of the pull-backup node, persisted in its state")
    void pullReusedBytesCounter() throws Exception {
        cycle();
        try (ObservabilityServer b = ObservabilityServer.listen(pbs, "0");
             ObservabilityServer c = ObservabilityServer.listen(db1, "0")) {
            assertEquals(0.0, scrape(b).get("resilient_pull_reused_bytes_total"), "a pull that resumed nothing");
            // What PullBackup records after a good pull that an interrupted one had left 1234 (then 766) bytes to.
            NodeState state = new NodeState(new NodeLayout(dir.resolve("pbs1")));
            state.count(NodeState.PULL_REUSED_BYTES, 1234);
            state.count(NodeState.PULL_REUSED_BYTES, 766);
            assertEquals(2000.0, scrape(b).get("resilient_pull_reused_bytes_total"));
            assertEquals(java.util.Set.of(), scrape(c).keySet().stream().filter(k -> k.contains("reused"))
                    .collect(java.util.stream.Collectors.toSet()), "an import node pulls nothing");
        }
    }

    @Test
    @DisplayName("after an export, pull and import, /metrics gives each node's steps, epoch, role, lag and archive")
    void metricsAfterACycle() throws Exception {
        cycle();
        try (ObservabilityServer a = ObservabilityServer.listen(leader, "0");
             ObservabilityServer b = ObservabilityServer.listen(pbs, "127.0.0.1:0");
             ObservabilityServer c = ObservabilityServer.listen(db1, "0")) {
            Map<String, Double> l = scrape(a);
            double exported = leader.status().lastSuccesses().get("export").time().toEpochMilli() / 1000.0;
            assertEquals(exported, l.get("resilient_step_last_success_timestamp_seconds{step=\"export\"}"));
            assertEquals(1.0, l.get("resilient_role{role=\"export\"}"));
            assertEquals(0.0, l.get("resilient_role{role=\"import\"}"));
            assertEquals(0.0, l.get("resilient_epoch"));
            assertEquals(1.0, l.get("resilient_healthy"));
            assertEquals(1.0, l.get("resilient_published_backups"));
            assertEquals(0.0, l.get("resilient_step_failures_total{step=\"export\"}"));
            assertTrue(l.get("resilient_step_last_success_bytes{step=\"export\"}") >= 12000, l.toString());
            assertTrue(l.containsKey("resilient_step_last_success_duration_seconds{step=\"export\"}"), l.toString());

            Map<String, Double> p = scrape(b);
            assertEquals(1.0, p.get("resilient_role{role=\"pull-backup\"}"));
            for (String step : new String[] {"pull", "archive", "push"}) {
                assertEquals(1.0, p.get("resilient_step_last_run_ok{step=\"" + step + "\"}"), step);
            }
            assertEquals(1.0, p.get("resilient_archive_generations"));
            assertTrue(p.get("resilient_archive_logical_bytes") >= 12000, p.toString());
            assertTrue(p.get("resilient_archive_dedup_ratio") > 1, "a repetitive file compresses: " + p);
            assertEquals(0.0, p.get("resilient_lag_seconds"));

            Map<String, Double> i = scrape(c);
            assertEquals(1.0, i.get("resilient_role{role=\"import\"}"));
            assertEquals(0.0, i.get("resilient_step_stale{step=\"import\"}"));
            assertEquals(0.0, i.get("resilient_lag_seconds"));
            assertTrue(i.get("resilient_step_last_success_bytes{step=\"import\"}") >= 12000, i.toString());

            // A second backup reaches the pull-backup node but not yet the standby: the standby's lag is one interval.
            clock.advance(Duration.ofMinutes(60));
            leader.exportNow();
            pbs.poll();
            assertEquals(3600.0, scrape(c).get("resilient_lag_seconds"));
            assertEquals(2.0, scrape(b).get("resilient_archive_generations"), "stats are read again after a new archive step");
        }
    }

    @Test
    @DisplayName("/health answers 503 with the reason after a failed step and 200 after it recovers")
    void healthFollowsFailures() throws Exception {
        cycle();
        try (ObservabilityServer a = ObservabilityServer.listen(leader, "0")) {
            health(a, 200);
            Path moved = dir.resolve("moved");
            Files.move(live, moved);
            assertThrows(ResilienceException.class, leader::exportNow);
            JsonNode bad = health(a, 503);
            assertFalse(bad.get("healthy").asBoolean());
            assertTrue(bad.get("problems").get(0).asText().startsWith("export failed"), bad.toString());
            assertEquals(1.0, scrape(a).get("resilient_step_failures_total{step=\"export\"}"));

            Files.move(moved, live);
            leader.exportNow();
            assertTrue(health(a, 200).get("healthy").asBoolean());
            assertEquals(1.0, scrape(a).get("resilient_step_failures_total{step=\"export\"}"), "the count only grows");
        }
    }

    @Test
    @DisplayName("an import node's /health answers 503 at once when a push to it fails on its side, 200 after the next")
    void healthSeesFailedDeliveries() throws Exception {
        cycle();
        try (ObservabilityServer c = ObservabilityServer.listen(db1, "0")) {
            assertEquals(200, get(c, "/health").statusCode());
            clock.advance(Duration.ofMinutes(60));
            BackupId id = leader.exportNow();
            // Where the push must write, a file that is in the way: the delivery fails on db1's side.
            Path blocker = dir.resolve("db1/incoming").resolve(id.value());
            Files.createDirectories(blocker.getParent());
            Files.writeString(blocker, "in the way");
            assertThrows(ResilienceException.class, pbs::poll);
            HttpResponse<String> bad = get(c, "/health");
            assertEquals(503, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("receive failed") && bad.body().contains(id.value()), bad.body());

            Files.delete(blocker);
            cycle();
            HttpResponse<String> good = get(c, "/health");
            assertEquals(200, good.statusCode(), good.body());
        }
    }

    @Test
    @DisplayName("/health turns 503 when the scheduled step is older than two intervals plus slack (injected clock)")
    void healthSeesStaleness() throws Exception {
        cycle();
        try (ObservabilityServer c = ObservabilityServer.listen(db1, "0")) {
            health(c, 200);
            clock.advance(Duration.ofMinutes(131));
            JsonNode f = health(c, 503).get("freshness").get("import");
            assertTrue(f.get("stale").asBoolean(), f.toString());
            assertEquals(131 * 60.0, f.get("ageSeconds").asDouble());
            assertEquals(1.0, scrape(c).get("resilient_step_stale{step=\"import\"}"));
            assertEquals(0.0, scrape(c).get("resilient_healthy"));
            cycle();
            health(c, 200);
        }
    }

    @Test
    @DisplayName("is read-only: other methods are refused, other paths are not found")
    void readOnly() throws Exception {
        try (ObservabilityServer a = ObservabilityServer.listen(leader, "0")) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/health"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertEquals(404, get(a, "/healthz").statusCode());
            assertEquals(404, get(a, "/").statusCode());
        }
    }

    @Test
    @DisplayName("node.metrics-listen: a port alone is loopback; a bad value is a config error")
    void addresses() {
        InetSocketAddress a = ObservabilityServer.address("9464");
        assertTrue(a.getAddress().isLoopbackAddress());
        assertEquals(9464, a.getPort());
        assertEquals(9100, ObservabilityServer.address("0.0.0.0:9100").getPort());
        assertEquals(9100, ObservabilityServer.address("[::1]:9100").getPort());
        for (String bad : new String[] {"", "host:", ":90", "x:70000", "banana"}) {
            ResilienceException e = assertThrows(ResilienceException.class, () -> ObservabilityServer.address(bad), bad);
            assertTrue(e.getMessage().contains("node.metrics-listen"), e.getMessage());
        }
    }

    @Test
    @DisplayName("start(node, hostPort) is what the daemon calls; closing stops serving")
    void startAndClose() throws Exception {
        int port;
        try (AutoCloseable s = ObservabilityServer.start(leader, "127.0.0.1:0")) {
            port = ((ObservabilityServer) s).port();
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        int closed = port;
        assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
    }
}
