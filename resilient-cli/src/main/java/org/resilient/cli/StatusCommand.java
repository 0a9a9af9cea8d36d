package org.resilient.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.resilient.api.BackupId;
import org.resilient.api.ResilienceException;
import org.resilient.core.NodeStatus;
import org.resilient.core.ResilientNode;
import org.resilient.core.StepOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient status}: what the node is and how its last runs went. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show this node's role, epoch, leader, last good import, pending job and the last run of every step.",
                "Exit status 0 when the last run of every step succeeded, 1 when one failed (for monitoring).",
                "Reads the node's inbox first, so that it shows what the node was told (e.g. that it was deposed); on a "
                        + "node running as 'resilient node' it asks the running node."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print the status as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        java.util.OptionalInt viaDaemon = json ? node.viaDaemon(spec, "status", "--json") : node.viaDaemon(spec, "status");
        if (viaDaemon.isPresent()) {
            return viaDaemon.getAsInt();
        }
        NodeStatus s;
        try (ResilientNode n = node.open()) {
            try {
                // What arrived in the inbox is what the node knows (e.g. that it was deposed): act on it first.
                n.receive();
            } catch (ResilienceException e) {
                spec.commandLine().getErr().println("warning: could not read the inbox, the status may be behind: "
                        + e.getMessage());
            }
            s = n.status();
        }
        print(s, json, spec.commandLine().getOut());
        return s.healthy() ? 0 : 1;
    }

    /**
     * Prints a status as text or JSON.
     *
     * @param s the status
     * @param json true for one JSON object
     * @param out where
     */
    static void print(NodeStatus s, boolean json, PrintWriter out) {
        if (json) {
            JsonOutput.print(out, StatusJson.of(s));
        } else {
            out.printf("node      %s (%s)%nrole      %s%nepoch     %s%nleader    %s%n", s.name(), s.uri(), s.role(), s.epoch(),
                    s.leader() == null ? "-" : s.leader());
            out.printf("imported  %s%n", s.lastImport() == null ? "-" : s.lastImport().backupId() + " (made "
                    + s.lastImport().backupTime() + ", imported " + s.lastImport().importedAt() + ")");
            out.printf("pending   %s%npublished %s%n", s.pending() == null ? "-" : s.pending(), s.published());
            for (StepOutcome o : s.lastRuns().values()) {
                out.printf("%-9s %-5s %s %s %s%n", o.step(), o.ok() ? "OK" : "ERROR", o.time(),
                        o.backupId() == null ? "" : o.backupId(), o.ok() ? "" : o.message());
            }
            out.println("health    " + (s.healthy() ? "OK" : "ERROR"));
        }
    }

    /** The {@code --json} document: times and ids as strings, durations in milliseconds. */
    record StatusJson(String name, String uri, String role, long epoch, String leader, boolean healthy,
                      LastImportJson lastImport, String pending, List<String> published, Map<String, StepJson> steps) {
        static StatusJson of(NodeStatus s) {
            Map<String, StepJson> steps = new TreeMap<>(); // sorted: the node's map has no order
            s.lastRuns().forEach((k, o) -> steps.put(k, new StepJson(o.ok(), o.time().toString(), text(o.backupId()),
                    o.message(), o.took().toMillis())));
            var i = s.lastImport();
            return new StatusJson(s.name(), text(s.uri()), s.role().configName(), s.epoch().value(), text(s.leader()),
                    s.healthy(), i == null ? null : new LastImportJson(i.backupId().value(), i.backupTime().toString(),
                            i.importedAt().toString()), text(s.pending()),
                    s.published().stream().map(BackupId::value).toList(), steps);
        }

        private static String text(Object v) {
            return v == null ? null : v.toString();
        }
    }

    /** The last good import in {@link StatusJson}. */
    record LastImportJson(String backupId, String backupTime, String importedAt) {
    }

    /** The last run of one step in {@link StatusJson}. */
    record StepJson(boolean ok, String time, String backupId, String message, long tookMillis) {
    }
}
