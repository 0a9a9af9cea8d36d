package org.resilient.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resilient command, end to end on the files component, the file transport and a real archive. */
class CliTest {
    @TempDir
    Path dir;
    Path live;
    Path standby;
    FilesClusterConfigs cluster;

    @BeforeEach
    void nodes() throws IOException {
        cluster = FilesClusterConfigs.write(dir);
        live = cluster.live();
        Files.createDirectories(live.resolve("empty"));
        standby = cluster.standby();
    }

    private String cycle() {
        CliRun export = CliRun.of("export", "-c", cluster.leader().toString());
        assertEquals(0, export.status(), export.toString());
        String id = export.out().trim();
        CliRun pull = CliRun.of("pull", "-c", cluster.pullBackup().toString());
        assertEquals(0, pull.status(), pull.toString());
        assertTrue(pull.out().contains(id), pull.toString());
        CliRun imp = CliRun.of("import", "-c", cluster.importer().toString());
        assertEquals(0, imp.status(), imp.toString());
        return id;
    }

    @Test
    @DisplayName("components lists the files component, the file transport and the archives")
    void components() {
        CliRun r = CliRun.of("components");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("files") && r.out().contains("FilesComponentProvider"), r.out());
        assertTrue(r.out().contains("transport  file"), r.out());
        assertTrue(r.out().contains("resilient-core"), r.out());
    }

    @Test
    @DisplayName("components --settings prints every key of the node and each provider, from their declarations")
    void componentsSettings() {
        CliRun r = CliRun.of("components", "--settings");
        assertEquals(0, r.status(), r.toString());
        String out = r.out();
        for (var spec : org.resilient.core.node.NodeSettings.SPECS) {
            assertTrue(out.contains("  " + spec.key() + "  "), spec.key() + " in " + out);
        }
        for (String line : List.of("export.interval  duration, default 60m", "files.source  path, required to export",
                "postgres.port  int, default 5432", "allowed: 1-65535", "postgres.password  string, secret",
                "mysql.databases  list", "archive.compression  string, default 1",
                "component postgres", "archive dir", "transport file")) {
            assertTrue(out.contains(line), line + " in " + out);
        }
        assertTrue(out.contains("org.resilient:resilient-postgres"), "plugins name their artifact: " + out);
    }

    @Test
    @DisplayName("an export whose pull-backup node is unreachable is published, reported as failed, and can be announced again")
    void unreachablePullBackupNode() throws IOException {
        Path moved = dir.resolve("pbs1-away");
        Files.move(dir.resolve("pbs1"), moved);
        CliRun export = CliRun.of("export", "-c", cluster.leader().toString());
        assertEquals(8, export.status(), export.toString());
        assertTrue(export.err().contains("was published but could not be announced"), export.err());
        Files.move(moved, dir.resolve("pbs1"));
        CliRun again = CliRun.of("export", "--announce-only", "-c", cluster.leader().toString());
        assertEquals(0, again.status(), again.toString());
        CliRun pull = CliRun.of("pull", "-c", cluster.pullBackup().toString());
        assertEquals(0, pull.status(), pull.toString());
        assertTrue(pull.out().contains(again.out().trim()), pull.toString());
    }

    @Test
    @DisplayName("every command has --help")
    void help() {
        for (String cmd : List.of("demo", "components", "export", "pull", "import", "status", "promote", "node", "run",
                "archive")) {
            CliRun r = CliRun.of(cmd, "--help");
            assertEquals(0, r.status(), cmd + ": " + r);
            assertTrue(r.out().contains("Usage: resilient " + cmd), r.out());
        }
        for (String sub : List.of("init", "store", "list", "restore", "verify", "repair", "prune", "stats")) {
            CliRun r = CliRun.of("archive", sub, "--help");
            assertEquals(0, r.status(), sub + ": " + r);
        }
    }

    @Nested
    @DisplayName("A full cycle")
    class FullCycle {
        @Test
        @DisplayName("export, pull and import make the standby equal to the live data, and the archive keeps it")
        void cycleThroughTheCommand() throws IOException {
            String id = cycle();
            assertEquals("1\tone\n2\ttwo\n", Files.readString(standby.resolve("table.tsv")));
            assertTrue(Files.isDirectory(standby.resolve("empty")));
            CliRun status = CliRun.of("status", "-c", cluster.importer().toString(), "--json");
            assertEquals(0, status.status(), status.toString());
            JsonNode st = JsonDocument.parse(status.out());
            assertEquals(id, st.path("lastImport").path("backupId").asText(), status.out());
            assertEquals("import", st.path("role").asText(), status.out());
            assertTrue(st.path("healthy").asBoolean(false) && st.path("steps").path("import").path("ok").asBoolean(false),
                    status.out());
            CliRun list = CliRun.of("archive", "list", "--repo", "copy:" + dir.resolve("pbs1/archive"), "--json");
            assertEquals(0, list.status(), list.toString());
            JsonNode gens = JsonDocument.parse(list.out());
            assertTrue(gens.isArray() && gens.size() == 1, list.out());
            assertEquals(id, gens.get(0).path("backupId").asText(), list.out());
            assertTrue(gens.get(0).path("time").isTextual() && gens.get(0).path("storedBytes").isIntegralNumber(),
                    list.out());
            CliRun verify = CliRun.of("archive", "verify", "--read-data", "--repo", "copy:" + dir.resolve("pbs1/archive"));
            assertEquals(0, verify.status(), verify.toString());
            Path restored = dir.resolve("restored");
            CliRun restore = CliRun.of("archive", "restore", "--repo", "copy:" + dir.resolve("pbs1/archive"), "latest",
                    restored.toString());
            assertEquals(0, restore.status(), restore.toString());
            Process p = new ProcessBuilder("sha256sum", "--quiet", "-c", "SIGNATURE").directory(restored.toFile())
                    .redirectErrorStream(true).start();
            assertEquals(0, waitFor(p), "sha256sum -c SIGNATURE in the restored backup");
        }

        @Test
        @DisplayName("a second pull without a new announcement does nothing and succeeds")
        void idempotentPull() {
            cycle();
            CliRun again = CliRun.of("pull", "-c", cluster.pullBackup().toString());
            assertEquals(0, again.status(), again.toString());
            assertTrue(again.out().contains("nothing to do"), again.out());
        }
    }

    @Nested
    @DisplayName("Bad input")
    class BadInput {
        @Test
        @DisplayName("an unknown component names what exists and fails with status 2")
        void unknownComponent() throws IOException {
            Path c = FilesClusterConfigs.conf(dir, "x.properties",
                    "node.name=x", "node.role=export", "node.dir=" + dir.resolve("x"),
                    "node.component=oracle");
            CliRun r = CliRun.of("export", "-c", c.toString());
            assertEquals(2, r.status(), r.toString());
            assertTrue(r.err().contains("no component named 'oracle'") && r.err().contains("files"), r.err());
        }

        @Test
        @DisplayName("an unknown transport scheme is a clear error")
        void unknownTransport() throws IOException {
            Path c = FilesClusterConfigs.conf(dir, "x.properties",
                    "node.name=x", "node.role=export", "node.dir=" + dir.resolve("x"),
                    "node.uri=carrier-pigeon:/x", "files.source=" + live);
            CliRun r = CliRun.of("export", "-c", c.toString());
            assertEquals(2, r.status(), r.toString());
            assertTrue(r.err().contains("no transport named 'carrier-pigeon'"), r.err());
        }

        @Test
        @DisplayName("a config with missing and mistyped keys reports every problem at once")
        void badConfig() throws IOException {
            Path c = FilesClusterConfigs.conf(dir, "x.properties",
                    "node.name=x", "node.role=export", "node.dir=" + dir.resolve("x"),
                    "files.sorce=" + live, "export.retries=lots");
            CliRun r = CliRun.of("export", "-c", c.toString());
            assertEquals(2, r.status(), r.toString());
            assertTrue(r.err().contains("did you mean 'files.source'"), r.err());
            assertTrue(r.err().contains("export.retries"), r.err());
            Path several = FilesClusterConfigs.conf(dir, "y.properties",
                    "node.name=y", "node.role=export", "node.dir=" + dir.resolve("y"),
                    "export.notify=file:relative", "export.interval=banana", "export.retries=-1", "node.poll-interval=0s");
            CliRun all = CliRun.of("export", "-c", several.toString());
            assertEquals(2, all.status(), all.toString());
            for (String part : List.of("5 problems", "export.notify", "export.interval", "export.retries",
                    "node.poll-interval", "missing required key 'files.source'")) {
                assertTrue(all.err().contains(part), part + " in " + all.err());
            }
            assertFalse(Files.exists(dir.resolve("y/backup")), "nothing is created for a refused config");
            CliRun missing = CliRun.of("export", "-c", dir.resolve("nope.properties").toString());
            assertEquals(2, missing.status(), missing.toString());
            assertTrue(missing.err().contains("does not exist"), missing.err());
        }

        @Test
        @DisplayName("a backup changed after its manifest was written fails the pull (status 3); the standby keeps its state")
        void tamperedBackup() throws IOException {
            cycle();
            Files.writeString(live.resolve("table.tsv"), "1\tone\n2\ttwo\n3\tthree\n");
            CliRun export = CliRun.of("export", "-c", cluster.leader().toString());
            assertEquals(0, export.status(), export.toString());
            Path published = dir.resolve("db0/backup").resolve(export.out().trim());
            Files.writeString(published.resolve("data/table.tsv"), "1\tone\n2\ttwo\n3\tTHREE\n");
            CliRun pull = CliRun.of("pull", "-c", cluster.pullBackup().toString());
            assertEquals(3, pull.status(), pull.toString());
            assertTrue(pull.err().contains("data/table.tsv was changed"), pull.err());
            CliRun status = CliRun.of("status", "-c", cluster.pullBackup().toString());
            assertEquals(1, status.status(), "an unhealthy node's status exits 1: " + status);
            assertTrue(status.out().contains("ERROR"), status.out());
            CliRun imp = CliRun.of("import", "-c", cluster.importer().toString());
            assertEquals(0, imp.status(), imp.toString());
            assertEquals("1\tone\n2\ttwo\n", Files.readString(standby.resolve("table.tsv")));
        }

        @Test
        @DisplayName("a standby directory that is not writable fails the import (status 5) and loses nothing")
        void standbyNotWritable() throws Exception {
            cycle();
            Files.writeString(live.resolve("table.tsv"), "changed\n");
            assertEquals(0, CliRun.of("export", "-c", cluster.leader().toString()).status());
            assertEquals(0, CliRun.of("pull", "-c", cluster.pullBackup().toString()).status());
            CliRun imp;
            try (ReadOnly ro = new ReadOnly(dir)) {
                imp = CliRun.of("import", "-c", cluster.importer().toString());
            }
            assertEquals(5, imp.status(), imp.toString());
            assertTrue(imp.err().contains("NOT_WRITABLE"), imp.err());
            assertEquals("1\tone\n2\ttwo\n", Files.readString(standby.resolve("table.tsv")));
            CliRun retry = CliRun.of("import", "-c", cluster.importer().toString());
            assertEquals(0, retry.status(), "the failed import is retried: " + retry);
            assertEquals("changed\n", Files.readString(standby.resolve("table.tsv")));
        }

        @Test
        @DisplayName("an export node that is not the leader refuses to export")
        void notLeader() {
            CliRun r = CliRun.of("export", "-c", cluster.importer().toString());
            assertEquals(4, r.status(), r.toString());
            assertTrue(r.err().contains("not the leader"), r.err());
        }
    }

    @Test
    @DisplayName("promote makes the standby the leader in a new epoch; the old leader is then fenced")
    void promote() {
        cycle();
        CliRun p = CliRun.of("promote", "-c", cluster.importer().toString(), "--tell", "file:" + dir.resolve("db0"));
        assertEquals(0, p.status(), p.toString());
        assertTrue(p.out().contains("leader in epoch 1"), p.out());
        CliRun old = CliRun.of("export", "-c", cluster.leader().toString());
        assertEquals(4, old.status(), old.toString());
        CliRun fresh = CliRun.of("export", "-c", cluster.importer().toString());
        assertEquals(0, fresh.status(), fresh.toString());
        CliRun pull = CliRun.of("pull", "-c", cluster.pullBackup().toString());
        assertEquals(0, pull.status(), pull.toString());
        assertTrue(pull.out().contains(fresh.out().trim()), pull.toString());
    }

    @Test
    @DisplayName("a deposed leader's status says so as soon as the news is in its inbox, before it runs anything")
    void deposedLeaderStatus() {
        cycle();
        CliRun p = CliRun.of("promote", "-c", cluster.importer().toString(), "--tell", "file:" + dir.resolve("db0"));
        assertEquals(0, p.status(), p.toString());
        CliRun status = CliRun.of("status", "-c", cluster.leader().toString());
        assertTrue(status.out().contains("role      import") && status.out().contains("epoch     1"), status.toString());
        assertTrue(status.out().contains("leader    file:" + dir.resolve("db1")), status.toString());
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }
}
