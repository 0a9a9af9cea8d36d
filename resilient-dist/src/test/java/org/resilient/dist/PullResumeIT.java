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

    /**
     * The bytes the process has written to files and sockets so far ({@code wchar} of {@code /proc/PID/io}): for the
     * leader, once its export is written, that is what it served to the pull-backup node.
     */
    private static long written(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/io")).stream().filter(l -> l.startsWith("wchar:"))
                .mapToLong(l -> Long.parseLong(l.substring(6).strip())).findFirst().orElseThrow();
    }

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
            long leader = cluster.pid("export");
            long before = written(leader);

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
            long served = written(leader) - before;
            // Resumed: about the backup once (plus TLS framing and what was in flight at the kill). From zero it
            // would be the backup plus all that the killed pull had kept.
            assertTrue(served >= TOTAL * 99 / 100 && served < TOTAL + kept / 2, "the leader served " + served
                    + " bytes for a backup of " + TOTAL + " of which the killed pull had kept " + kept);

            var generations = new ObjectMapper().readTree(cluster.cli(0, "archive", "list", "--json", "--repo",
                    cluster.setting("pbs", "pbs.archive")));
            assertEquals(1, generations.size(), "one generation: " + generations);
            assertEquals(id, generations.get(0).path("backupId").asText());
            for (String role : List.of("import1", "import2")) {
                assertEquals(1, cluster.logCount(role, "received backup " + id), role + " was pushed the backup once");
                assertEquals(1, cluster.logCount(role, "imported backup " + id), role + " imported it once");
            }
            assertEquals(2, cluster.logCount("pbs", "pushed " + id + " to"), "pushed once to each import node");
            System.out.printf("pull resumed: %d of %d bytes kept at the kill; the leader served %d bytes in all%n", kept,
                    TOTAL, served);
        }
    }
}
