package org.resilient.cli;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.resilient.api.Epoch;
import org.resilient.api.ErrorCode;
import org.resilient.api.ResilienceException;
import org.resilient.core.ResilientNode;
import org.resilient.core.Takeover;
import org.resilient.core.node.NodeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code resilient takeover}: a controlled switch of the leadership to this import node. With a coordinator
 * ({@code node.coordinator}) it goes through the running node ({@code resilient node}), which checks that it is
 * the best candidate, takes the next epoch (the current leader sees it, stops exporting and releases the lease),
 * promotes itself and tells the others. Without a coordinator it promotes this node by hand, as
 * {@code resilient promote} always did.
 */
@Command(name = "takeover", mixinStandardHelpOptions = true,
        description = {"Make this import node the leader (a controlled switch). With node.coordinator set, the running node"
                + " ('resilient node') does it through the coordinator: refused without --force when this node has no good"
                + " import or another node is the better candidate (the reason is printed); otherwise it takes the next"
                + " epoch (the fencing token: the old leader stops exporting and steps down), waits for an import in"
                + " progress, promotes the standby and tells the pull-backup nodes. Without a coordinator: promotes this"
                + " node at once in a new epoch and tells the pull-backup nodes (export.notify) and the nodes given with"
                + " --tell. Logged with who asked, when, and the old and new epoch."})
class TakeoverCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TakeoverCommand.class);

    @Mixin
    NodeOptions node;
    @Spec
    CommandSpec spec;
    @Option(names = "--force", description = "Take over even when this node has no good import or is not the best "
            + "candidate (data newer than its last good import is lost).")
    boolean force;
    @Option(names = "--tell", paramLabel = "URI", split = ",",
            description = "Without a coordinator: other nodes to tell (the old leader, other imports).")
    List<URI> tell = new ArrayList<>();

    @Override
    public Integer call() {
        boolean coordinated = new NodeSettings(node.settings()).coordinator().isPresent();
        if (coordinated) {
            List<String> request = new ArrayList<>(List.of("takeover", "--by", who()));
            if (force) {
                request.add(1, "--force");
            }
            OptionalInt done = node.viaDaemon(spec, request.toArray(String[]::new));
            if (done.isPresent()) {
                return done.getAsInt();
            }
            throw new ResilienceException(ErrorCode.WRONG_STATE, "this node has node.coordinator set, so a takeover goes"
                    + " through the running node, and none runs: start it with 'resilient node -c " + node.config
                    + "' (it takes over by itself when the leader is gone and it is the best candidate), then run this"
                    + " again");
        }
        try (ResilientNode n = node.open()) {
            List<URI> all = new ArrayList<>(new NodeSettings(n.settings()).pullBackupNodes());
            all.addAll(tell);
            Epoch old = n.epoch();
            Epoch epoch = Takeover.promote(n, List.of(), all);
            LOG.warn("takeover asked by {} at {}: {} is leader, epoch {} -> {} (no coordinator: promoted by hand{})", who(),
                    Instant.now(), n.name(), old, epoch, force ? "; --force changes nothing without a coordinator" : "");
            spec.commandLine().getOut().println(n.name() + " is leader in epoch " + epoch + " (was " + old + ")");
            return 0;
        }
    }

    private static String who() {
        return System.getProperty("user.name", "?") + "@" + ProcessHandle.current().pid();
    }
}
