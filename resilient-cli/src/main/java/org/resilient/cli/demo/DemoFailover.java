package org.resilient.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's failover: {@code db0}, the leader, is killed with SIGKILL; the best standby takes over by itself through
 * the embedded coordinator (its lease runs out, the standbys elect, the winner takes the next epoch and promotes its
 * copy); the new epoch reaches every running node; {@code db0}, restarted with its unchanged config, learns the new
 * epoch before it can export, is demoted (its live directory fenced) and is re-seeded as a standby. The demo only
 * watches, through {@code GET /health}: nothing is promoted by hand.
 */
final class DemoFailover {
    /**
     * The standby that must win: both standbys hold the newest backup, neither sets {@code node.priority}, so the tie
     * goes to the name.
     */
    static final String NEW_LEADER = "db1";
    static final String OTHER_STANDBY = "db2";
    private final Duration deadline;
    private long epochBefore;
    private long epochAfter;
    private String lastExportBefore;

    DemoFailover(Duration deadline) {
        this.deadline = deadline;
    }

    /** Kills the leader and waits until a standby leads in the next epoch; checks that it is the best one. */
    void takeOver(DemoCluster c, DemoOutput o) throws Exception {
        JsonNode leader = c.health(DemoCluster.LEADER);
        epochBefore = leader.path("epoch").asLong();
        lastExportBefore = leader.path("steps").path("export").path("backupId").asText("-");
        for (String s : DemoCluster.STANDBYS) {
            o.say("%-7s import node, epoch %d, last import %s", s, c.health(s).path("epoch").asLong(),
                    c.health(s).path("lastImport").path("backupId").asText("-"));
        }
        o.say("both standbys hold the newest backup and have the same node.priority: the name decides, %s should win",
                NEW_LEADER);
        long pid = c.pid(DemoCluster.LEADER);
        long start = System.nanoTime();
        c.kill(DemoCluster.LEADER);
        o.say("kill -9 %d (db0, the leader in epoch %d): no step ends cleanly, its lease is not released", pid,
                epochBefore);
        List<String> leaders = new ArrayList<>();
        c.await("a standby to lead in epoch " + (epochBefore + 1), deadline, () -> {
            leaders.clear();
            for (String s : DemoCluster.STANDBYS) {
                JsonNode h = c.health(s);
                if ("export".equals(h.path("role").asText()) && h.path("epoch").asLong() > epochBefore) {
                    leaders.add(s);
                }
            }
            return !leaders.isEmpty();
        });
        double took = (System.nanoTime() - start) / 1e9;
        JsonNode h = c.health(leaders.get(0));
        epochAfter = h.path("epoch").asLong();
        o.say("%-7s leads in epoch %d, %.1f s after the kill (lease expired, election, compare-and-set of the epoch,"
                + " promotion)", leaders.get(0), epochAfter, took);
        o.say("%-7s failover: %s", leaders.get(0), h.path("failover").path("summary").asText("-"));
        o.check("the best standby took over, alone", leaders.equals(List.of(NEW_LEADER)) ? List.of()
                : List.of("leaders: " + leaders + ", expected [" + NEW_LEADER + "]"));
        o.check("the new epoch is the next one", epochAfter == epochBefore + 1 ? List.of()
                : List.of("epoch " + epochAfter + " after " + epochBefore));
    }

    /** The pull-backup node and the other standby follow the new leader in the new epoch. */
    void epochEverywhere(DemoCluster c, DemoOutput o) throws Exception {
        for (String n : List.of(DemoCluster.PBS, OTHER_STANDBY, NEW_LEADER)) {
            JsonNode h = c.health(n);
            o.say("%-7s %-11s epoch %d  leader %s", n, h.path("role").asText(), h.path("epoch").asLong(),
                    h.path("leader").asText("-"));
            o.check(n + " is in epoch " + epochAfter, h.path("epoch").asLong() == epochAfter ? List.of()
                    : List.of("epoch " + h.path("epoch").asLong()));
        }
    }

    /** Restarts the old leader with its unchanged config: it must come back deposed, demoted and fenced. */
    void oldLeaderReturns(DemoCluster c, DemoOutput o) throws Exception {
        c.start(DemoCluster.LEADER);
        o.say("db0     pid %-7d restarted with its unchanged config (node.role=export)", c.pid(DemoCluster.LEADER));
        JsonNode[] h = new JsonNode[1];
        c.await("db0 to come back as a standby in epoch " + epochAfter, deadline, () -> {
            h[0] = c.health(DemoCluster.LEADER);
            return "import".equals(h[0].path("role").asText()) && h[0].path("epoch").asLong() == epochAfter;
        });
        o.say("db0     %-11s epoch %d  leader %s", h[0].path("role").asText(), h[0].path("epoch").asLong(),
                h[0].path("leader").asText("-"));
        o.say("db0     failover: %s", h[0].path("failover").path("summary").asText("-"));
        String export = h[0].path("steps").path("export").path("backupId").asText("-");
        o.check("db0 did not export after its restart", export.equals(lastExportBefore) ? List.of()
                : List.of("its last export is " + export + ", before the kill it was " + lastExportBefore));
        // A deposed node records its new role first and demotes its component right after (a recorded pending
        // demotion, so a crash in between does not skip it): give the fence the same deadline before checking it.
        long until = System.nanoTime() + deadline.toNanos();
        while (!fenced(c, DemoCluster.LEADER).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100); // polling the live directory's mode, with a deadline
        }
        o.check("db0's live directory is fenced (demoted)", fenced(c, DemoCluster.LEADER));
    }

    /** Differences from a fenced live directory: mode 0000 and the fence record beside it. */
    static List<String> fenced(DemoCluster c, String node) {
        Path live = c.copy(node);
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(live));
            Path record = live.resolveSibling("." + live.getFileName() + ".resilient-fence");
            List<String> d = new ArrayList<>();
            if (!mode.equals("---------")) {
                d.add(live + " has mode " + mode + ", not ---------");
            }
            if (!Files.exists(record)) {
                d.add("no fence record " + record);
            }
            return d;
        } catch (IOException e) {
            return List.of("cannot read the mode of " + live + ": " + e);
        }
    }
}
