package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull-backup node process killed with {@code kill -9} in the middle of pulling a large backup: started again,
 * it resumes the pull (the leader sends the rest, not the whole backup again), then archives and pushes the backup
 * exactly once.
 */
class PullResumeIT {
    private static final int FILES = 4;
    private static final int FILE_BYTES = 64 << 20;
    private static final long TOTAL = (long) FILES * FILE_BYTES;
    /** Generous: for a loaded CI machine, not the time a step is expected to take. */
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    /** What a pull says it reused and fetched: "(TOTAL bytes: KEPT kept from an earlier attempt, FETCHED fetched)". */
    private static final Pattern PULLED = Pattern.compile("pulled backup (\\S+) from .* \\((\\d+) bytes: (\\d+) kept from an"
            + " earlier attempt, (\\d+) fetched\\)");

    /** Incompressible data, so neither TLS nor the archive can make the transfer small. */
    private static void randomFile(Path f, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (int i = 0; i < FILE_BYTES / buf.length; i++) {
                r.nextBytes(buf);
                out.write(buf);
            }
        }
    }

    @Test
    @DisplayName("kill -9 of the pull-backup node mid-pull: restarted, it resumes and delivers exactly once")
    void killedMidPullResumes() throws Exception {
        try (NodeCluster cluster = NodeCluster.create(dir.resolve("c"))) {
            for (int i = 0; i < FILES; i++) {
                randomFile(cluster.live().resolve("part-" + i + ".bin"), i);
            }
            // The leader exports at start; the pull-backup node is not started yet, so nothing is served until
            // the leader's export is written and its counter read (its announcement is retried by itself).
            for (String role : List.of("import1", "import2", "export")) {
                cluster.start(role);
            }
            for (String role : List.of("import1", "import2", "export")) {
                cluster.awaitListening(role);
            }
            cluster.await("the leader's first export", DEADLINE, () -> cluster.lastGood("export", "export") != null);
            String id = cluster.lastGood("export", "export");

            cluster.start("pbs");
            Path partial = cluster.nodeDir("pbs").resolve("incoming").resolve(id + ".partial");
            cluster.await("node-pbs to have pulled a quarter of " + id, DEADLINE, () -> Trees.bytes(partial) >= TOTAL / 4);
            cluster.kill("pbs");
            long kept = Trees.bytes(partial);
            assertTrue(kept >= TOTAL / 4 && kept < TOTAL, "the killed pull kept " + kept + " of " + TOTAL + " bytes");

            cluster.start("pbs");
            cluster.await("node-pbs to archive " + id, DEADLINE, () -> id.equals(cluster.lastGood("pbs", "archive")));
            for (String role : List.of("import1", "import2")) {
                cluster.await(role + " to import " + id, DEADLINE, () -> id.equals(cluster.lastImport(role)));
                List<String> diffs = Trees.differences(cluster.live(), cluster.standby(role));
                assertTrue(diffs.isEmpty(), role + " differs from the leader: " + diffs);
            }
            // Resumed: the restarted pull says it reused what the killed one kept and fetched only the rest.
            List<Matcher> pulls = cluster.logText("pbs").lines().map(PULLED::matcher).filter(Matcher::find).toList();
            assertEquals(1, pulls.size(), "one pull of " + id + " finished:\n" + cluster.logTail("pbs"));
            Matcher pull = pulls.get(0);
            long reused = Long.parseLong(pull.group(3));
            long fetched = Long.parseLong(pull.group(4));
            assertEquals(id, pull.group(1));
            assertTrue(reused >= kept * 99 / 100 && reused <= kept, "the resumed pull reused " + reused + " bytes of the "
                    + kept + " the killed one had kept");
            assertEquals(Long.parseLong(pull.group(2)) - reused, fetched, "fetched more than what was missing");
            // And in its status (GET /health, resilient status --json), without reading its log.
            String summary = cluster.health("pbs").path("steps").path("pull").path("message").asText();
            assertTrue(summary.contains("resumed: " + reused + " of " + pull.group(2) + " bytes kept"), summary);
            // And as a Prometheus counter (GET /metrics).
            assertTrue(cluster.metrics("pbs").lines().anyMatch(l -> l.equals("resilient_pull_reused_bytes_total "
                    + (double) reused) || l.equals("resilient_pull_reused_bytes_total " + reused)),
                    "no resilient_pull_reused_bytes_total " + reused + " in:\n" + cluster.metrics("pbs"));

            var generations = new ObjectMapper().readTree(cluster.cli(0, "archive", "list", "--json", "--repo",
                    cluster.setting("pbs", "pbs.archive")));
            assertEquals(1, generations.size(), "one generation: " + generations);
            assertEquals(id, generations.get(0).path("backupId").asText());
            for (String role : List.of("import1", "import2")) {
                assertEquals(1, cluster.logCount(role, "received backup " + id), role + " was pushed the backup once");
                assertEquals(1, cluster.logCount(role, "imported backup " + id), role + " imported it once");
            }
            assertEquals(2, cluster.logCount("pbs", "pushed " + id + " to"), "pushed once to each import node");
            System.out.printf("pull resumed: %d of %d bytes kept at the kill; the resumed pull reused %d and fetched %d%n",
                    kept, TOTAL, reused, fetched);
        }
    }
}
