package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code --json} output of the command is one JSON document that a JSON parser (Jackson) reads whole. */
class JsonOutputTest {
    private static final List<String> GENERATION_KEYS = List.of("id", "backupId", "time", "sourceNode", "epoch",
            "manifestDigest", "files", "logicalBytes", "newBytes", "storedBytes");

    @TempDir
    Path dir;

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r);
        return r;
    }

    @Nested
    @DisplayName("archive list --json")
    class ArchiveList {
        private String repo() {
            return dir.resolve("repo").toString();
        }

        private String store(String name, String content) throws IOException {
            Path src = Files.createDirectories(dir.resolve(name));
            Files.writeString(src.resolve("table.tsv"), content);
            return ok("archive", "store", src.toString(), "--repo", repo()).out().trim();
        }

        @Test
        @DisplayName("prints one array holding every generation, oldest first, with all its fields")
        void array() throws IOException {
            String first = store("one", "1\tone\n");
            String second = store("two", "1\tone\n2\t\"quoted\" \\ and \u00e9\n");
            JsonNode gens = JsonDocument.parse(ok("archive", "list", "--json", "--repo", repo()).out());
            assertTrue(gens.isArray(), gens.toString());
            assertEquals(2, gens.size(), gens.toString());
            assertEquals(first, gens.get(0).path("id").asText());
            assertEquals(second, gens.get(1).path("id").asText());
            for (JsonNode g : gens) {
                for (String key : GENERATION_KEYS) {
                    assertTrue(g.has(key), key + " in " + g);
                }
                assertEquals(1, g.path("files").asLong(), g.toString());
                assertTrue(g.path("logicalBytes").isIntegralNumber() && g.path("epoch").isIntegralNumber(), g.toString());
                assertTrue(g.path("time").isTextual(), g.toString());
            }
            assertEquals(Files.size(dir.resolve("two/table.tsv")), gens.get(1).path("logicalBytes").asLong());
        }

        @Test
        @DisplayName("prints one object when a generation is named, or 'latest'")
        void oneGeneration() throws IOException {
            String first = store("one", "1\tone\n");
            String second = store("two", "2\ttwo\n");
            JsonNode latest = JsonDocument.parse(ok("archive", "list", "latest", "--json", "--repo", repo()).out());
            assertTrue(latest.isObject(), latest.toString());
            assertEquals(second, latest.path("id").asText());
            JsonNode named = JsonDocument.parse(ok("archive", "list", first, "--json", "--repo", repo()).out());
            assertEquals(first, named.path("id").asText());
            assertTrue(ok("archive", "list", first, "--repo", repo()).out().contains(first));
        }

        @Test
        @DisplayName("prints an empty array for an empty archive and fails with NOT_FOUND for an unknown generation")
        void emptyAndUnknown() {
            ok("archive", "init", "--repo", repo());
            JsonNode gens = JsonDocument.parse(ok("archive", "list", "--json", "--repo", repo()).out());
            assertTrue(gens.isArray() && gens.isEmpty(), gens.toString());
            CliRun missing = CliRun.of("archive", "list", "no-such-generation", "--json", "--repo", repo());
            assertEquals(6, missing.status(), missing.toString());
            assertTrue(missing.err().contains("no generation no-such-generation"), missing.err());
            assertEquals("", missing.out());
        }
    }

    @Test
    @DisplayName("status --json prints one object, with the failed step of an unhealthy node")
    void status() throws IOException {
        Path conf = Files.writeString(dir.resolve("db0.properties"), String.join("\n", "node.name=db0",
                "node.role=export", "node.dir=" + dir.resolve("db0"), "files.source=" + Files.createDirectories(
                        dir.resolve("live")), "export.notify=file:" + dir.resolve("nowhere")) + "\n");
        CliRun fresh = CliRun.of("status", "-c", conf.toString(), "--json");
        assertEquals(0, fresh.status(), fresh.toString());
        JsonNode before = JsonDocument.parse(fresh.out());
        assertEquals("db0", before.path("name").asText());
        assertTrue(before.path("lastImport").isNull() && before.path("steps").isEmpty(), before.toString());
        Files.writeString(dir.resolve("live/table.tsv"), "1\tone\n");
        // Published, then reported unreachable: nothing listens at export.notify.
        assertEquals(8, CliRun.of("export", "-c", conf.toString()).status());
        Files.delete(dir.resolve("live/table.tsv"));
        Files.delete(dir.resolve("live"));
        CliRun export = CliRun.of("export", "-c", conf.toString());
        assertTrue(export.status() != 0, export.toString()); // the source is gone: the export step fails
        CliRun after = CliRun.of("status", "-c", conf.toString(), "--json");
        assertEquals(1, after.status(), after.toString());
        JsonNode st = JsonDocument.parse(after.out());
        assertFalse(st.path("healthy").asBoolean(true), st.toString());
        assertEquals("export", st.path("role").asText());
        JsonNode step = st.path("steps").path("export");
        assertFalse(step.path("ok").asBoolean(true), st.toString());
        assertFalse(step.path("message").asText().isEmpty(), st.toString());
        assertTrue(step.path("tookMillis").isIntegralNumber() && step.path("time").isTextual(), st.toString());
        assertEquals(1, st.path("published").size(), st.toString());
    }
}
