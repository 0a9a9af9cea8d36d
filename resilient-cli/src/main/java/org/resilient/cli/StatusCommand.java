package org.resilient.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
            out.println(Json.write(toMap(s)));
            return;
        }
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

    static Map<String, Object> toMap(NodeStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("uri", s.uri());
        m.put("role", s.role().configName());
        m.put("epoch", s.epoch().value());
        m.put("leader", s.leader());
        m.put("healthy", s.healthy());
        if (s.lastImport() != null) {
            m.put("lastImport", Map.of("backupId", s.lastImport().backupId(), "backupTime", s.lastImport().backupTime(),
                    "importedAt", s.lastImport().importedAt()));
        }
        m.put("pending", s.pending());
        m.put("published", s.published());
        Map<String, Object> steps = new LinkedHashMap<>();
        s.lastRuns().forEach((k, o) -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("ok", o.ok());
            step.put("time", o.time());
            step.put("backupId", o.backupId());
            step.put("message", o.message());
            step.put("tookMillis", o.took().toMillis());
            steps.put(k, step);
        });
        m.put("steps", steps);
        return m;
    }
}
