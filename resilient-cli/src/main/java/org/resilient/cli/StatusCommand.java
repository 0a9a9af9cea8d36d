package org.resilient.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.resilient.api.ResilienceException;
import org.resilient.cli.observe.ClusterStatus;
import org.resilient.cli.observe.StatusJson;
import org.resilient.core.InterruptedStep;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.core.StepFreshness;
import org.resilient.core.StepOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient status}: what the node is, how its last runs went, how fresh and how far behind it is. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show this node's role, epoch, leader, last good import, pending job, the last run of every step, "
                + "the age of its last good export/pull/import against the schedule, its lag behind the leader and any "
                + "interrupted step.",
                "Unhealthy when a step's last run failed, the scheduled step is older than 2 x export.interval + 10m "
                + "(node.stale-after), or a step was interrupted.",
                "Exit status 0 when healthy, 1 when not (for monitoring); with --cluster, 1 when any node is not.",
                "Reads the node's inbox first, so that it shows what the node was told (e.g. that it was deposed); on a "
                        + "node running as 'resilient node' it asks the running node."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print the status as one JSON document.")
    boolean json;
    @Option(names = "--cluster", description = "Also ask every peer this node knows (export.notify, pbs.source, "
            + "pbs.targets, the leader) and print one table.")
    boolean cluster;

    @Override
    public Integer call() {
        if (!cluster) {
            java.util.OptionalInt viaDaemon = json ? node.viaDaemon(spec, "status", "--json") : node.viaDaemon(spec, "status");
            if (viaDaemon.isPresent()) {
                return viaDaemon.getAsInt();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        NodeStatus s;
        List<ClusterStatus.Row> rows = null;
        try (ResilientNode n = node.open()) {
            try {
                // What arrived in the inbox is what the node knows (e.g. that it was deposed): act on it first.
                n.receive();
            } catch (ResilienceException e) {
                spec.commandLine().getErr().println("warning: could not read the inbox, the status may be behind: "
                        + e.getMessage());
            }
            s = n.status();
            if (cluster) {
                rows = ClusterStatus.collect(n, s);
            }
        }
        if (rows != null) {
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("healthy", rows.stream().allMatch(ClusterStatus.Row::healthy));
                doc.put("nodes", rows.stream().map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("uri", r.uri().toString());
                    m.put("status", r.status());
                    m.put("error", r.error());
                    return m;
                }).toList());
                JsonOutput.print(out, doc);
            } else {
                out.print(ClusterStatus.table(rows));
            }
            return rows.stream().allMatch(ClusterStatus.Row::healthy) ? 0 : 1;
        }
        print(s, json, out);
        return s.healthy() ? 0 : 1;
    }

    /**
     * Prints a status as text or as one JSON document ({@link StatusJson}).
     *
     * @param s the status
     * @param json true for one JSON object
     * @param out where
     */
    static void print(NodeStatus s, boolean json, PrintWriter out) {
        if (json) {
            JsonOutput.print(out, StatusJson.toMap(s));
            return;
        }
        out.printf("node      %s (%s)%nrole      %s%nepoch     %s%nleader    %s%n", s.name(), s.uri(), s.role(), s.epoch(),
                s.leader() == null ? "-" : s.leader());
        out.printf("imported  %s%n", s.lastImport() == null ? "-" : s.lastImport().backupId() + " (made "
                + s.lastImport().backupTime() + ", imported " + s.lastImport().importedAt() + ")");
        if (s.failover() != null) {
            out.printf("failover  %s%s (as of %s)%n", s.failover().problem() ? "PROBLEM: " : "", s.failover().summary(),
                    s.failover().asOf());
        }
        out.printf("pending   %s%npublished %s%n", s.pending() == null ? "-" : s.pending(), s.published());
        for (StepOutcome o : s.lastRuns().values()) {
            out.printf("%-9s %-5s %s %s %s%n", o.step(), o.ok() ? "OK" : "ERROR", o.time(),
                    o.backupId() == null ? "" : o.backupId(), o.ok() ? "" : o.message());
        }
        for (StepFreshness f : s.freshness().values()) {
            out.printf("fresh     %s %s%n", f.stale() ? "STALE" : "OK", f.describe());
        }
        if (s.lag() != null) {
            out.printf("lag       %s behind (newest known %s, last good %s)%n", s.lag().behind() == null ? "?"
                    : ClusterStatus.compact(s.lag().behind()), s.lag().newestKnown() == null ? "-" : s.lag().newestKnown(),
                    s.lag().lastGood() == null ? "-" : s.lag().lastGood());
        }
        for (InterruptedStep i : s.interrupted()) {
            out.printf("INTERRUPTED %s%n", i.describe());
        }
        out.println("health    " + (s.healthy() ? "OK" : "ERROR"));
    }
}
