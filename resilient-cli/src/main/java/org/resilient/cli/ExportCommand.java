package org.resilient.cli;

import java.util.concurrent.Callable;
import org.resilient.api.BackupId;
import org.resilient.core.ResilientNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code resilient export}: export, publish and announce one backup now. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export the component of this (leader) node now: dump into a staging directory, write MANIFEST and "
                + "SIGNATURE, publish by atomic rename into backup/<id>, announce to the pull-backup nodes (export.notify).",
                "Prints the backup id. Refuses when another export runs on this node or the node is not the leader.",
                "When the node runs as 'resilient node', asks it to export now and waits for its result."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;
    @picocli.CommandLine.Option(names = "--announce-only",
            description = "Do not export; announce the newest published backup again (after a failed announcement).")
    boolean announceOnly;

    @Override
    public Integer call() {
        java.util.OptionalInt viaDaemon = announceOnly ? node.viaDaemon(spec, "export", "--announce-only")
                : node.viaDaemon(spec, "export");
        if (viaDaemon.isPresent()) {
            return viaDaemon.getAsInt();
        }
        try (ResilientNode n = node.open()) {
            BackupId id = announceOnly ? n.announceLatest() : n.exportNow();
            spec.commandLine().getOut().println(id);
            return 0;
        }
    }
}
