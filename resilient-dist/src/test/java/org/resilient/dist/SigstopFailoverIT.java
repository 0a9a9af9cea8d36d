package org.resilient.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader paused, not killed: four {@code resilient node} processes of the distribution with the embedded coordinator
 * ({@code replicate --coordinator embedded}); the leader's process gets SIGSTOP and stays stopped past its lease, a
 * standby takes over, then the leader gets SIGCONT and wakes up believing it leads, with an export due at once (a
 * short {@code export.interval}). It must not get a backup of its old epoch accepted anywhere (the archive and the
 * standbys hold none made after it stopped, and no older epoch after a newer one), and it must end deposed (an import
 * node in the new epoch), fenced (its live directory demoted) and re-seeded by the new leader's backup.
 */
class SigstopFailoverIT {
    /** Generous: for a loaded CI machine, not the time a step is expected to take. */
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static void signal(NodeCluster c, String role, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(c.pid(role))).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " of " + role);
        c.trace("SIG" + signal + " to " + role + " (pid " + c.pid(role) + ")");
    }

    private static String role(NodeCluster c, String role) {
        return c.health(role).path("role").asText();
    }

    private static long epoch(NodeCluster c, String role) {
        return c.health(role).path("epoch").asLong(-1);
    }

    @Test
    @DisplayName("SIGSTOP of the leader past its lease: a standby takes over; after SIGCONT the old leader gets nothing of "
            + "its old epoch accepted, and ends deposed, fenced and re-seeded")
    void pausedLeader() throws Exception {
        // files.target = files.source on the leader: once deposed, it is re-seeded into the copy it kept.
        try (NodeCluster c = NodeCluster.create(dir.resolve("c"), List.of("--coordinator", "embedded", "--export-set",
                "files.target=" + dir.resolve("c/live")), "export.interval=5s", "export.jitter=0s")) {
            Files.writeString(c.live().resolve("data.txt"), "v0");
            c.startAll();
            for (String r : List.of("import1", "import2")) {
                c.await(r + " to import a first backup", DEADLINE, () -> c.lastImport(r) != null);
            }
            c.await("node-pbs to archive a backup", DEADLINE, () -> c.lastGood("pbs", "archive") != null);
            assertEquals("export", role(c, "export"));

            signal(c, "export", "STOP");
            Instant stopped = Instant.now();
            c.await("node1 to take over in epoch 1", DEADLINE, () -> "export".equals(role(c, "import1"))
                    && epoch(c, "import1") == 1);
            c.await("node-pbs to archive a backup of node1", DEADLINE, () -> {
                String a = c.lastGood("pbs", "archive");
                return a != null && a.endsWith("-node1");
            });
            c.await("node2 to import a backup of node1", DEADLINE, () -> String.valueOf(c.lastImport("import2"))
                    .endsWith("-node1"));

            // It wakes with an export due (every 5 s), its lease long gone and its own view still "leader in epoch 0".
            signal(c, "export", "CONT");
            Instant continued = Instant.now();
            c.await("node0 to be deposed: an import node in epoch 1", DEADLINE, () -> "import".equals(role(c, "export"))
                    && epoch(c, "export") == 1);
            c.await("node0's live directory to be fenced", DEADLINE, () -> fenced(c.live()).isEmpty());
            c.await("node0 to be re-seeded by a backup of node1", DEADLINE, () -> {
                String i = c.lastImport("export");
                return i != null && i.endsWith("-node1");
            });
            JsonNode failover = c.health("export").path("failover");
            assertTrue(!failover.path("summary").asText().contains("node0 leads"), "node0's status: " + failover);

            // Let node1 export once more after node0 woke, so anything node0 got in would be in front of it.
            String after = c.lastGood("pbs", "archive");
            c.await("node-pbs to archive a newer backup of node1", DEADLINE, () -> {
                String a = c.lastGood("pbs", "archive");
                return a != null && a.endsWith("-node1") && a.compareTo(after) > 0;
            });
            List<String> problems = new ArrayList<>();
            long newest = 0;
            for (JsonNode g : JSON.readTree(c.cli(0, "archive", "list", "--json", "--repo", c.setting("pbs", "pbs.archive")))) {
                long e = g.path("epoch").asLong();
                Instant t = Instant.parse(g.path("time").asText());
                if (e < newest) {
                    problems.add("generation " + g.path("backupId").asText() + " of epoch " + e + " stored after epoch "
                            + newest);
                }
                if (g.path("sourceNode").asText().contains("node0") && t.isAfter(stopped)) {
                    problems.add("generation " + g.path("backupId").asText() + " of node0 made after its SIGSTOP");
                }
                newest = Math.max(newest, e);
            }
            for (String r : List.of("import1", "import2")) {
                long took = c.logText(r).lines().filter(l -> l.contains("imported") && l.contains("-node0"))
                        .filter(l -> l.matches(".*\\d{8}T\\d{6}\\.\\d{3}Z-node0.*"))
                        .filter(l -> importedAfter(l, stopped)).count();
                if (took > 0) {
                    problems.add(r + " imported " + took + " backup(s) of node0 made after its SIGSTOP");
                }
            }
            c.trace("node0 after SIGCONT at " + continued + ": " + c.logCount("export", "may not export")
                    + " export(s) refused for want of the lease");
            assertEquals(List.of(), problems, "nothing of node0's old epoch may be accepted after it was stopped");
            assertEquals("import", role(c, "export"));
            assertEquals("export", role(c, "import1"));
        } finally {
            // The deposed node0 keeps its live directory fenced (mode 0000): open it so that @TempDir can delete it.
            Path live = dir.resolve("c/live");
            if (Files.exists(live)) {
                Files.setPosixFilePermissions(live, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    /** Whether a log line names a backup of node0 whose id's time is after an instant. */
    private static boolean importedAfter(String line, Instant t) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{8}T\\d{6}\\.\\d{3}Z)-node0").matcher(line);
        while (m.find()) {
            String s = m.group(1);
            Instant at = Instant.parse(s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 11) + ":"
                    + s.substring(11, 13) + ":" + s.substring(13));
            if (at.isAfter(t)) {
                return true;
            }
        }
        return false;
    }

    /** Differences from a fenced live directory: mode 0000 and the fence record beside it. */
    private static List<String> fenced(Path live) {
        List<String> d = new ArrayList<>();
        try {
            if (!Files.getPosixFilePermissions(live).isEmpty()) {
                d.add(live + " has mode " + Files.getPosixFilePermissions(live));
            }
        } catch (java.io.IOException e) {
            d.add(e.toString());
        }
        if (!Files.exists(live.resolveSibling("." + live.getFileName() + ".resilient-fence"))) {
            d.add("no fence record");
        }
        return d;
    }
}
