package org.resilient.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.resilient.api.Epoch;
import org.resilient.core.ResilientNode;
import org.resilient.core.Takeover;
import org.resilient.core.node.NodeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resilient promote}: manual takeover by this import node. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promote this import node to leader (manual takeover): wait for an import in progress, promote the "
                + "standby, raise the epoch (the fencing token) and tell the pull-backup nodes (export.notify) and the "
                + "nodes given with --tell. The old leader is fenced: its older epoch is refused from now on."})
final class PromoteCommand implements Callable<Integer> {
    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;
    @Option(names = "--tell", paramLabel = "URI", split = ",", description = "Other nodes to tell (the old leader, other imports).")
    List<URI> tell = new ArrayList<>();

    @Override
    public Integer call() {
        try (ResilientNode n = node.open()) {
            List<URI> all = new ArrayList<>(new NodeSettings(n.settings()).pullBackupNodes());
            all.addAll(tell);
            Epoch epoch = Takeover.promote(n, List.of(), all);
            spec.commandLine().getOut().println(n.status().name() + " is leader in epoch " + epoch);
            return 0;
        }
    }
}
