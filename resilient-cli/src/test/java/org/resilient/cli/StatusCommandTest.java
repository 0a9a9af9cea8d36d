package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resilient.cli.observe.ObservabilityServer;
import org.resilient.core.ResilientNode;

/** {@code resilient status --json} and {@code status --cluster} on a files cluster driven through the command. */
@DisplayName("resilient status")
class StatusCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path dir;
    FilesClusterConfigs cluster;

    @BeforeEach
    void nodes() throws IOException {
        cluster = FilesClusterConfigs.write(dir);
    }

    private void cycle() {
        for (String[] cmd : new String[][] {{"export", cluster.leader().toString()}, {"pull", cluster.pullBackup().toString()},
                {"import", cluster.importer().toString()}}) {
            CliRun r = CliRun.of(cmd[0], "-c", cmd[1]);
            assertEquals(0, r.status(), r.toString());
        }
    }

    @Test
    @DisplayName("--json prints one document with freshness, lag, interrupted steps, failures and bytes")
    void json() throws IOException {
        cycle();
        CliRun r = CliRun.of("status", "-c", cluster.importer().toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        JsonNode s = JSON.readTree(r.out());
        assertTrue(s.get("healthy").asBoolean());
        assertEquals(0, s.get("problems").size());
        assertEquals("import", s.get("role").asText());
        JsonNode fresh = s.get("freshness").get("import");
        assertFalse(fresh.get("stale").asBoolean());
        assertEquals(3600.0, fresh.get("expectedEverySeconds").asDouble());
        assertEquals(7800.0, fresh.get("staleAfterSeconds").asDouble());
        assertTrue(fresh.get("ageSeconds").asDouble() < 600, fresh.toString());
        assertEquals(0.0, s.get("lag").get("behindSeconds").asDouble());
        assertEquals(s.get("lastImport").get("backupId").asText(), s.get("lag").get("lastGood").asText());
        assertTrue(s.get("interrupted").isArray() && s.get("interrupted").isEmpty());
        assertTrue(s.get("failures").isObject());
        assertTrue(s.get("steps").get("import").get("bytes").asLong() > 0, r.out());
        assertTrue(s.get("asOf").isTextual());
    }

    @Test
    @DisplayName("an unhealthy node exits 1 and its --json names the failed step")
    void unhealthyJson() throws IOException {
        Files.delete(dir.resolve("live/table.tsv"));
        Files.delete(dir.resolve("live"));
        assertFalse(CliRun.of("export", "-c", cluster.leader().toString()).status() == 0);
        CliRun r = CliRun.of("status", "-c", cluster.leader().toString(), "--json");
        assertEquals(1, r.status(), r.toString());
        JsonNode s = JSON.readTree(r.out());
        assertFalse(s.get("healthy").asBoolean());
        assertEquals(1, s.get("failures").get("export").asInt());
        assertTrue(s.get("problems").get(0).asText().startsWith("export failed"), r.out());
    }

    @Test
    @DisplayName("--cluster asks every peer the node knows and prints one table")
    void cluster() {
        cycle();
        CliRun r = CliRun.of("status", "--cluster", "-c", cluster.pullBackup().toString());
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("NODE +ROLE +EPOCH +EXPORT +PULL +IMPORT +HEALTHY"), r.out());
        assertTrue(lines.get(1).matches("pbs1 +pull-backup +0 +- +\\d+s +- +yes"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("db0 +export +0 +\\d+s +- +- +yes")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("db1 +import +0 +- +- +\\d+s +yes")), r.out());
        assertEquals(4, lines.size(), r.out());
    }

    @Test
    @DisplayName("--cluster asks a non-file peer's /health (node.peer-health) and marks an unreachable one")
    void clusterOverHttp() throws Exception {
        cycle();
        try (ResilientNode db1 = open(cluster.importer());
             ObservabilityServer health = ObservabilityServer.listen(db1, "0")) {
            Path conf = FilesClusterConfigs.conf(dir, "pbs-http.properties",
                    Files.readString(cluster.pullBackup()).replace("pbs.targets=file:" + dir.resolve("db1"),
                    "pbs.targets=https://127.0.0.1:7443,https://127.0.0.1:7444")
                    + "node.peer-health=https://127.0.0.1:7443=http://127.0.0.1:" + health.port() + "/health");
            CliRun r = CliRun.of("status", "--cluster", "--json", "-c", conf.toString());
            assertEquals(1, r.status(), "a peer that cannot be asked counts as unhealthy: " + r);
            JsonNode doc = JSON.readTree(r.out());
            assertFalse(doc.get("healthy").asBoolean());
            JsonNode nodes = doc.get("nodes");
            assertEquals(4, nodes.size(), "pbs1, its source db0, its two targets: " + r.out());
            JsonNode viaHttp = nodes.get(2);
            assertEquals("https://127.0.0.1:7443", viaHttp.get("uri").asText());
            assertEquals("db1", viaHttp.get("status").get("name").asText(), r.out());
            assertTrue(viaHttp.get("status").get("healthy").asBoolean());
            JsonNode unknown = nodes.get(3);
            assertTrue(unknown.get("status").isNull());
            assertTrue(unknown.get("error").asText().contains("node.peer-health"), r.out());

            CliRun table = CliRun.of("status", "--cluster", "-c", conf.toString());
            assertEquals(1, table.status());
            assertTrue(table.out().lines().anyMatch(l -> l.matches("db1 +import +0 +- +- +\\d+s +yes")), table.out());
            assertTrue(table.out().lines().anyMatch(l -> l.matches("127.0.0.1:7444 .* unreachable")), table.out());
        }
    }

    private static ResilientNode open(Path conf) {
        NodeOptions options = new NodeOptions();
        options.config = conf;
        return options.open();
    }
}
